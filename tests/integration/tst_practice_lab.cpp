// A practice round end to end: the lab breaks one backend in practice mode, the engine diagnoses the lab's
// files the way a trainee would with the workbench, and submitting its top finding scores right.
#include "diagnosis/diagnoser.h"
#include "nginx/configmodel.h"
#include "training/practice.h"
#include "training/trainingcontent.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace gwb;

namespace {

// The lab in practice mode, in a temporary state directory on a free port range; stopped by its own pids.
class PracticeLab
{
public:
    ~PracticeLab() { stop(); }

    QString start(const QString &labScenario, const QString &broken)
    {
        QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                                QFile::ExeOther);
        QString last;
        for (int attempt = 0; attempt < 10; ++attempt) {
            const int base = 10000 + int(QRandomGenerator::global()->bounded(700)) * 14;
            if (!portsFree(base, 14))
                continue;
            QString out;
            if (run({QStringLiteral("up"), QStringLiteral("--dir"), m_dir.path(),
                     QStringLiteral("--port-base"), QString::number(base), QStringLiteral("--practice"),
                     labScenario, QStringLiteral("--broken"), broken},
                    &out) == 0) {
                m_up = true;
                return {};
            }
            last = out;
            run({QStringLiteral("down"), QStringLiteral("--dir"), m_dir.path()});
        }
        return QStringLiteral("gwb-lab up --practice failed: ") + last;
    }
    bool traffic()
    {
        return run({QStringLiteral("traffic"), QStringLiteral("--dir"), m_dir.path(),
                    QStringLiteral("--rounds"), QStringLiteral("2")}) == 0;
    }
    void stop()
    {
        if (m_up)
            run({QStringLiteral("down"), QStringLiteral("--dir"), m_dir.path()});
        m_up = false;
    }
    QString path(const QString &relative) const { return m_dir.filePath(relative); }
    QString dir() const { return m_dir.path(); }

private:
    static bool portsFree(int base, int count)
    {
        for (int p = base; p < base + count; ++p) {
            QTcpServer s;
            if (!s.listen(QHostAddress::LocalHost, quint16(p)))
                return false;
        }
        return true;
    }
    static int run(const QStringList &args, QString *output = nullptr)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(GWB_SOURCE_DIR "/lab/gwb-lab"), args);
        p.waitForFinished(120000);
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    QTemporaryDir m_dir{QDir::temp().filePath(QStringLiteral("gwb-practice-lab-XXXXXX"))};
    bool m_up = false;
};

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestPracticeLab final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/usr/sbin/nginx")))
            QSKIP("nginx is not installed (/usr/sbin/nginx)");
    }

    void aRoundDiagnosedByTheEngineScoresRight_data()
    {
        QTest::addColumn<QString>("scenarioId");
        QTest::addColumn<quint32>("seed");
        QTest::newRow("refused") << QStringLiteral("nobody-listening") << 1u;
        QTest::newRow("read timeout") << QStringLiteral("patience-runs-out") << 2u;
        QTest::newRow("keepalive race") << QStringLiteral("stale-connection") << 3u;
    }

    void aRoundDiagnosedByTheEngineScoresRight()
    {
        QFETCH(QString, scenarioId);
        QFETCH(quint32, seed);
        const TrainingContent content = loadTrainingContent({QStringLiteral(GWB_SOURCE_DIR "/resources")});
        std::vector<PracticeScenario> only;
        for (const PracticeScenario &s : content.scenarios)
            if (s.id == scenarioId)
                only.push_back(s);
        QCOMPARE(only.size(), std::size_t(1));
        std::optional<PracticeRound> round = PracticeRound::start(only, seed);
        QVERIFY(round);

        PracticeLab lab;
        const QString error = lab.start(round->labScenario(), round->brokenLocation());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(lab.traffic());

        // Nothing the trainee reads names the scenario.
        const QByteArray secret = round->labScenario().toUtf8();
        QVERIFY(!readAll(lab.path(QStringLiteral("nginx.conf"))).contains(secret));
        QVERIFY(!readAll(lab.path(QStringLiteral("lab.json"))).contains(secret));
        for (QDirIterator it(lab.dir(), QDir::AllEntries | QDir::NoDotAndDotDot,
                             QDirIterator::Subdirectories);
             it.hasNext();)
            QVERIFY2(!it.next().contains(round->labScenario()), qPrintable(it.filePath()));

        const ConfigModel model =
            ConfigModel::build(ConfigParser::parseFile(lab.path(QStringLiteral("nginx.conf"))));
        round->setBrokenPeers(practicePeers(model, round->brokenLocation()));
        QVERIFY(!round->score(Cause::Unclassified, QString()).realPeers.isEmpty());

        LocalInputs in;
        in.configFile = lab.path(QStringLiteral("nginx.conf"));
        in.accessLogs << lab.path(QStringLiteral("logs/access.log"));
        in.errorLogs << lab.path(QStringLiteral("logs/error.log"));
        const Result<Investigation> investigation = Investigation::loadLocal(in);
        QVERIFY2(investigation.ok(),
                 qPrintable(investigation.ok() ? QString() : investigation.error().message));
        const DiagnosisResult result = Diagnoser::run(*investigation);
        QVERIFY(!result.findings.empty());
        const Finding &top = result.findings.front();

        const PracticeScore byLocation = round->score(top.cause, top.location);
        QVERIFY2(
            byLocation.verdict == PracticeScore::Verdict::Right,
            qPrintable(
                QStringLiteral("%1 at %2: %3").arg(causeId(top.cause), top.location, byLocation.feedback)));
        QCOMPARE(round->score(top.cause, top.peer).verdict, PracticeScore::Verdict::Right);
        QCOMPARE(round->score(Cause::TlsVerify, QStringLiteral("/nowhere")).verdict,
                 PracticeScore::Verdict::Wrong);
        lab.stop();
    }
};

QTEST_GUILESS_MAIN(TestPracticeLab)
#include "tst_practice_lab.moc"
