// The check engine without a network: decision trees, subjects from the lab fixtures, the planner following
// verdicts, consent, JSON, the probe output readers, and hostile values in probe commands run by a real sh.

#include "testutil.h"

#include "checks/checkengine.h"
#include "checks/probeparsers.h"
#include "diagnosis/diagnoser.h"
#include "diagnosis/investigation.h"
#include "transport/localtransport.h"

#include <QFile>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace gwb;

namespace {

struct Lab
{
    Investigation inv;
    DiagnosisResult result;
};

Lab loadLab()
{
    LocalInputs in;
    in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt"));
    in.accessLogs << test::dataPath(QStringLiteral("lab/access.log"));
    in.errorLogs << test::dataPath(QStringLiteral("lab/error.log"));
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        qFatal("cannot load the lab fixtures: %s", qPrintable(inv.error().message));
    Lab lab{std::move(inv.value()), {}};
    lab.result = Diagnoser::run(lab.inv);
    return lab;
}

// A check whose verdict the test decides, to drive the planner through the tree.
class FixedCheck final : public Check
{
public:
    FixedCheck(QString id, Verdict v) : m_id(std::move(id)), m_verdict(v) {}
    QString id() const override { return m_id; }
    QString title() const override { return m_id; }
    QString whyItMatters() const override { return {}; }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &, const CheckContext &) const override { return true; }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &) const override { return {}; }
    CheckResult run(const CheckSubject &s, CheckContext &) const override
    {
        CheckResult r = begin(s);
        r.verdict = m_verdict;
        return r;
    }

private:
    QString m_id;
    Verdict m_verdict;
};

} // namespace

