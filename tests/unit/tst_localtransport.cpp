// LocalTransport: /bin/sh through QProcess, with the same contract as the SSH transport (exit codes,
// stderr, streaming, cancel, timeouts that leave no process behind).
#include "transport/localtransport.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace gwb;
using namespace std::chrono_literals;

namespace {

QByteArray bytes(const QString &s)
{
    return QFile::encodeName(s);
}

// True while some process has the FIFO open for reading: a non-blocking open for writing fails with ENXIO
// when nobody reads. This is how we see that a timed-out `cat fifo` really was killed.
bool fifoHasReader(const QByteArray &fifo)
{
    const int fd = ::open(fifo.constData(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    return errno != ENXIO;
}

} // namespace

class TestLocalTransport final : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    LocalTransport m_local;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray makeFile(const QString &name, qsizetype size)
    {
        QByteArray data(size, Qt::Uninitialized);
        quint32 x = 2463534242u; // xorshift: incompressible and reproducible
        for (qsizetype i = 0; i < size; ++i) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data[i] = static_cast<char>(x);
        }
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != size)
            qFatal("cannot write %s", qPrintable(f.fileName()));
        return data;
    }
    QByteArray makeFifo(const QString &name)
    {
        const QByteArray fifo = bytes(path(name));
        if (::mkfifo(fifo.constData(), 0600) != 0)
            qFatal("mkfifo failed");
        return fifo;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void describesItself() { QCOMPARE(m_local.describe(), QStringLiteral("local")); }

    void runCollectsOutputAndExitCode()
    {
        const auto id = m_local.run(RemoteCommand::id(), 10s, {});
        QVERIFY(id.ok());
        QCOMPARE(id->exitCode, 0);
        QCOMPARE(id->out.split('\n').size(), 3); // user, groups, trailing newline

        const auto missing =
            m_local.run(RemoteCommand::readFile(bytes(path(QStringLiteral("absent")))), 10s, {});
        QVERIFY(missing.ok()); // the command ran; it failed on the host, which is an answer, not an error
        QVERIFY(missing->exitCode != 0);
        QVERIFY(missing->out.isEmpty());
        QVERIFY2(missing->err.contains("No such file"), missing->err.constData());
    }

    void readsFromOffsetAndGzip()
    {
        const QByteArray data = makeFile(QStringLiteral("plain"), 10000);
        const auto tail = m_local.run(
            RemoteCommand::readFileFrom(bytes(path(QStringLiteral("plain"))), ByteOffset(9000)), 10s, {});
        QVERIFY(tail.ok());
        QCOMPARE(tail->out, data.mid(9000));

        QFile gz(path(QStringLiteral("plain")));
        QVERIFY(QProcess::execute(QStringLiteral("gzip"), {QStringLiteral("-k"), gz.fileName()}) == 0);
        const auto unzipped =
            m_local.run(RemoteCommand::readGzip(bytes(gz.fileName() + QStringLiteral(".gz"))), 10s, {});
        QVERIFY(unzipped.ok());
        QCOMPARE(unzipped->exitCode, 0);
        QCOMPARE(unzipped->out, data);

        const auto list = m_local.run(RemoteCommand::listRotated(bytes(m_dir.path()), "plain"), 10s, {});
        QVERIFY(list.ok());
        QByteArrayList found = splitNulList(list->out);
        std::sort(found.begin(), found.end());
        QCOMPARE(found, (QByteArrayList{bytes(path(QStringLiteral("plain"))),
                                        bytes(path(QStringLiteral("plain.gz")))}));
    }

    void streamsInChunks()
    {
        const QByteArray data = makeFile(QStringLiteral("big"), 20 * 1024 * 1024);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        int chunks = 0;
        quint64 lastProgress = 0;
        const auto end = m_local.stream(
            RemoteCommand::readFile(bytes(path(QStringLiteral("big")))),
            [&](QByteArrayView chunk) {
                ++chunks;
                hash.addData(chunk);
            },
            [&](quint64 soFar) { lastProgress = soFar; }, {});
        QVERIFY(end.ok());
        QCOMPARE(end->exitCode, 0);
        QCOMPARE(end->bytes, quint64(data.size()));
        QCOMPARE(lastProgress, end->bytes);
        QVERIFY(chunks > 1);
        QCOMPARE(hash.result(), QCryptographicHash::hash(data, QCryptographicHash::Sha256));
    }

    void cancelStopsAStream()
    {
        makeFile(QStringLiteral("big2"), 20 * 1024 * 1024);
        CancelToken cancel;
        quint64 seen = 0;
        const auto end = m_local.stream(
            RemoteCommand::readFile(bytes(path(QStringLiteral("big2")))),
            [&](QByteArrayView chunk) {
                seen += quint64(chunk.size());
                cancel.cancel();
            },
            {}, cancel);
        QVERIFY(!end.ok());
        QCOMPARE(end.error().kind, Error::Kind::Cancelled);
        QVERIFY(seen < 20u * 1024 * 1024);
    }

    void runTimesOutAndKillsTheCommand()
    {
        const QByteArray fifo = makeFifo(QStringLiteral("fifo1")); // cat blocks on it: nobody ever writes
        QElapsedTimer t;
        t.start();
        const auto result = m_local.run(RemoteCommand::readFile(fifo), 500ms, {});
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(QStringLiteral("timed out")),
                 qPrintable(result.error().message));
        QVERIFY(t.elapsed() < 5000);
        QTRY_VERIFY(!fifoHasReader(fifo));
    }

    void streamIdleTimeout()
    {
        const QByteArray fifo = makeFifo(QStringLiteral("fifo2"));
        LocalTransport local;
        local.setIdleTimeout(300ms);
        const auto end = local.stream(RemoteCommand::readFile(fifo), [](QByteArrayView) {}, {}, {});
        QVERIFY(!end.ok());
        QVERIFY2(end.error().message.contains(QStringLiteral("no data")), qPrintable(end.error().message));
        QTRY_VERIFY(!fifoHasReader(fifo));
    }

    void cancelBeforeStartIsImmediate()
    {
        const QByteArray fifo = makeFifo(QStringLiteral("fifo3"));
        CancelToken cancel;
        cancel.cancel();
        const auto result = m_local.run(RemoteCommand::readFile(fifo), 60s, cancel);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, Error::Kind::Cancelled);
        QTRY_VERIFY(!fifoHasReader(fifo));
    }

    void discoveryCommandsRun()
    {
        const auto find = m_local.run(RemoteCommand::findNginx(), 10s, {});
        QVERIFY(find.ok());
        QCOMPARE(find->exitCode, 0); // no nginx here is an answer (empty output), not a failure
        for (const QByteArray &line : find->out.split('\n'))
            QVERIFY2(line.isEmpty() || line.startsWith('/'), line.constData());
        const auto masters = m_local.run(RemoteCommand::runningMasters(), 10s, {});
        QVERIFY(masters.ok());
        QVERIFY2(masters->exitCode == 0 || masters->exitCode == 1,
                 masters->err.constData()); // 1: none running
        for (const QByteArray &line : masters->out.split('\n'))
            QVERIFY2(line.isEmpty() || line.contains("nginx: master process"), line.constData());
    }

    void renderErrorsComeBackAsErrors()
    {
        const auto result = m_local.run(RemoteCommand::nginxDump("/tmp/evil"), 10s, {});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().kind, Error::Kind::Input);
    }
};

QTEST_GUILESS_MAIN(TestLocalTransport)
#include "tst_localtransport.moc"
