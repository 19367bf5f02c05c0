#include "gzipdecoder.h"

#include <zlib.h>

#include <array>

namespace gwb {

struct GzipDecoder::Stream
{
    z_stream z{};
    bool initialised = false;
    ~Stream()
    {
        if (initialised)
            inflateEnd(&z);
    }
};

GzipDecoder::GzipDecoder(Sink sink) : m_stream(std::make_unique<Stream>()), m_sink(std::move(sink))
{
    // 16 + MAX_WBITS: gzip wrapper only; a plain file handed to us by mistake is reported as corrupt.
    if (inflateInit2(&m_stream->z, 16 + MAX_WBITS) == Z_OK)
        m_stream->initialised = true;
    else {
        m_failed = true;
        m_error = QStringLiteral("zlib could not be initialised");
    }
}

GzipDecoder::~GzipDecoder() = default;

bool GzipDecoder::feed(QByteArrayView compressed)
{
    if (m_failed)
        return false;
    z_stream &z = m_stream->z;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
    z.avail_in = static_cast<uInt>(compressed.size());
    std::array<char, 256 * 1024> out{};
    while (z.avail_in > 0) {
        z.next_out = reinterpret_cast<Bytef *>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        const uInt inBefore = z.avail_in;
        const int rc = inflate(&z, Z_NO_FLUSH);
        m_consumedIn += inBefore - z.avail_in;
        const auto produced = static_cast<qsizetype>(out.size() - z.avail_out);
        if (produced > 0) {
            m_inMember = true;
            m_producedOut += static_cast<std::uint64_t>(produced);
            if (!m_sink(QByteArrayView(out.data(), produced))) {
                m_failed = true;
                m_error = QStringLiteral("stopped");
                return false;
            }
        } else if (inBefore != z.avail_in) {
            m_inMember = true;
        }
        if (rc == Z_STREAM_END) {
            m_inMember = false;
            inflateReset(&z); // another member may follow
        } else if (rc == Z_BUF_ERROR && produced == 0 && inBefore == z.avail_in) {
            break; // needs more input
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            m_failed = true;
            m_error = QStringLiteral("corrupt gzip data at compressed byte %1 (%2)")
                          .arg(m_consumedIn)
                          .arg(QString::fromLatin1(z.msg ? z.msg : "zlib error"));
            return false;
        }
    }
    return true;
}

bool GzipDecoder::finish()
{
    if (m_failed)
        return false;
    if (m_inMember) {
        m_error = QStringLiteral("gzip stream ends in the middle of its data after %1 compressed bytes "
                                 "(%2 bytes decompressed): the file is truncated")
                      .arg(m_consumedIn)
                      .arg(m_producedOut);
        return false;
    }
    return true;
}

} // namespace gwb