class TestCheckEngine final : public QObject
{
    Q_OBJECT

private slots:
    void everyTreeNamesKnownChecks()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        QVERIFY(registry.warnings().isEmpty());
        const QStringList fromPlugins{QStringLiteral("php-fpm-pool"), QStringLiteral("php-fpm-max-children")};
        for (int c = 0; c < kCauseCount; ++c) {
            const auto &tree = decisionTree(static_cast<Cause>(c));
            QVERIFY2(!tree.empty(), qPrintable(QString(causeId(static_cast<Cause>(c)))));
            for (const DecisionNode &n : tree) {
                QVERIFY2(registry.find(n.checkId) || fromPlugins.contains(n.checkId), qPrintable(n.checkId));
                QVERIFY(!n.reason.isEmpty());
                for (int next : {n.onPass, n.onWarn, n.onFail, n.onCouldNotRun})
                    QVERIFY(next >= -1 && next < int(tree.size()));
            }
        }
    }

    void duplicateIdsAreRefusedWithAWarning()
    {
        CheckRegistry registry = CheckRegistry::withBuiltins();
        QVERIFY(!registry.add(std::make_unique<FixedCheck>(QStringLiteral("probe-peer"), Verdict::Pass), QStringLiteral("plugin x")));
        QCOMPARE(registry.warnings().size(), 1);
        QVERIFY(registry.warnings().first().contains(QLatin1StringView("probe-peer")));
        QCOMPARE(registry.originOf(u"probe-peer"), QStringLiteral("built-in"));
    }

    void subjectsComeFromTheFindings()
    {
        const Lab lab = loadLab();
        const auto subjects = subjectsFor(lab.inv, lab.result, {});
        auto find = [&](Cause c) -> const CheckSubject * {
            for (const CheckSubject &s : subjects)
                if (s.cause == c)
                    return &s;
            return nullptr;
        };
        const CheckSubject *refused = find(Cause::BackendRefused);
        QVERIFY(refused);
        QCOMPARE(refused->kind, CheckSubject::Kind::Peer);
        QCOMPARE(refused->host, QStringLiteral("127.0.0.1"));
        QVERIFY(refused->port > 0);
        QCOMPARE(refused->scheme, QStringLiteral("http"));
        const CheckSubject *socket = find(Cause::SocketPermission);
        QVERIFY(socket);
        QCOMPARE(socket->kind, CheckSubject::Kind::UnixSocket);
        QVERIFY(socket->socketPath.endsWith(QLatin1StringView(".sock")));
        // no live upstreams names the group: each of its two peers becomes a subject
        int noLive = 0;
        for (const CheckSubject &s : subjects)
            noLive += s.cause == Cause::NoLiveUpstreams;
        QCOMPARE(noLive, 2);
        const CheckSubject *tls = find(Cause::TlsHandshake);
        QVERIFY(tls);
        QCOMPARE(tls->scheme, QStringLiteral("https"));
        // The filter keeps one cause; --location adds the healthy peers of that location.
        PlanFilter onlyRefused;
        onlyRefused.cause = Cause::BackendRefused;
        for (const CheckSubject &s : subjectsFor(lab.inv, lab.result, onlyRefused))
            QCOMPARE(s.cause, Cause::BackendRefused);
        PlanFilter healthy;
        healthy.location = QStringLiteral("/healthy");
        const auto h = subjectsFor(lab.inv, lab.result, healthy);
        QCOMPARE(h.size(), size_t(1));
        QCOMPARE(h.front().cause, Cause::None);
        QCOMPARE(h.front().location, QStringLiteral("location /healthy"));
        QCOMPARE(h.front().uri, QStringLiteral("/healthy"));
    }

    void thePlannerFollowsTheVerdicts()
    {
        // backend-refused: ..., probe-peer, listening-socket (pass → skip to backend-service), backend-service, ...
        CheckRegistry registry;
        for (const char *id : {"status-meaning", "log-evidence", "probe-peer", "backend-service", "oom-kills"})
            registry.add(std::make_unique<FixedCheck>(QString::fromLatin1(id), Verdict::Fail));
        registry.add(std::make_unique<FixedCheck>(QStringLiteral("listening-socket"), Verdict::Pass));
        CheckSubject s;
        s.kind = CheckSubject::Kind::Peer;
        s.cause = Cause::BackendRefused;
        CheckContext context(nullptr, nullptr, nullptr, {});
        const auto results = runGuided(registry, {s}, context);
        QStringList order;
        for (const CheckResult &r : results)
            order << r.checkId;
        // firewall and tcpdump-capture are not registered: passed over, the walk ends after oom-kills.
        QCOMPARE(order, (QStringList{QStringLiteral("status-meaning"), QStringLiteral("log-evidence"), QStringLiteral("probe-peer"),
                                     QStringLiteral("listening-socket"), QStringLiteral("backend-service"), QStringLiteral("oom-kills")}));
        const auto planned = planChecks(registry, {s}, context);
        QCOMPARE(int(planned.size()), 6);
        QVERIFY(!planned.front().reason.isEmpty());
    }

    void withoutAHostChecksSayCouldNotRunAndLogChecksStillWork()
    {
        const Lab lab = loadLab();
        CheckContext context(nullptr, &lab.inv, &lab.result, {});
        PlanFilter f;
        f.cause = Cause::ReadTimeout;
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        const auto results = runGuided(registry, subjectsFor(lab.inv, lab.result, f), context);
        QVERIFY(!results.empty());
        bool sawLogs = false, sawTimeouts = false;
        for (const CheckResult &r : results) {
            if (r.checkId == QLatin1StringView("log-evidence")) {
                sawLogs = true;
                QCOMPARE(r.verdict, Verdict::Fail);
                QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::ReadTimeout));
            } else if (r.checkId == QLatin1StringView("timeouts-vs-latency")) {
                sawTimeouts = true; // config against logs: needs no host
                QCOMPARE(r.verdict, Verdict::Fail);
                QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::ReadTimeout));
            } else if (r.checkId == QLatin1StringView("probe-peer")) {
                QCOMPARE(r.verdict, Verdict::CouldNotRun);
                QVERIFY(!r.remedy.isEmpty());
            }
            if (r.verdict == Verdict::Pass)
                QVERIFY2(r.step == GuidedStep::Meaning || r.step == GuidedStep::Config || r.step == GuidedStep::Probe,
                         qPrintable(r.checkId));
        }
        QVERIFY(sawLogs && sawTimeouts);
    }

    void capturesNeedConsent()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        const Check *capture = registry.find(u"tcpdump-capture");
        QVERIFY(capture && capture->needsConsent());
        LocalTransport local;
        CheckSubject s;
        s.kind = CheckSubject::Kind::Peer;
        s.host = QStringLiteral("127.0.0.1");
        s.port = 9;
        s.cause = Cause::BackendRefused;
        CheckContext context(&local, nullptr, nullptr, {});
        const CheckResult r = runPlanned({capture, s, QString(), -1}, context);
        QCOMPARE(r.verdict, Verdict::CouldNotRun);
        QVERIFY(r.commands.empty());
        QVERIFY(r.remedy.contains(QLatin1StringView("--allow-capture")));
        // Even a check that asks for a capture command directly cannot run it without consent.
        CheckResult direct;
        const auto out = context.run(RemoteCommand::tcpdumpPort(9, "127.0.0.1", 1, 1), direct);
        QVERIFY(!out);
        QCOMPARE(out.error().kind, Error::Kind::Permission);
    }

    void resultsSurviveJson()
    {
        CheckRun run;
        run.host = QStringLiteral("ssh deploy@web1:22");
        run.startedUtcMs = 1700000000000;
        CheckResult r;
        r.checkId = QStringLiteral("probe-peer");
        r.title = QStringLiteral("Probe");
        r.step = GuidedStep::Probe;
        r.subject.kind = CheckSubject::Kind::UnixSocket;
        r.subject.socketPath = QStringLiteral("/run/php.sock");
        r.subject.cause = Cause::SocketPermission;
        r.verdict = Verdict::Fail;
        r.pointsTo = Cause::SocketPermission;
        r.summary = QStringLiteral("denied");
        r.facts << QStringLiteral("mode 0600");
        r.commands.push_back({QStringLiteral("stat"), QStringLiteral("stat -c x -- '/run/php.sock'"), false, 0, "socket|www-data", "", {}, 3});
        run.results.push_back(r);
        run.warnings << QStringLiteral("plugin x: wrong API version");
        const QByteArray text = QJsonDocument(checkRunToJson(run)).toJson();
        auto back = checkRunFromJson(QJsonDocument::fromJson(text).object());
        QVERIFY(back);
        QCOMPARE(back->host, run.host);
        QCOMPARE(back->results.size(), size_t(1));
        const CheckResult &b = back->results.front();
        QCOMPARE(b.verdict, Verdict::Fail);
        QCOMPARE(b.pointsTo, std::optional<Cause>(Cause::SocketPermission));
        QCOMPARE(b.subject.socketPath, QStringLiteral("/run/php.sock"));
        QCOMPARE(b.commands.front().out, QByteArray("socket|www-data"));
        QCOMPARE(back->warnings, run.warnings);
        QVERIFY(checkRunToText(run).contains(QLatin1StringView("points to: socket-permission")));
        QCOMPARE(reportChecksOf(run).front().verdict, QStringLiteral("fail"));
        QVERIFY(!checkRunFromJson(QJsonObject{{QStringLiteral("schema"), QStringLiteral("other")}}));
    }

    void probeOutputsAreRead()
    {
        CommandOutput ok{0, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n\ngwb-probe code=200 connect=0.000123 tls=0.000000 ttfb=0.002500 header=45\n", {}};
        HttpProbeOutcome p = parseCurlProbe(ok);
        QVERIFY(p.completed);
        QCOMPARE(p.httpCode, 200);
        QCOMPARE(p.ttfbMs, qint64(3));
        QCOMPARE(p.headerBytes, qint64(45));
        QVERIFY(!judgeProbeFailure(p, false, false));

        CommandOutput bad{0, "HTTP/1.1 200 OK\r\nX Broken: 1\r\n\r\n\ngwb-probe code=200 connect=0.0001 tls=0 ttfb=0.001 header=30\n", {}};
        const auto invalid = judgeProbeFailure(parseCurlProbe(bad), false, false);
        QVERIFY(invalid && invalid->cause == Cause::InvalidResponse);

        struct Case { int exit; const char *err; Cause cause; bool unixSocket; };
        const Case cases[] = {
            {7, "curl: (7) Failed to connect\nbash: connect: Connection refused", Cause::BackendRefused, false},
            {7, "curl: (7) Couldn't connect\nstat: cannot statx '/x.sock': No such file or directory", Cause::SocketMissing, true},
            {7, "curl: (7) Permission denied", Cause::SocketPermission, true},
            {52, "curl: (52) Empty reply from server", Cause::PrematureClose, false},
            {56, "curl: (56) Recv failure: Connection reset by peer", Cause::ConnectionReset, false},
            {35, "curl: (35) error:0A00010B:SSL routines::wrong version number", Cause::TlsHandshake, false},
            {1, "curl: (1) Received HTTP/0.9 when not allowed", Cause::InvalidResponse, false},
            {28, "curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received", Cause::ReadTimeout, false},
            {6, "curl: (6) Could not resolve host: app.internal", Cause::DnsFailure, false},
        };
        for (const Case &c : cases) {
            HttpProbeOutcome o = parseCurlProbe(CommandOutput{c.exit, {}, c.err});
            o.connectMs = c.cause == Cause::ReadTimeout ? 1 : -1;
            const auto j = judgeProbeFailure(o, c.unixSocket, false);
            QVERIFY2(j && j->cause == c.cause, c.err);
        }
    }

    void socketListingsAreRead()
    {
        const QByteArray ss = "LISTEN 0      4096       127.0.0.1:18081      0.0.0.0:*    users:((\"python3\",pid=4242,fd=7))\n"
                              "LISTEN 129   128          0.0.0.0:9000       0.0.0.0:*\n"
                              "LISTEN 0      511             [::]:80           [::]:*    users:((\"nginx\",pid=1,fd=6))\n";
        const auto all = parseSsListening(ss);
        QCOMPARE(all.size(), size_t(3));
        const auto l = listenersFor(all, QStringLiteral("127.0.0.1"), 18081);
        QCOMPARE(l.size(), size_t(1));
        QCOMPARE(l.front().process, QStringLiteral("python3"));
        QCOMPARE(l.front().pid, qint64(4242));
        QCOMPARE(listenersFor(all, QStringLiteral("127.0.0.1"), 9000).front().recvQ, 129); // wildcard, queue full
        QVERIFY(listenersFor(all, QStringLiteral("127.0.0.1"), 18082).empty());
        QCOMPARE(listenersFor(all, QStringLiteral("10.1.2.3"), 80).size(), size_t(1));

        const QByteArray namei = "f: /run/php/app.sock\ndrwxr-xr-x root     root     /\ndrwxr-xr-x root     root     run\n"
                                 "drwxr-x--- www-data www-data php\nsrw-rw---- www-data www-data app.sock\n";
        const auto path = parseNamei(namei);
        QCOMPARE(path.size(), size_t(4));
        QVERIFY(mayAccess(path[2], QStringLiteral("nginx"), {QStringLiteral("www-data")}, QLatin1Char('x')));
        QVERIFY(!mayAccess(path[2], QStringLiteral("nobody"), {QStringLiteral("nogroup")}, QLatin1Char('x')));
        QVERIFY(mayAccess(path[3], QStringLiteral("www-data"), {}, QLatin1Char('w')));
        QVERIFY(mayAccess(path[3], QStringLiteral("root"), {}, QLatin1Char('w')));
    }

    // Values from the server's config reach the probes as data: run by a real sh, they execute nothing.
    void hostileValuesInProbesRunNothing()
    {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("pwned"));
        const QByteArray payloads[] = {"$(touch " + QFile::encodeName(marker) + ")", "`touch " + QFile::encodeName(marker) + "`",
                                       "x; touch " + QFile::encodeName(marker), "'; touch " + QFile::encodeName(marker) + "; '",
                                       "-oProxyCommand=touch " + QFile::encodeName(marker)};
        QTcpServer closed; // a port that refuses: listen, take the number, close
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const int port = closed.serverPort();
        closed.close();
        LocalTransport local;
        for (const QByteArray &evil : payloads) {
            RemoteCommand::HttpTarget t;
            t.connectHost = "127.0.0.1";
            t.port = port;
            t.hostHeader = evil;
            t.path = "/" + evil;
            t.timeoutSec = 2;
            std::vector<RemoteCommand> commands{RemoteCommand::httpProbe(t), RemoteCommand::httpProbeRaw(t),
                                                RemoteCommand::resolveName(evil), RemoteCommand::unitState(evil),
                                                RemoteCommand::statPath(evil), RemoteCommand::namei(evil),
                                                RemoteCommand::userGroups(evil), RemoteCommand::tcpConnect(evil, port, 1),
                                                RemoteCommand::tlsProbe(evil, port, evil, 1),
                                                RemoteCommand::findFiles(QFile::encodeName(dir.path()), evil, 1)};
            for (const RemoteCommand &c : commands) {
                auto rendered = c.render();
                if (!rendered) // refused outright (a leading '-', a line break): also safe
                    continue;
                (void)local.run(c, std::chrono::seconds(10), {});
                QVERIFY2(!QFile::exists(marker), rendered->constData());
            }
        }
        // A Host header with a line break would become a second header line: refused.
        RemoteCommand::HttpTarget split;
        split.connectHost = "127.0.0.1";
        split.hostHeader = "a\r\nX-Injected: 1";
        QVERIFY(!RemoteCommand::httpProbe(split).render());
        QVERIFY(!RemoteCommand::whichTools({"curl;reboot"}).render());
    }
};

QTEST_GUILESS_MAIN(TestCheckEngine)
#include "tst_checkengine.moc"
