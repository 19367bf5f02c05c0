// `gwb diagnose --ssh` / `gwb collect` against the real practice-lab nginx through a throwaway sshd, both on
// 127.0.0.1 and both started and stopped here.

#include "gwbrun.h"
#include "labfixture.h"
#include "sshtestbase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace gwb;

namespace {

struct Expected
{
    QString location, cause, status, peer;
};

using test::GwbRun;
using test::runGwb;

} // namespace

class TestCollectSsh final : public QObject, public test::SshTestBase
{
    Q_OBJECT

private:
    test::LabFixture m_lab;

    QStringList sshArgs(const QString &knownHosts = {}) const
    {
        return {QStringLiteral("--ssh"), QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()),
                QStringLiteral("--identity"), m_sshd.file(QStringLiteral("client_ed25519")), QStringLiteral("--known-hosts"),
                knownHosts.isEmpty() ? m_sshd.file(QStringLiteral("known_hosts")) : knownHosts,
                QStringLiteral("--nginx-conf"), m_lab.confPath()};
    }

    // tests/data/lab/expected.tsv was written for port base 18080 and another socket directory.
    std::vector<Expected> expectations() const
    {
        QFile f(QStringLiteral(GWB_SOURCE_DIR "/tests/data/lab/expected.tsv"));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read expected.tsv");
        std::vector<Expected> out;
        const QList<QByteArray> lines = f.readAll().split('\n');
        static const QRegularExpression port(QStringLiteral("^127\\.0\\.0\\.1:(\\d+)$"));
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> c = lines[i].split('\t');
            if (c.size() != 4)
                continue;
            QString peer = QString::fromUtf8(c[3]);
            if (const auto m = port.match(peer); m.hasMatch())
                peer = QStringLiteral("127.0.0.1:%1").arg(m.captured(1).toInt() - 18080 + m_lab.portBase());
            else if (peer.startsWith(QLatin1StringView("unix:")))
                peer = QStringLiteral("unix:") + m_lab.runDir() + peer.mid(peer.indexOf(QLatin1StringView("/sock/")));
            out.push_back({QString::fromUtf8(c[0]), QString::fromUtf8(c[1]), QString::fromUtf8(c[2]), peer});
        }
        return out;
    }

    static QString describe(const QJsonArray &findings)
    {
        QStringList s;
        for (const QJsonValue &v : findings) {
            const QJsonObject f = v.toObject();
            s << QStringLiteral("%1@%2[%3|%4]").arg(f[QStringLiteral("cause")].toString(), f[QStringLiteral("location")].toString(),
                                                   f[QStringLiteral("peer")].toString(), f[QStringLiteral("upstream")].toString());
        }
        return s.join(QStringLiteral(", "));
    }

    void checkLabFindings(const QByteArray &json)
    {
        const QJsonObject root = QJsonDocument::fromJson(json).object();
        QCOMPARE(root[QStringLiteral("schema")].toString(), QStringLiteral("gwb.diagnosis/1"));
        const QJsonArray findings = root[QStringLiteral("findings")].toArray();
        for (const Expected &e : expectations()) {
            const QString where = QStringLiteral("location ") + e.location;
            if (e.cause == QLatin1StringView("none")) {
                for (const QJsonValue &v : findings)
                    QVERIFY2(v.toObject()[QStringLiteral("location")].toString() != where,
                             qPrintable(QStringLiteral("healthy %1 has a finding: %2").arg(e.location, describe(findings))));
                continue;
            }
            bool found = false;
            for (const QJsonValue &v : findings) {
                const QJsonObject f = v.toObject();
                if (f[QStringLiteral("cause")].toString() != e.cause || f[QStringLiteral("location")].toString() != where)
                    continue;
                const bool groupName = !e.peer.contains(QLatin1Char(':'));
                if (f[groupName ? QStringLiteral("upstream") : QStringLiteral("peer")].toString() == e.peer)
                    found = true;
            }
            QVERIFY2(found, qPrintable(QStringLiteral("no %1 at %2 with peer %3; found: %4")
                                           .arg(e.cause, e.location, e.peer, describe(findings))));
        }
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
    }

    void cleanupTestCase()
    {
        m_lab.stop();
        tearDown();
        QVERIFY2(m_lab.nothingLeftRunning(), "the lab left processes running");
    }

    void diagnoseOverSshFindsEveryLabCause()
    {
        const GwbRun r = runGwb(QStringList{QStringLiteral("diagnose")} + sshArgs() +
                             QStringList{QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        checkLabFindings(r.out);
    }

    void collectThenDiagnoseBundle()
    {
        QTemporaryDir tmp;
        const QString bundle = tmp.filePath(QStringLiteral("bundle"));
        const GwbRun c = runGwb(QStringList{QStringLiteral("collect"), QStringLiteral("--output"), bundle} + sshArgs());
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QVERIFY(QFile::exists(bundle + QStringLiteral("/manifest.json")));
        const GwbRun d = runGwb({QStringLiteral("diagnose"), QStringLiteral("--bundle"), bundle, QStringLiteral("--format"),
                              QStringLiteral("json")});
        QVERIFY2(d.exitCode == 0, d.err.constData());
        checkLabFindings(d.out);

        // A changed file is named, and left out.
        QDir logs(bundle);
        QVERIFY(logs.cd(QStringLiteral("%1/logs/1").arg(QStringLiteral("127.0.0.1_%1").arg(m_sshd.port()))));
        const QString victim = logs.filePath(logs.entryList(QDir::Files).first());
        QFile f(victim);
        QVERIFY(f.open(QIODevice::Append));
        f.write("tampered\n");
        f.close();
        const GwbRun t = runGwb({QStringLiteral("diagnose"), QStringLiteral("--bundle"), bundle, QStringLiteral("--format"),
                              QStringLiteral("json")});
        QCOMPARE(t.exitCode, 0);
        QVERIFY2(t.out.contains("does not match its checksum"), t.out.left(2000).constData());
    }

    void tarGzBundle()
    {
        QTemporaryDir tmp;
        const QString bundle = tmp.filePath(QStringLiteral("lab.tar.gz"));
        const GwbRun c = runGwb(QStringList{QStringLiteral("collect"), QStringLiteral("--output"), bundle} + sshArgs());
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QVERIFY(QFileInfo(bundle).isFile());
        const GwbRun d = runGwb({QStringLiteral("diagnose"), QStringLiteral("--bundle"), bundle, QStringLiteral("--format"),
                                 QStringLiteral("json")});
        QVERIFY2(d.exitCode == 0, d.err.constData());
        checkLabFindings(d.out);
    }

    void diagnoseLocalFindsEveryLabCause()
    {
        const GwbRun r = runGwb({QStringLiteral("diagnose"), QStringLiteral("--local"), QStringLiteral("--nginx-conf"),
                                 m_lab.confPath(), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        checkLabFindings(r.out);
    }

    void severalTargetsInParallel()
    {
        QTemporaryDir tmp;
        const QString bundle = tmp.filePath(QStringLiteral("bundle"));
        QStringList args{QStringLiteral("collect"), QStringLiteral("--output"), bundle};
        args << sshArgs();
        args << QStringLiteral("--ssh") << QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port());
        const GwbRun c = runGwb(args);
        QVERIFY2(c.exitCode == 0, c.err.constData());
        QFile manifest(bundle + QStringLiteral("/manifest.json"));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const QJsonArray targets = QJsonDocument::fromJson(manifest.readAll()).object()[QStringLiteral("targets")].toArray();
        QCOMPARE(targets.size(), 2);
        QVERIFY(targets[0].toObject()[QStringLiteral("directory")] != targets[1].toObject()[QStringLiteral("directory")]);
        for (const QJsonValue &t : targets)
            QVERIFY(t.toObject()[QStringLiteral("files")].toArray().size() >= 6);
        const GwbRun d = runGwb({QStringLiteral("diagnose"), QStringLiteral("--bundle"), bundle, QStringLiteral("--format"),
                                 QStringLiteral("json")});
        QVERIFY2(d.exitCode == 0, d.err.constData());
        checkLabFindings(d.out);
        // Every evidence line names the host it came from (its directory in the bundle).
        const QJsonArray findings = QJsonDocument::fromJson(d.out).object()[QStringLiteral("findings")].toArray();
        QVERIFY(!findings.isEmpty());
        for (const QJsonValue &f : findings)
            for (const QJsonValue &e : f.toObject()[QStringLiteral("evidence")].toArray())
                QVERIFY(e.toObject()[QStringLiteral("file")].toString().contains(QStringLiteral("127.0.0.1_")));
    }

    void unknownHostKeyIsRefused()
    {
        const QString empty = knownHostsWith(QStringLiteral("empty_known_hosts"), {});
        const GwbRun r = runGwb(QStringList{QStringLiteral("diagnose")} + sshArgs(empty));
        qInfo("%s", r.err.constData());
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("SHA256:"));
        QVERIFY(r.err.contains(test::SshdFixture::fingerprint(m_sshd.file(QStringLiteral("host_ed25519.pub"))).toUtf8()));
        QVERIFY(r.err.contains("--accept-new-host-key"));
        QCOMPARE(r.err.count('\n'), 1); // one sentence
    }

    void changedHostKeyIsRefusedEvenWithAcceptNew()
    {
        const QString wrong = knownHostsWith(QStringLiteral("wrong_known_hosts"),
                                             hostEntry(m_sshd.file(QStringLiteral("stranger_ed25519.pub"))));
        const GwbRun r = runGwb(QStringList{QStringLiteral("diagnose")} + sshArgs(wrong) +
                             QStringList{QStringLiteral("--accept-new-host-key")});
        qInfo("%s", r.err.constData());
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("CHANGED"));
    }

    void helpNamesTheTargetOptions()
    {
        const GwbRun r = runGwb({QStringLiteral("diagnose"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *o : {"--ssh", "--identity", "--known-hosts", "--accept-new-host-key", "--sudo", "--local", "--bundle"})
            QVERIFY2(r.out.contains(o), o);
        const GwbRun bad = runGwb({QStringLiteral("diagnose"), QStringLiteral("--ssh"), QStringLiteral("a b")});
        QCOMPARE(bad.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCollectSsh)
#include "tst_collect_ssh.moc"
