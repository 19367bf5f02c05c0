#include "diagnosis/diagnoser.h"
#include "report/diagnosisjson.h"
#include "testutil.h"

#include <QFile>
#include <QTemporaryDir>

#include <algorithm>

using namespace gwb;

namespace {

struct Expected
{
    QString location, cause, status, peer;
};

std::vector<Expected> labExpectations()
{
    std::vector<Expected> out;
    const QList<QByteArray> lines = test::readData(QStringLiteral("lab/expected.tsv")).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> f = lines[i].split('\t');
        if (f.size() == 4)
            out.push_back({QString::fromUtf8(f[0]), QString::fromUtf8(f[1]), QString::fromUtf8(f[2]), QString::fromUtf8(f[3])});
    }
    return out;
}

DiagnosisResult diagnoseLab(const QString &accessLog, bool withErrorLog = true, bool withConfig = true,
                            const std::atomic_bool *cancel = nullptr)
{
    LocalInputs in;
    if (withConfig)
        in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt"));
    if (!accessLog.isEmpty())
        in.accessLogs << test::dataPath(QStringLiteral("lab/") + accessLog);
    if (withErrorLog)
        in.errorLogs << test::dataPath(QStringLiteral("lab/error.log"));
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        qFatal("cannot load the lab fixtures: %s", qPrintable(inv.error().message));
    DiagnoseOptions options;
    options.cancel = cancel;
    return Diagnoser::run(inv.value(), options);
}

const Finding *findingAt(const DiagnosisResult &r, const QString &cause, const QString &location)
{
    for (const Finding &f : r.findings)
        if (QString(causeId(f.cause)) == cause && f.location == QStringLiteral("location ") + location)
            return &f;
    return nullptr;
}

QString describe(const DiagnosisResult &r)
{
    QStringList s;
    for (const Finding &f : r.findings)
        s << QStringLiteral("%1@%2[%3]").arg(QString(causeId(f.cause)), f.location, f.peer);
    return s.join(QStringLiteral(", "));
}

} // namespace

class TestDiagnoser final : public QObject
{
    Q_OBJECT
private slots:
    // Every lab scenario, read through each of the four access-log layouts of the same requests.
    void labCausesInEveryFormat_data()
    {
        QTest::addColumn<QString>("accessLog");
        QTest::newRow("upstreaminfo") << QStringLiteral("access.log");
        QTest::newRow("json") << QStringLiteral("access_json.log");
        QTest::newRow("custom") << QStringLiteral("access_custom.log");
        QTest::newRow("combined") << QStringLiteral("access_combined.log");
    }
    void labCausesInEveryFormat()
    {
        QFETCH(QString, accessLog);
        const DiagnosisResult r = diagnoseLab(accessLog);
        const bool hasUpstreamFields = accessLog != QLatin1StringView("access_combined.log");
        for (const Expected &e : labExpectations()) {
            if (e.cause == QLatin1StringView("none")) {
                for (const Finding &f : r.findings)
                    QVERIFY2(f.location != QStringLiteral("location ") + e.location,
                             qPrintable(QStringLiteral("healthy %1 has a finding: %2").arg(e.location, describe(r))));
                continue;
            }
            QString cause = e.cause;
            if (!hasUpstreamFields) {
                // combined has no $upstream_* fields: no connect time to reveal a reused connection, and no
                // upstream status to tell a backend's own 502 from nginx's.
                if (cause == QLatin1StringView("keepalive-race"))
                    cause = QStringLiteral("premature-close");
                if (cause == QLatin1StringView("backend-status"))
                    cause = QStringLiteral("unclassified");
            }
            const Finding *f = findingAt(r, cause, e.location);
            QVERIFY2(f, qPrintable(QStringLiteral("no %1 at %2; found: %3").arg(cause, e.location, describe(r))));
            if (hasUpstreamFields || e.cause != QLatin1StringView("backend-status")) {
                const bool groupName = !e.peer.contains(QLatin1Char(':'));
                QCOMPARE(groupName ? f->upstream : f->peer, e.peer);
            }
            // Without upstream fields a request rescued by a retry looks like any 200: its error line stands alone.
            if (!hasUpstreamFields && e.status == QLatin1StringView("200"))
                QVERIFY(f->clientStatus.empty() && f->errorLines > 0);
            else QVERIFY2(f->clientStatus.count(e.status.toInt()) == 1,
                     qPrintable(QStringLiteral("%1 at %2: clients did not get %3").arg(cause, e.location, e.status)));
            QVERIFY(!f->evidence.empty());
            QVERIFY(!f->advice.isEmpty());
        }
        QCOMPARE(r.diagnostics.size(), std::size_t(0));
    }

