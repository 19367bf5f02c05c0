// Any bytes as an nginx error log: no crash, no hang; every entry decodes and classifies.
#include "nginx/errorlogparser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    auto text = gwb::TextSource::fromBytes(bytes, QStringLiteral("fuzz-error.log"));
    const auto result = gwb::ErrorLogParser::parse(text, gwb::SourceId(1));
    for (const gwb::ErrorEvent &e : result.events) {
        if (e.offset + e.length > static_cast<std::uint64_t>(bytes.size()))
            std::abort(); // an event must point inside the text
        gwb::ErrorEntry entry;
        if (gwb::ErrorLogParser::parseEntry(QByteArrayView(bytes).sliced(static_cast<qsizetype>(e.offset), e.length), entry))
            (void)gwb::ErrorLogParser::classify(entry);
    }
    return 0;
}
