// `gwb check --ssh` against the real practice lab through a throwaway sshd: for every broken location a probe
// or config check (not merely the log reading) fails and names the cause; the healthy location passes; a
// capture without consent is refused before anything is sent; a bundle without a host says could-not-run.

#include "gwbrun.h"
#include "labfixture.h"
#include "sshtestbase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace gwb;
using test::GwbRun;
using test::runGwb;

class TestChecksSsh final : public QObject, public test::SshTestBase
{
    Q_OBJECT

private:
    test::LabFixture m_lab;
    QJsonArray m_all; // results of the full run, shared by several tests

    QStringList sshArgs() const
    {
        return {QStringLiteral("--ssh"), QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()),
                QStringLiteral("--identity"), m_sshd.file(QStringLiteral("client_ed25519")), QStringLiteral("--known-hosts"),
                m_sshd.file(QStringLiteral("known_hosts")), QStringLiteral("--nginx-conf"), m_lab.confPath(),
                QStringLiteral("--all"), QStringLiteral("--format"), QStringLiteral("json")};
    }

    static QJsonObject parseRun(const GwbRun &r)
    {
        const QJsonObject root = QJsonDocument::fromJson(r.out).object();
        if (root[QStringLiteral("schema")].toString() != QLatin1StringView("gwb.checks/1"))
            qWarning("not a check run: %s / %s", r.out.left(400).constData(), r.err.left(400).constData());
        return root;
    }

    static QString describe(const QJsonArray &results, const QString &location)
    {
        QStringList s;
        for (const QJsonValue &v : results) {
            const QJsonObject o = v.toObject();
            if (o[QStringLiteral("subject")].toObject()[QStringLiteral("location")].toString() != location)
                continue;
            s << QStringLiteral("%1=%2→%3").arg(o[QStringLiteral("check")].toString(), o[QStringLiteral("verdict")].toString(),
                                             o[QStringLiteral("pointsTo")].toString());
        }
        return s.join(QStringLiteral(", "));
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
        QVERIFY(m_lab.traffic(2));
        const GwbRun r = runGwb(QStringList{QStringLiteral("check")} + sshArgs());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_all = parseRun(r)[QStringLiteral("results")].toArray();
        QVERIFY(!m_all.isEmpty());
    }

    void cleanupTestCase()
    {
        m_lab.stop();
        tearDown();
        QVERIFY2(m_lab.nothingLeftRunning(), "the lab left processes running");
    }

    // The check that runs on the host (a probe) or compares the config with the logs must reach the cause on
    // its own; the log reading always names it, so it does not count here.
    void everyBrokenLocationHasAFailingProbeNamingItsCause_data()
    {
        QTest::addColumn<QString>("location");
        QTest::addColumn<QStringList>("accepted"); // causes a failing probe may name
        auto row = [](const char *loc, QStringList causes) { QTest::newRow(loc) << QString::fromLatin1(loc) << causes; };
        row("/refused", {QStringLiteral("backend-refused")});
        row("/read-timeout", {QStringLiteral("read-timeout")});
        row("/premature-close", {QStringLiteral("premature-close")});
        row("/reset", {QStringLiteral("connection-reset")});
        row("/header-too-big", {QStringLiteral("header-too-big")});
        row("/invalid-header", {QStringLiteral("invalid-response")});
        row("/not-http", {QStringLiteral("invalid-response")});
        row("/socket-missing", {QStringLiteral("socket-missing")});
        row("/socket-permission", {QStringLiteral("socket-permission")});
        // The group is out because each of its peers refuses: the probes find the cause behind the symptom.
        row("/no-live", {QStringLiteral("backend-refused"), QStringLiteral("no-live-upstreams")});
        row("/keepalive-race", {QStringLiteral("keepalive-race")});
        row("/tls-to-plain", {QStringLiteral("tls-handshake")});
        row("/backend-502", {QStringLiteral("backend-status")});
        row("/slow", {QStringLiteral("client-closed")});
    }

    void everyBrokenLocationHasAFailingProbeNamingItsCause()
    {
        QFETCH(QString, location);
        QFETCH(QStringList, accepted);
        const QString where = QStringLiteral("location ") + location;
        bool found = false;
        for (const QJsonValue &v : m_all) {
            const QJsonObject o = v.toObject();
            const QString step = o[QStringLiteral("step")].toString();
            if (o[QStringLiteral("subject")].toObject()[QStringLiteral("location")].toString() != where ||
                o[QStringLiteral("verdict")].toString() != QLatin1StringView("fail") ||
                (step != QLatin1StringView("probe") && step != QLatin1StringView("config")))
                continue;
            if (accepted.contains(o[QStringLiteral("pointsTo")].toString())) {
                found = true;
                // Evidence: a probe shows the commands it ran and what they printed.
                if (step == QLatin1StringView("probe"))
                    QVERIFY(!o[QStringLiteral("commands")].toArray().isEmpty());
            }
        }
        QVERIFY2(found, qPrintable(QStringLiteral("no failing probe/config check names %1 at %2; got: %3")
                                       .arg(accepted.join(QLatin1Char('|')), location, describe(m_all, where))));
    }

    void theHealthyLocationPasses()
    {
        const GwbRun r = runGwb(QStringList{QStringLiteral("check")} + sshArgs() +
                                QStringList{QStringLiteral("--location"), QStringLiteral("/healthy")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray results = parseRun(r)[QStringLiteral("results")].toArray();
        QVERIFY(!results.isEmpty());
        QStringList seen;
        for (const QJsonValue &v : results) {
            const QJsonObject o = v.toObject();
            seen << o[QStringLiteral("check")].toString();
            QCOMPARE(o[QStringLiteral("subject")].toObject()[QStringLiteral("location")].toString(), QStringLiteral("location /healthy"));
            QVERIFY2(o[QStringLiteral("verdict")].toString() == QLatin1StringView("pass"),
                     qPrintable(QStringLiteral("%1: %2").arg(o[QStringLiteral("check")].toString(), o[QStringLiteral("summary")].toString())));
        }
        QVERIFY(seen.contains(QStringLiteral("probe-peer")));
        QVERIFY(seen.contains(QStringLiteral("listening-socket")));
    }

    void aCaptureWithoutConsentIsRefusedAndSendsNothing()
    {
        bool sawCapture = false;
        for (const QJsonValue &v : m_all) {
            const QJsonObject o = v.toObject();
            const QString id = o[QStringLiteral("check")].toString();
            if (id != QLatin1StringView("tcpdump-capture") && id != QLatin1StringView("strace-worker"))
                continue;
            sawCapture = true;
            QCOMPARE(o[QStringLiteral("verdict")].toString(), QStringLiteral("could-not-run"));
            QVERIFY(o[QStringLiteral("remedy")].toString().contains(QLatin1StringView("--allow-capture")));
            QVERIFY2(o[QStringLiteral("commands")].toArray().isEmpty(), "a capture sent a command without consent");
        }
        QVERIFY2(sawCapture, "the decision trees proposed no capture");
    }

    void aCaptureWithConsentRunsBounded()
    {
        const GwbRun r = runGwb(QStringList{QStringLiteral("check")} + sshArgs() +
                                QStringList{QStringLiteral("--cause"), QStringLiteral("backend-refused"), QStringLiteral("--allow-capture"),
                                            QStringLiteral("--capture-seconds"), QStringLiteral("1"), QStringLiteral("--capture-packets"),
                                            QStringLiteral("5")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        bool ran = false;
        for (const QJsonValue &v : parseRun(r)[QStringLiteral("results")].toArray()) {
            const QJsonObject o = v.toObject();
            if (o[QStringLiteral("check")].toString() != QLatin1StringView("tcpdump-capture"))
                continue;
            // Consent given: it is no longer refused for consent (it may still lack tcpdump or root).
            QVERIFY(!o[QStringLiteral("summary")].toString().contains(QLatin1StringView("consent")));
            for (const QJsonValue &c : o[QStringLiteral("commands")].toArray()) {
                const QString cmd = c.toObject()[QStringLiteral("command")].toString();
                if (cmd.contains(QLatin1StringView("tcpdump "))) {
                    ran = true;
                    QVERIFY2(cmd.contains(QLatin1StringView("timeout 1 ")) && cmd.contains(QLatin1StringView("-c 5")), qPrintable(cmd));
                }
            }
        }
        if (!ran)
            QSKIP("tcpdump is not installed or not allowed on this host: the bound could not be observed");
    }

    void withoutAHostProbesCouldNotRun()
    {
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("b"));
        const GwbRun c = runGwb({QStringLiteral("collect"), QStringLiteral("--output"), bundle, QStringLiteral("--ssh"),
                                 QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()), QStringLiteral("--identity"),
                                 m_sshd.file(QStringLiteral("client_ed25519")), QStringLiteral("--known-hosts"),
                                 m_sshd.file(QStringLiteral("known_hosts")), QStringLiteral("--nginx-conf"), m_lab.confPath(),
                                 QStringLiteral("--all")});
        QVERIFY2(c.exitCode == 0, c.err.constData());
        const GwbRun r = runGwb({QStringLiteral("check"), QStringLiteral("--bundle"), bundle, QStringLiteral("--cause"),
                                 QStringLiteral("backend-refused"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        int probes = 0;
        for (const QJsonValue &v : parseRun(r)[QStringLiteral("results")].toArray()) {
            const QJsonObject o = v.toObject();
            if (o[QStringLiteral("check")].toString() != QLatin1StringView("probe-peer"))
                continue;
            ++probes;
            QCOMPARE(o[QStringLiteral("verdict")].toString(), QStringLiteral("could-not-run"));
            QVERIFY(o[QStringLiteral("remedy")].toString().contains(QLatin1StringView("--ssh")));
        }
        QVERIFY(probes > 0);
    }
};

QTEST_GUILESS_MAIN(TestChecksSsh)
#include "tst_checks_ssh.moc"