    void retriedRequestKeepsItsChainAndEndsWell()
    {
        const DiagnosisResult r = diagnoseLab(QStringLiteral("access.log"));
        const Finding *f = findingAt(r, QStringLiteral("backend-refused"), QStringLiteral("/retry-then-ok"));
        QVERIFY(f);
        QVERIFY(f->retriedOk >= 1);
        QCOMPARE(f->retriedOk, f->requests);
        QVERIFY(f->exampleChain.size() >= 2);
        QCOMPARE(f->exampleChain[0].status, 502);
        QCOMPARE(f->exampleChain[1].status, 200);
        // Requests rescued by a retry are not failures the clients saw.
        QVERIFY(r.upstreamFailures < r.requestsByStatus.at(502) + r.requestsByStatus.at(504) + r.requestsByStatus.at(9) + 1);
    }

    void keepaliveRaceNeedsReusableConnections()
    {
        // On loopback a fresh connection also logs connect time 0.000; only where the config lets nginx reuse
        // connections does that mean the keepalive race.
        const DiagnosisResult r = diagnoseLab(QStringLiteral("access.log"));
        QVERIFY(findingAt(r, QStringLiteral("premature-close"), QStringLiteral("/premature-close")));
        QVERIFY(!findingAt(r, QStringLiteral("keepalive-race"), QStringLiteral("/premature-close")));
        const Finding *race = findingAt(r, QStringLiteral("keepalive-race"), QStringLiteral("/keepalive-race"));
        QVERIFY(race);
        bool hasKeepalive = false;
        for (const ConfigEvidence &c : race->config)
            hasKeepalive |= c.directive == QLatin1StringView("keepalive") && c.value.toInt() > 0;
        QVERIFY2(hasKeepalive, "the keepalive finding must show the upstream keepalive setting");
    }

    void accessLogAloneStillClassifies()
    {
        const DiagnosisResult r = diagnoseLab(QStringLiteral("access.log"), /*withErrorLog=*/false);
        QVERIFY(findingAt(r, QStringLiteral("backend-status"), QStringLiteral("/backend-502")));
        QVERIFY(findingAt(r, QStringLiteral("no-live-upstreams"), QStringLiteral("/no-live")));
        QVERIFY(findingAt(r, QStringLiteral("read-timeout"), QStringLiteral("/read-timeout")));
        QVERIFY(findingAt(r, QStringLiteral("invalid-response"), QStringLiteral("/not-http")));
        QVERIFY(findingAt(r, QStringLiteral("client-closed"), QStringLiteral("/slow")));
        QVERIFY(findingAt(r, QStringLiteral("keepalive-race"), QStringLiteral("/keepalive-race")));
        // A refused connection and a missing socket look alike without the error line: said, not guessed.
        QVERIFY(findingAt(r, QStringLiteral("unclassified"), QStringLiteral("/refused")));
    }

    void errorLogAloneGivesFindingsFromEntries()
    {
        const DiagnosisResult r = diagnoseLab(QString(), /*withErrorLog=*/true);
        QCOMPARE(r.requests, 0u);
        const Finding *f = findingAt(r, QStringLiteral("socket-permission"), QStringLiteral("/socket-permission"));
        QVERIFY(f);
        QCOMPARE(f->requests, 0u);
        QCOMPARE(f->count, f->errorLines);
        QVERIFY(f->clientStatus.empty());
    }

