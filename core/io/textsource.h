#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QString>

#include <memory>

namespace gwb {

// The bytes of one log or config file, addressable by offset for as long as the TextSource lives.
// Plain files are memory-mapped; .gz files are decompressed once into a spool file that is then mapped, so
// that the raw text stays on disk and events keep only offsets into it.
class TextSource
{
public:
    // Opens `path`. A gzip file is recognised by its magic bytes, not its name. A truncated or corrupt gzip
    // file still opens with what could be decompressed; warning() then says where it broke.
    static Result<std::shared_ptr<TextSource>> open(const QString &path);
    // Wraps bytes already in memory (tests, fuzzers, data received from a remote host).
    static std::shared_ptr<TextSource> fromBytes(QByteArray bytes, QString label);

    ~TextSource();
    TextSource(const TextSource &) = delete;
    TextSource &operator=(const TextSource &) = delete;

    const QString &path() const { return m_path; }
    QByteArrayView bytes() const { return m_bytes; }
    bool wasCompressed() const { return m_compressed; }
    const QString &warning() const { return m_warning; }

private:
    TextSource() = default;
    struct Storage;
    std::unique_ptr<Storage> m_storage;
    QString m_path;
    QByteArrayView m_bytes;
    bool m_compressed = false;
    QString m_warning;
};

} // namespace gwb
