#pragma once

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

namespace gwb {

// Incremental gzip decoder (also accepts several concatenated gzip members, as logrotate and `cat a.gz b.gz`
// produce). Feed compressed bytes as they arrive; decompressed bytes go to the sink.
class GzipDecoder
{
public:
    using Sink = std::function<bool(QByteArrayView)>; // return false to stop

    explicit GzipDecoder(Sink sink);
    ~GzipDecoder();
    GzipDecoder(const GzipDecoder &) = delete;
    GzipDecoder &operator=(const GzipDecoder &) = delete;

    // False when the data is corrupt or the sink asked to stop; error() says which.
    bool feed(QByteArrayView compressed);
    // Call at end of input. False when the stream ended in the middle of a member (a truncated file).
    bool finish();

    QString error() const { return m_error; }
    std::uint64_t compressedConsumed() const { return m_consumedIn; }
    std::uint64_t decompressedProduced() const { return m_producedOut; }

private:
    struct Stream;
    std::unique_ptr<Stream> m_stream;
    Sink m_sink;
    QString m_error;
    std::uint64_t m_consumedIn = 0;
    std::uint64_t m_producedOut = 0;
    bool m_inMember = false;
    bool m_failed = false;
};

} // namespace gwb
