// Any bytes as an nginx config file and as an `nginx -T` dump: no crash, no hang, a model always built.
#include "nginx/configmodel.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const gwb::ParsedConfig parsed = gwb::ConfigParser::parseText(bytes, QStringLiteral("fuzz.conf"));
    const gwb::ConfigModel model = gwb::ConfigModel::build(parsed);
    for (int s = 0; s < static_cast<int>(model.servers.size()); ++s)
        (void)model.matchLocation(s, QStringLiteral("/api/v1/x.php"));
    (void)model.findServer(QStringLiteral("www.example.com"));
    const gwb::ParsedConfig dump = gwb::ConfigParser::parseDump(bytes, QStringLiteral("fuzz-dump"));
    (void)gwb::ConfigModel::build(dump);
    return 0;
}
