#include "textsource.h"

#include "gzipdecoder.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryFile>

namespace gwb {

struct TextSource::Storage
{
    QFile file;
    std::unique_ptr<QTemporaryFile> spool;
    QByteArray memory;
};

TextSource::~TextSource() = default;

namespace {

QString describeOpenError(const QString &path, const QFile &f)
{
    const QFileInfo info(path);
    if (!info.exists())
        return QStringLiteral("cannot read %1: no such file; check the path").arg(path);
    if (info.isDir())
        return QStringLiteral("cannot read %1: it is a directory, not a file").arg(path);
    if (!info.isReadable())
        return QStringLiteral("cannot read %1: permission denied; run as a user who may read it "
                              "(on Debian, nginx logs are readable by the adm group)")
            .arg(path);
    return QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
}

bool mapWhole(QFile &file, QByteArrayView &bytes)
{
    if (file.size() == 0) {
        bytes = {};
        return true;
    }
    uchar *p = file.map(0, file.size());
    if (!p)
        return false;
    bytes = QByteArrayView(reinterpret_cast<const char *>(p), file.size());
    return true;
}

} // namespace

Result<std::shared_ptr<TextSource>> TextSource::open(const QString &path)
{
    std::shared_ptr<TextSource> src(new TextSource);
    src->m_path = path;
    src->m_storage = std::make_unique<Storage>();
    QFile &file = src->m_storage->file;
    file.setFileName(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{Error::Kind::Input, describeOpenError(path, file)};

    char magic[2] = {0, 0};
    const bool isGzip = file.peek(magic, 2) == 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
                        static_cast<unsigned char>(magic[1]) == 0x8b;
    if (!isGzip) {
        if (!mapWhole(file, src->m_bytes)) {
            // Not mappable (a pipe, /proc file): read it instead.
            src->m_storage->memory = file.readAll();
            src->m_bytes = src->m_storage->memory;
        }
        return src;
    }

    src->m_compressed = true;
    auto spool = std::make_unique<QTemporaryFile>();
    if (!spool->open())
        return Error::io(QStringLiteral("cannot decompress %1: no space for a temporary file (%2)")
                             .arg(path, spool->errorString()));
    bool writeFailed = false;
    GzipDecoder decoder([&](QByteArrayView chunk) {
        if (spool->write(chunk.data(), chunk.size()) != chunk.size()) {
            writeFailed = true;
            return false;
        }
        return true;
    });
    constexpr qint64 kChunk = 1 << 20;
    bool ok = true;
    while (ok && !file.atEnd()) {
        const QByteArray in = file.read(kChunk);
        if (in.isEmpty())
            break;
        ok = decoder.feed(in);
    }
    if (ok)
        ok = decoder.finish();
    if (writeFailed)
        return Error::io(QStringLiteral("cannot decompress %1: writing the temporary file failed (%2)")
                             .arg(path, spool->errorString()));
    if (!ok)
        src->m_warning = QStringLiteral("%1: %2; the %3 bytes before that point were read")
                             .arg(path, decoder.error())
                             .arg(decoder.decompressedProduced());
    spool->flush();
    if (!mapWhole(*spool, src->m_bytes)) {
        spool->seek(0);
        src->m_storage->memory = spool->readAll();
        src->m_bytes = src->m_storage->memory;
    }
    src->m_storage->spool = std::move(spool);
    return src;
}

std::shared_ptr<TextSource> TextSource::fromBytes(QByteArray bytes, QString label)
{
    std::shared_ptr<TextSource> src(new TextSource);
    src->m_path = std::move(label);
    src->m_storage = std::make_unique<Storage>();
    src->m_storage->memory = std::move(bytes);
    src->m_bytes = src->m_storage->memory;
    return src;
}

} // namespace gwb
