// Any bytes as an access log in three formats (combined, upstream timings, escape=json): no crash, no hang,
// every line either an event or a counted malformed line.
#include "nginx/accesslogparser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

const gwb::LogFormat &format(int which)
{
    static const gwb::LogFormat formats[] = {
        gwb::LogFormat::combined(),
        gwb::LogFormat::compile(QStringLiteral("up"),
                                QStringLiteral("$remote_addr [$time_local] \"$request\" $status $request_time "
                                               "$upstream_addr $upstream_status $upstream_connect_time "
                                               "$upstream_header_time $upstream_response_time \"$host\""))
            .value(),
        gwb::LogFormat::compile(QStringLiteral("json"),
                                QStringLiteral("{\"t\":\"$time_iso8601\",\"s\":$status,\"r\":\"$request\","
                                               "\"ua\":\"$upstream_addr\",\"us\":\"$upstream_status\",\"m\":$msec}"),
                                gwb::LogFormat::Escape::Json)
            .value(),
    };
    return formats[which];
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const int which = data[0] % 3;
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), static_cast<qsizetype>(size - 1));
    gwb::LogParseOptions opts;
    opts.threads = 1 + (data[0] / 3) % 2;
    const auto result = gwb::AccessLogParser::parse(gwb::TextSource::fromBytes(bytes, QStringLiteral("fuzz.log")),
                                                    gwb::SourceId(1), format(which), opts);
    if (result.events.size() + result.malformed.total() > result.lineCount + 1)
        std::abort(); // more outcomes than lines: something was counted twice
    gwb::AccessRecord record;
    for (const QByteArray &line : bytes.split('\n'))
        (void)format(which).parseLine(line, record);
    return 0;
}
