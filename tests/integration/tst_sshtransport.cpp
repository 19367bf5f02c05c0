// SshTransport against a real OpenSSH sshd on 127.0.0.1: login, ssh config, streaming, hostile names,
// dropped connections, cancel and timeouts.
#include "hostilenames.h"
#include "sshtestbase.h"
#include "transport/localtransport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace gwb;
using namespace gwb::test;
using namespace std::chrono_literals;

namespace {

// Relative hostile names resolve in the remote login directory: a name that executed would leave pwned*
// there.
QString homeMarkers()
{
    return QDir::home().entryList({QStringLiteral("pwned*")}, QDir::AllEntries | QDir::Hidden).join(u',');
}

} // namespace

class TestSshTransport final : public QObject, private SshTestBase
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!SshdFixture::available())
            QSKIP("/usr/sbin/sshd is not installed (Debian: openssh-server; packaging/install-deps.sh "
                  "installs it)");
        const QString failure = setUp(BigFile::Yes);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }
    void cleanupTestCase() { tearDown(); }

    void connectsAndRunsId()
    {
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        QCOMPARE(ssh.describe(), QStringLiteral("ssh %1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()));
        const auto id = ssh.run(RemoteCommand::id(), 10s, {});
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : message(id.error())));
        QCOMPARE(id->exitCode, 0);
        QCOMPARE(id->out.split('\n').value(0), m_sshd.user().toUtf8());
        QVERIFY(ssh.isConnected());
        // A second command reuses the session (a new channel, no new login).
        const auto again = ssh.run(RemoteCommand::statFile(bytes(bigFile())), 10s, {});
        QVERIFY(again.ok());
        QCOMPARE(parseStatOutput(again->out)->size, quint64(kBigSize));
        const auto missing = ssh.run(RemoteCommand::readFile("/nonexistent/gwb"), 10s, {});
        QVERIFY(missing.ok());
        QVERIFY(missing->exitCode != 0);
        QVERIFY2(missing->err.contains("No such file"), missing->err.constData());
    }

    void honoursTheSshConfig()
    {
        // A Host alias carrying HostName, Port, User and IdentityFile; a second one reached through a
        // ProxyCommand (OpenSSH's ssh -W back to the same sshd, still on loopback).
        const QString key = m_sshd.file(QStringLiteral("client_ed25519"));
        const QString proxy = QStringLiteral("ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=%1 -o "
                                             "StrictHostKeyChecking=yes -i %2 -p %3 -W %h:%p %4@127.0.0.1")
                                  .arg(m_sshd.file(QStringLiteral("known_hosts")), key)
                                  .arg(m_sshd.port())
                                  .arg(m_sshd.user());
        const QString common =
            QStringLiteral("  HostName 127.0.0.1\n  Port %1\n  User %2\n  IdentityFile %3\n")
                .arg(m_sshd.port())
                .arg(m_sshd.user(), key);
        const QString config = QStringLiteral("Host gwb-alias\n") + common +
                               QStringLiteral("Host gwb-proxied\n") + common +
                               QStringLiteral("  ProxyCommand ") + proxy + QLatin1Char('\n');
        QFile file(m_data.filePath(QStringLiteral("ssh_config_alias")));
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(config.toUtf8()) > 0);
        file.close();

        for (const QString &alias : {QStringLiteral("gwb-alias"), QStringLiteral("gwb-proxied")}) {
            SshOptions o;
            o.host = alias;
            o.sshConfigPath = file.fileName();
            o.knownHostsPath = m_sshd.file(QStringLiteral("known_hosts"));
            o.useAgent = false;
            o.allowPassword = false;
            SshTransport ssh(o, HostKeyPolicy::refuseUnknown());
            QCOMPARE(ssh.describe(), QStringLiteral("ssh ") + alias);
            const auto id = ssh.run(RemoteCommand::id(), 20s, {});
            QVERIFY2(id.ok(), qPrintable(alias + u": " + (id.ok() ? QString() : message(id.error()))));
            QCOMPARE(id->out.split('\n').value(0), m_sshd.user().toUtf8());
            QCOMPARE(ssh.describe(),
                     QStringLiteral("ssh %1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()));
        }
    }

    void compressionCanBeSwitchedOn()
    {
        QByteArray text;
        for (int i = 0; text.size() < 8 * 1024 * 1024; ++i)
            text += "127.0.0.1 - - [24/Nov/2025:12:00:00 +0000] \"GET /api/" + QByteArray::number(i) +
                    " HTTP/1.1\" 502 157 \"-\" \"curl/7.88\"\n";
        const QString path = m_data.filePath(QStringLiteral("access.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(text) == text.size());
        f.close();
        SshOptions o = options();
        o.compression = true;
        SshTransport ssh(o, HostKeyPolicy::refuseUnknown());
        QByteArray received;
        const auto end = ssh.stream(RemoteCommand::readFile(bytes(path)),
                                    [&](QByteArrayView c) { received += c; }, {}, {});
        QVERIFY2(end.ok(), qPrintable(end.ok() ? QString() : message(end.error())));
        QCOMPARE(received, text);
    }

    void streamsFiftyMegabytes()
    {
        QElapsedTimer timer;
        timer.start();
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        QCryptographicHash hash(QCryptographicHash::Sha256);
        int chunks = 0;
        const auto end = ssh.stream(RemoteCommand::readFile(bytes(bigFile())),
                                    [&](QByteArrayView chunk) {
                                        ++chunks;
                                        hash.addData(chunk);
                                    },
                                    {}, {});
        const qint64 ourMs = timer.elapsed();
        QVERIFY2(end.ok(), qPrintable(end.ok() ? QString() : message(end.error())));
        QCOMPARE(end->exitCode, 0);
        QCOMPARE(end->bytes, quint64(kBigSize));
        QCOMPARE(hash.result(), m_bigHash);
        QVERIFY(chunks > 10); // delivered as it arrived, not in one piece at the end

        // The transfer alone, on the session already open, into a sink that does nothing.
        timer.restart();
        const auto raw = ssh.stream(RemoteCommand::readFile(bytes(bigFile())), [](QByteArrayView) {}, {}, {});
        const qint64 rawMs = timer.elapsed();
        QVERIFY(raw.ok());
        QCOMPARE(raw->bytes, quint64(kBigSize));

        // The same transfer by OpenSSH's client, same key, same server, for comparison.
        QProcess openssh;
        openssh.setStandardOutputFile(QProcess::nullDevice());
        timer.restart();
        openssh.start(QStringLiteral("ssh"),
                      {QStringLiteral("-F"), QStringLiteral("/dev/null"), QStringLiteral("-o"),
                       QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
                       QStringLiteral("UserKnownHostsFile=") + m_sshd.file(QStringLiteral("known_hosts")),
                       QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=yes"),
                       QStringLiteral("-i"), m_sshd.file(QStringLiteral("client_ed25519")),
                       QStringLiteral("-p"), QString::number(m_sshd.port()),
                       QStringLiteral("%1@127.0.0.1").arg(m_sshd.user()), QStringLiteral("cat"), bigFile()});
        const bool opensshOk = openssh.waitForFinished(120000) && openssh.exitCode() == 0;
        const qint64 opensshMs = timer.elapsed();
        const auto mbps = [](qint64 ms) { return ms > 0 ? (kBigSize / 1048576.0) / (ms / 1000.0) : 0.0; };
        qInfo("50 MiB over loopback: SshTransport connect+login+transfer+SHA-256 %lld ms (%.0f MiB/s, %d "
              "chunks), "
              "transfer alone %lld ms (%.0f MiB/s); OpenSSH `ssh cat > /dev/null` connect+login+transfer "
              "%lld ms "
              "(%.0f MiB/s)%s",
              ourMs, mbps(ourMs), chunks, rawMs, mbps(rawMs), opensshMs, mbps(opensshMs),
              opensshOk ? "" : " [ssh failed]");
    }

    void hostileNamesAreDataOverSsh()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray base = bytes(dir.path());
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        LocalTransport local;
        for (const QByteArray &name : test::hostileNames()) {
            const QByteArray path = base + '/' + name;
            const QByteArray content = "content of [" + name + "]\n";
            const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            QVERIFY(fd >= 0);
            QCOMPARE(::write(fd, content.constData(), size_t(content.size())), content.size());
            ::close(fd);
        }
        const QStringList before = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System);
        for (const QByteArray &name : test::hostileNames()) {
            const QByteArray path = base + '/' + name;
            const QByteArray content = "content of [" + name + "]\n";
            const auto read = ssh.run(RemoteCommand::readFile(path), 10s, {});
            QVERIFY2(read.ok(), name.constData());
            QCOMPARE(read->exitCode, 0);
            QCOMPARE(read->out, content);
            const auto stat = ssh.run(RemoteCommand::statFile(path), 10s, {});
            QVERIFY(stat.ok());
            QCOMPARE(parseStatOutput(stat->out)->size, quint64(content.size()));
            const auto list = ssh.run(RemoteCommand::listRotated(base, name), 10s, {});
            QVERIFY(list.ok());
            QVERIFY2(splitNulList(list->out).contains(path), name.constData());
            // Relative names resolve in the remote login directory, where they do not exist: they must
            // fail as missing files, not run.
            const auto relative = ssh.run(RemoteCommand::readFile(name), 10s, {});
            QVERIFY(relative.ok());
            QVERIFY(relative->exitCode != 0);
        }
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System),
                 before); // nothing written
        QVERIFY2(homeMarkers().isEmpty(), qPrintable(homeMarkers()));
        // QDir cannot name (so cannot remove) a file whose name is not UTF-8.
        for (const QByteArray &name : test::hostileNames())
            ::unlink(QByteArray(base + '/' + name).constData());
    }

    void droppedConnectionKeepsWhatArrived()
    {
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        QCryptographicHash hash(QCryptographicHash::Sha256);
        QByteArray received;
        bool killed = false;
        const auto end = ssh.stream(RemoteCommand::readFile(bytes(bigFile())),
                                    [&](QByteArrayView chunk) {
                                        received += chunk;
                                        if (!killed && received.size() >= 8 * 1024 * 1024)
                                            killed = m_sshd.killSessions() >
                                                     0; // the server side of our connection dies here
                                    },
                                    {}, {});
        QVERIFY(killed);
        QVERIFY(!end.ok());
        QCOMPARE(end.error().kind, Error::Kind::Network);
        const QString text = message(end.error());
        show("connection killed", end.error());
        QVERIFY2(text.contains(QStringLiteral("dropped after %1 bytes").arg(received.size())),
                 qPrintable(text));
        QVERIFY(received.size() < kBigSize);
        QFile big(bigFile());
        QVERIFY(big.open(QIODevice::ReadOnly));
        QCOMPARE(received, big.read(received.size())); // what was delivered is intact and stays delivered
        // The next command reconnects by itself.
        const auto id = ssh.run(RemoteCommand::id(), 10s, {});
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : message(id.error())));
    }

    void cancelStopsAStreamAndKeepsTheSession()
    {
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        CancelToken cancel;
        quint64 seen = 0;
        const auto end = ssh.stream(
            RemoteCommand::readFile(bytes(bigFile())),
            [&](QByteArrayView chunk) {
                seen += quint64(chunk.size());
                if (seen >= 4 * 1024 * 1024)
                    cancel.cancel();
            },
            {}, cancel);
        QVERIFY(!end.ok());
        QCOMPARE(end.error().kind, Error::Kind::Cancelled);
        QVERIFY(seen < quint64(kBigSize));
        QVERIFY(ssh.isConnected());
        QVERIFY(ssh.run(RemoteCommand::id(), 10s, {}).ok());
    }

    void timeoutsStopTheRemoteCommand()
    {
        const QByteArray fifo = bytes(m_data.filePath(QStringLiteral("fifo")));
        QVERIFY(::mkfifo(fifo.constData(), 0600) == 0); // cat blocks on it: nobody ever writes
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        QElapsedTimer t;
        t.start();
        const auto run = ssh.run(RemoteCommand::readFile(fifo), 1s, {});
        QVERIFY(!run.ok());
        QVERIFY2(message(run.error()).contains(QLatin1String("timed out after 1 s")),
                 qPrintable(message(run.error())));
        show("command timeout", run.error());
        QVERIFY(t.elapsed() < 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!fifoHasReader(fifo), 10000); // the remote cat was stopped

        ssh.setIdleTimeout(700ms);
        const auto idle = ssh.stream(RemoteCommand::readFile(fifo), [](QByteArrayView) {}, {}, {});
        QVERIFY(!idle.ok());
        QVERIFY2(message(idle.error()).contains(QLatin1String("sent no data")),
                 qPrintable(message(idle.error())));
        QTRY_VERIFY_WITH_TIMEOUT(!fifoHasReader(fifo), 10000);
        QVERIFY(ssh.run(RemoteCommand::id(), 10s, {}).ok()); // the session survived both
    }

    void connectTimeoutAndRefusal()
    {
        QTcpServer silent; // accepts TCP (the kernel does) but never says a word of SSH
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        SshOptions o = options();
        o.port = silent.serverPort();
        o.connectTimeout = 1s;
        QElapsedTimer t;
        t.start();
        SshTransport ssh(o, HostKeyPolicy::refuseUnknown());
        const auto timedOut = ssh.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!timedOut.ok());
        QCOMPARE(timedOut.error().kind, Error::Kind::Network);
        QVERIFY2(message(timedOut.error()).contains(QLatin1String("timed out")),
                 qPrintable(message(timedOut.error())));
        show("silent server", timedOut.error());
        QVERIFY(t.elapsed() < 5000);

        CancelToken cancel;
        cancel.cancel();
        const auto cancelled = ssh.run(RemoteCommand::id(), 10s, cancel);
        QCOMPARE(cancelled.error().kind, Error::Kind::Cancelled);

        silent.close(); // now nothing listens there
        SshTransport refused(o, HostKeyPolicy::refuseUnknown());
        const auto no = refused.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!no.ok());
        QVERIFY2(message(no.error()).contains(QLatin1String("refused")), qPrintable(message(no.error())));
        show("nothing listening", no.error());
    }
};

QTEST_GUILESS_MAIN(TestSshTransport)
#include "tst_sshtransport.moc"
