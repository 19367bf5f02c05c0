#pragma once

// What the SSH integration tests share: a running sshd, options that reach it with the authorized key and
// nothing from the machine's own ssh setup, and a few helpers.

#include "sshdfixture.h"
#include "transport/sshtransport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace gwb::test {

inline QByteArray bytes(const QString &s)
{
    return QFile::encodeName(s);
}
inline QString message(const Error &e)
{
    return e.message;
}
inline QString messageOf(const auto &result)
{
    return result.ok() ? QString() : result.error().message;
}

// What the user would read, printed into the test log so a reviewer sees the wording.
inline void show(const char *what, const Error &e)
{
    qInfo("%s: %s", what, qPrintable(e.message));
}

// True while some process has the FIFO open for reading: a non-blocking open for writing fails with ENXIO
// when nobody reads. This is how a test sees that a timed-out remote `cat fifo` really was stopped.
inline bool fifoHasReader(const QByteArray &fifo)
{
    const int fd = ::open(fifo.constData(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    return errno != ENXIO;
}

class SshTestBase
{
protected:
    static constexpr qsizetype kBigSize = 50 * 1024 * 1024;
    enum class BigFile : bool
    {
        No,
        Yes
    };

    // Empty on success, else why the fixture could not be set up.
    QString setUp(BigFile big)
    {
        if (!m_data.isValid())
            return QStringLiteral("no temporary directory");
        if (QString failure = m_sshd.start(); !failure.isEmpty())
            return failure;
        if (big == BigFile::No)
            return {};
        QByteArray data(kBigSize, Qt::Uninitialized);
        quint32 x = 2463534242u; // xorshift: incompressible, so compression cannot flatter the numbers
        for (qsizetype i = 0; i < kBigSize; ++i) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data[i] = static_cast<char>(x);
        }
        QFile f(bigFile());
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != kBigSize)
            return QStringLiteral("cannot write %1").arg(bigFile());
        m_bigHash = QCryptographicHash::hash(data, QCryptographicHash::Sha256);
        return {};
    }
    void tearDown() { m_sshd.stop(); }

    QString bigFile() const { return m_data.filePath(QStringLiteral("big.bin")); }

    SshOptions options() const
    {
        SshOptions o;
        o.host = QStringLiteral("127.0.0.1");
        o.port = m_sshd.port();
        o.user = m_sshd.user();
        o.identityFiles = {m_sshd.file(QStringLiteral("client_ed25519"))};
        o.knownHostsPath = m_sshd.file(QStringLiteral("known_hosts"));
        o.sshConfigPath = m_sshd.file(QStringLiteral("ssh_config")); // empty: the machine's config stays out
        o.useAgent = false;
        o.allowPassword = false;
        o.connectTimeout = std::chrono::seconds(10);
        return o;
    }

    // A known_hosts file holding exactly `content` (empty: no entry at all).
    QString knownHostsWith(const QString &name, const QByteArray &content)
    {
        const QString path = m_data.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    // A known_hosts line that records `publicKeyFile` as the key of our sshd.
    QByteArray hostEntry(const QString &publicKeyFile) const
    {
        QFile pub(publicKeyFile);
        if (!pub.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(publicKeyFile));
        const QList<QByteArray> fields = pub.readAll().split(' ');
        return "[127.0.0.1]:" + QByteArray::number(m_sshd.port()) + ' ' + fields[0] + ' ' + fields[1] + '\n';
    }

    SshdFixture m_sshd;
    QTemporaryDir m_data;
    QByteArray m_bigHash;
};

} // namespace gwb::test
