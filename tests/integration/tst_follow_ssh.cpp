// `gwb follow --ssh` against the real practice-lab nginx through a throwaway sshd (both on 127.0.0.1,
// started and stopped here): requests driven to a broken location while it runs are reported with the right
// cause, once each, across a rename rotation (mv + USR1 to the lab's nginx master) and a copytruncate.

#include "gwbrun.h"
#include "labfixture.h"
#include "sshtestbase.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

using namespace gwb;

class TestFollowSsh final : public QObject, public test::SshTestBase
{
    Q_OBJECT

    test::LabFixture m_lab;

    // One request to the lab's front port, as a client would send it; the answer is read to the end.
    bool request(const char *path)
    {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), quint16(m_lab.portBase()));
        if (!s.waitForConnected(5000))
            return false;
        s.write(QByteArray("GET ") + path + " HTTP/1.1\r\nHost: lab.local\r\nConnection: close\r\n\r\n");
        while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(10000))
            s.readAll();
        return true;
    }
    void requests(int n)
    {
        for (int i = 0; i < n; ++i)
            QVERIFY(request("/refused"));
    }
    QString logPath(const QString &name) const { return m_lab.logsDir() + QLatin1Char('/') + name; }
    qint64 nginxMasterPid() const
    {
        QFile f(m_lab.dir() + QStringLiteral("/nginx.pid"));
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
    }