    void markersShowPeersDisabledAndRestarts()
    {
        const DiagnosisResult r = diagnoseLab(QStringLiteral("access.log"));
        const auto disabled = std::count_if(r.markers.begin(), r.markers.end(),
                                            [](const Marker &m) { return m.kind == QLatin1StringView("peer-disabled"); });
        QVERIFY(disabled >= 2);
    }

    void windowExcludesEventsOutside()
    {
        const DiagnosisResult all = diagnoseLab(QStringLiteral("access.log"));
        LocalInputs in;
        in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt"));
        in.accessLogs << test::dataPath(QStringLiteral("lab/access.log"));
        in.since = all.lastMs + 1000; // after the last event: nothing left
        auto inv = Investigation::loadLocal(in);
        QVERIFY(inv.ok());
        const DiagnosisResult none = Diagnoser::run(inv.value());
        QCOMPARE(none.requests, 0u);
        QVERIFY(none.findings.empty());
        QCOMPARE(none.inputs.back().outsideWindow, all.requests);
    }

    void explicitInputThatCannotBeReadIsAnError()
    {
        LocalInputs in;
        in.accessLogs << QStringLiteral("/nonexistent/access.log");
        auto inv = Investigation::loadLocal(in);
        QVERIFY(!inv.ok());
        QVERIFY(inv.error().message.contains(QLatin1StringView("/nonexistent/access.log")));
        QCOMPARE(inv.error().kind, Error::Kind::Input);
    }

    void logNamedByConfigButMissingIsADiagnostic()
    {
        // The lab dump names logs in a temporary directory that no longer exists: each is reported, none fatal.
        LocalInputs in;
        in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt"));
        auto inv = Investigation::loadLocal(in);
        QVERIFY(inv.ok());
        QVERIFY(inv->diagnostics.size() >= 5);
        QVERIFY(inv->diagnostics.front().message.contains(QLatin1StringView("skipped")));
    }

    void labJsonGolden()
    {
        const DiagnosisResult r = diagnoseLab(QStringLiteral("access.log"));
        QByteArray json = diagnosisToJsonText(r);
        json.replace(QDir(QStringLiteral(GWB_TEST_DATA_DIR)).absolutePath().toUtf8(), "<data>");
        json.replace("\"version\": \"" GWB_VERSION "\"", "\"version\": \"<version>\"");
        test::compareGolden(json, QStringLiteral("diagnosis/lab.expected.json"));
    }

    // A run whose flag is already set when it looks stops at its first check and says so; what it knew about
    // the inputs before stopping is kept, findings are not.
    void cancelledRunStopsEarlyAndSaysSo()
    {
        const std::atomic_bool cancel{true};
        const DiagnosisResult r = diagnoseLab(QStringLiteral("access.log"), true, true, &cancel);
        QVERIFY(r.cancelled);
        QVERIFY(r.findings.empty());
        QVERIFY(r.failures.empty());
        QVERIFY(r.lint.empty());
        QVERIFY(r.markers.empty());
        QCOMPARE(r.upstreamFailures, std::uint64_t(0));
        QCOMPARE(r.inputs.size(), std::size_t(3)); // config, access log, error log
        QVERIFY(std::any_of(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic &d) {
            return d.message.contains(QLatin1StringView("cancelled"));
        }));
        // Stopped at the first look: not even the requests were all counted.
        QVERIFY(r.requests == 0);
    }

    void flagNeverSetChangesNothing()
    {
        const std::atomic_bool cancel{false};
        const DiagnosisResult withFlag = diagnoseLab(QStringLiteral("access.log"), true, true, &cancel);
        const DiagnosisResult without = diagnoseLab(QStringLiteral("access.log"));
        QVERIFY(!withFlag.cancelled);
        QVERIFY(!withFlag.findings.empty());
        QCOMPARE(diagnosisToJsonText(withFlag), diagnosisToJsonText(without));
    }
};

QTEST_GUILESS_MAIN(TestDiagnoser)
#include "tst_diagnoser.moc"
