// Any bytes as gzip input: the decoder reports corrupt or truncated data, never crashes.
#include "io/gzipdecoder.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::uint64_t total = 0;
    gwb::GzipDecoder decoder([&](QByteArrayView chunk) {
        total += static_cast<std::uint64_t>(chunk.size());
        return total < (64u << 20); // a gzip bomb stops at 64 MiB
    });
    const std::size_t half = size / 2;
    if (decoder.feed(QByteArrayView(reinterpret_cast<const char *>(data), static_cast<qsizetype>(half))))
        if (decoder.feed(QByteArrayView(reinterpret_cast<const char *>(data + half), static_cast<qsizetype>(size - half))))
            (void)decoder.finish();
    return 0;
}