private slots:
    void initTestCase()
    {
        if (!test::SshdFixture::available() || !test::LabFixture::available())
            QSKIP("needs /usr/sbin/sshd and /usr/sbin/nginx");
        const QString failure = setUp(BigFile::No);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const QString labFailure = m_lab.start();
        QVERIFY2(labFailure.isEmpty(), qPrintable(labFailure));
    }

    void cleanupTestCase()
    {
        m_lab.stop();
        tearDown();
        QVERIFY2(m_lab.nothingLeftRunning(), "the lab left processes running");
    }

    void followPicksUpFailuresAcrossRotations()
    {
        QProcess gwb;
        gwb.start(QStringLiteral(GWB_EXECUTABLE),
                  {QStringLiteral("follow"), QStringLiteral("--ssh"),
                   QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()), QStringLiteral("--identity"),
                   m_sshd.file(QStringLiteral("client_ed25519")), QStringLiteral("--known-hosts"),
                   m_sshd.file(QStringLiteral("known_hosts")), QStringLiteral("--nginx-conf"), m_lab.confPath(),
                   QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--interval"),
                   QStringLiteral("200"), QStringLiteral("--duration"), QStringLiteral("600")});
        QVERIFY(gwb.waitForStarted());
        // Each step waits for what gwb printed, not for a fixed time: over SSH on a busy machine a round of
        // polls can take seconds.
        QByteArray err, out;
        auto failures = [&] {
            out += gwb.readAllStandardOutput();
            return out.count("\"type\":\"failure\"");
        };
        QTRY_VERIFY_WITH_TIMEOUT((err += gwb.readAllStandardError()).contains("following"), 60000);

        requests(3);
        QTRY_COMPARE_WITH_TIMEOUT(failures(), qsizetype(3), 60000);
        // logrotate's default: rename, then tell nginx to reopen its logs.
        for (const QString &name : {QStringLiteral("access.log"), QStringLiteral("error.log")})
            QVERIFY(QFile::rename(logPath(name), logPath(name) + QStringLiteral(".1")));
        requests(2); // still written to the renamed files until the reopen
        const qint64 master = nginxMasterPid();
        QVERIFY(master > 0);
        QCOMPARE(::kill(pid_t(master), SIGUSR1), 0);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(logPath(QStringLiteral("access.log"))), 5000);
        requests(3);
        QTRY_COMPARE_WITH_TIMEOUT(failures(), qsizetype(8), 60000);
        // copytruncate: the copy takes PATH.1 (the older rotation moves on first), the file restarts empty.
        QFile::remove(logPath(QStringLiteral("access.log.2")));
        QVERIFY(QFile::rename(logPath(QStringLiteral("access.log.1")), logPath(QStringLiteral("access.log.2"))));
        requests(1); // written after the last poll and before the copy: read from the copy
        QVERIFY(QFile::copy(logPath(QStringLiteral("access.log")), logPath(QStringLiteral("access.log.1"))));
        QVERIFY(QFile(logPath(QStringLiteral("access.log"))).resize(0));
        // A truncated file that grew back past the old offset before the next poll looks appended to (the
        // follower's documented limit): the next requests wait until a poll has seen it short.
        QTRY_VERIFY_WITH_TIMEOUT((failures(), out.contains("\"kind\":\"truncated\"")), 60000);
        requests(3);
        QTRY_COMPARE_WITH_TIMEOUT(failures(), qsizetype(12), 60000);

        ::kill(pid_t(gwb.processId()), SIGINT); // stops cleanly with a summary, as Ctrl+C does
        QVERIFY(gwb.waitForFinished(30000));
        err += gwb.readAllStandardError();
        QCOMPARE(gwb.exitStatus(), QProcess::NormalExit);
        QCOMPARE(gwb.exitCode(), 0);
        out += gwb.readAllStandardOutput();
        const QList<QByteArray> lines = out.split('\n');
        if (const QString dump = qEnvironmentVariable("GWB_FOLLOW_DUMP"); !dump.isEmpty()) {
            QFile f(dump); // what gwb printed, whole (test messages are cut short)
            if (f.open(QIODevice::WriteOnly))
                f.write(out);
        }

        int refused = 0, joined = 0;
        QStringList kinds, wrongCause;
        QJsonObject summary;
        for (const QByteArray &line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.isEmpty())
                continue;
            QCOMPARE(o[QStringLiteral("schema")].toString(), QStringLiteral("gwb.follow/1"));
            const QString type = o[QStringLiteral("type")].toString();
            if (type == QLatin1StringView("note"))
                kinds << o[QStringLiteral("kind")].toString();
            else if (type == QLatin1StringView("summary"))
                summary = o;
            else if (o[QStringLiteral("request")].toString() == QLatin1StringView("GET /refused HTTP/1.1")) {
                ++refused;
                if (o[QStringLiteral("cause")].toString() != QLatin1StringView("backend-refused"))
                    wrongCause << QString::fromUtf8(line);
                if (o[QStringLiteral("status")].toInt() != 502 ||
                    o[QStringLiteral("peer")].toString() != QStringLiteral("127.0.0.1:%1").arg(m_lab.portBase() + 2))
                    wrongCause << QString::fromUtf8(line);
                if (o[QStringLiteral("error_entry")].isObject())
                    ++joined;
            }
        }
        qInfo("notes: %s; stderr: %s", qPrintable(kinds.join(QLatin1Char(','))), err.constData());
        if (const QString dump = qEnvironmentVariable("GWB_FOLLOW_DUMP"); !dump.isEmpty()) {
            QFile f(dump + QStringLiteral(".err"));
            if (f.open(QIODevice::WriteOnly))
                f.write(err);
        }
        QVERIFY2(wrongCause.isEmpty(), out.constData());
        // 12 requests, each reported once: nothing lost in either rotation, nothing repeated (the lab writes
        // every request into four access logs).
        QCOMPARE(refused, 12);
        QVERIFY2(joined >= 10, qPrintable(QString::number(joined))); // error entries found their access lines
        QVERIFY(kinds.contains(QStringLiteral("rotated")));
        QVERIFY(kinds.contains(QStringLiteral("truncated")));
        QCOMPARE(summary[QStringLiteral("per_cause")].toObject()[QStringLiteral("backend-refused")].toInt(), 12);
        QVERIFY(summary[QStringLiteral("rotations")].toInt() >= 3);
    }
};

QTEST_GUILESS_MAIN(TestFollowSsh)
#include "tst_follow_ssh.moc"
