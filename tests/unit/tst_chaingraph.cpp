#include "diagnosis/diagnoser.h"
#include "testutil.h"
#include "views/chaingraph.h"

using namespace gwb;

namespace {

struct Lab
{
    Investigation inv;
    DiagnosisResult result;
    ChainGraph graph;
};

Lab loadLab(bool withConfig)
{
    LocalInputs in;
    in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt")); // for the access log's format
    in.accessLogs << test::dataPath(QStringLiteral("lab/access.log"));
    in.errorLogs << test::dataPath(QStringLiteral("lab/error.log"));
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        qFatal("cannot load the lab fixtures: %s", qPrintable(inv.error().message));
    Lab lab{std::move(inv.value()), {}, {}};
    if (!withConfig) // the logs as parsed, but nothing known about servers, locations and upstreams
        lab.inv.config.reset();
    lab.result = Diagnoser::run(lab.inv);
    lab.graph = ChainGraph::build(lab.inv, lab.result);
    return lab;
}

const char *kindName(ChainNode::Kind k)
{
    static const char *const names[] = {"client", "server", "location", "upstream", "peer"};
    return names[static_cast<int>(k)];
}

// The whole graph as text, printed when a check fails.
QString dump(const ChainGraph &g)
{
    QString out;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
        const ChainNode &n = g.nodes[i];
        out += QStringLiteral("%1 %2 \"%3\" req=%4 fail=%5 cause=%6%7%8 [%9]\n")
                   .arg(i)
                   .arg(QLatin1StringView(kindName(n.kind)), n.label)
                   .arg(n.requests)
                   .arg(n.failures)
                   .arg(QString(causeId(n.dominantCause)), n.markedDown ? QStringLiteral(" DOWN") : QString(),
                        n.backup ? QStringLiteral(" backup") : QString(), n.detail);
    }
    for (const ChainEdge &e : g.edges)
        out += QStringLiteral("  %1 -> %2 req=%3 fail=%4 p95=%5 %6\n")
                   .arg(e.from)
                   .arg(e.to)
                   .arg(e.requests)
                   .arg(e.failures)
                   .arg(e.p95Ms)
                   .arg(e.timeouts);
    return out;
}

int child(const ChainGraph &g, int parent, ChainNode::Kind kind, const QString &label)
{
    return g.childOf(parent, kind, [&](const ChainNode &n) { return n.label == label; });
}

const ChainEdge *edgeBetween(const ChainGraph &g, int from, int to)
{
    for (const ChainEdge &e : g.edges)
        if (e.from == from && e.to == to)
            return &e;
    return nullptr;
}

std::uint64_t linesContaining(const QByteArray &needle)
{
    std::uint64_t n = 0;
    for (const QByteArray &line : test::readData(QStringLiteral("lab/access.log")).split('\n'))
        n += line.contains(needle);
    return n;
}

} // namespace

class TestChainGraph final : public QObject
{
    Q_OBJECT
private:
    Lab m_lab;
    int m_server = -1;

private slots:
    void initTestCase()
    {
        m_lab = loadLab(true);
        if (qEnvironmentVariableIsSet("GWB_DUMP_CHAIN"))
            qInfo().noquote() << dump(m_lab.graph);
        m_server = child(m_lab.graph, 0, ChainNode::Kind::Server, QStringLiteral("lab.local:18080"));
    }

    void graphIsWellFormed()
    {
        const ChainGraph &g = m_lab.graph;
        QCOMPARE(g.nodes.front().kind, ChainNode::Kind::Client);
        QCOMPARE(g.nodes.front().requests, std::uint64_t(67));
        std::vector<int> incoming(g.nodes.size(), 0);
        for (const ChainEdge &e : g.edges) {
            QVERIFY(e.from >= 0 && std::size_t(e.from) < g.nodes.size());
            QVERIFY(e.to > 0 && std::size_t(e.to) < g.nodes.size());
            QVERIFY(e.failures <= g.nodes[std::size_t(e.to)].failures);
            ++incoming[std::size_t(e.to)];
        }
        for (std::size_t i = 1; i < g.nodes.size(); ++i) {
            QVERIFY2(incoming[i] >= 1, qPrintable(g.nodes[i].label));
            if (g.nodes[i].kind == ChainNode::Kind::Peer)
                QCOMPARE(incoming[i], 1); // a peer node is one route's peer
        }
    }

    void labServerAndRefusedPeer()
    {
        const ChainGraph &g = m_lab.graph;
        QVERIFY2(m_server > 0, qPrintable(dump(g)));
        QCOMPARE(g.nodes[std::size_t(m_server)].requests, std::uint64_t(67));
        QVERIFY(g.nodes[std::size_t(m_server)].where.isValid());
        const int refused =
            child(g, m_server, ChainNode::Kind::Location, QStringLiteral("location /refused"));
        QVERIFY(refused > 0);
        const int peer = child(g, refused, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18082"));
        QVERIFY(peer > 0);
        const ChainNode &p = g.nodes[std::size_t(peer)];
        QCOMPARE(p.failures, std::uint64_t(3));
        QCOMPARE(p.requests, linesContaining("GET /refused "));
        QCOMPARE(p.dominantCause, Cause::BackendRefused);
        QCOMPARE(p.errorRate(), 1.0);
        const ChainEdge *e = edgeBetween(g, refused, peer);
        QVERIFY(e);
        QCOMPARE(e->failures, std::uint64_t(3));
        QCOMPARE(e->timeouts, QStringLiteral("connect 2s · read 5s"));

        const int readTimeout =
            child(g, m_server, ChainNode::Kind::Location, QStringLiteral("location /read-timeout"));
        const int slowPeer = child(g, readTimeout, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18083"));
        QCOMPARE(edgeBetween(g, readTimeout, slowPeer)->timeouts, QStringLiteral("connect 2s · read 1s"));
    }

    void healthyPeerHasRequestsAndNoFailures()
    {
        const ChainGraph &g = m_lab.graph;
        const int healthy =
            child(g, m_server, ChainNode::Kind::Location, QStringLiteral("location /healthy"));
        QVERIFY(healthy > 0);
        const int peer = child(g, healthy, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18081"));
        QVERIFY(peer > 0);
        const ChainNode &p = g.nodes[std::size_t(peer)];
        // The same address also serves /tls-to-plain and lab_retry: requests are routed by URI, not shared.
        QCOMPARE(p.requests, linesContaining("GET /healthy "));
        QCOMPARE(p.failures, std::uint64_t(0));
        QCOMPARE(p.dominantCause, Cause::None);
        const ChainEdge *e = edgeBetween(g, healthy, peer);
        QVERIFY(e);
        QCOMPARE(e->p95Ms, 7); // header times 1, 0, 0, 0, 0, 7 ms: the nearest rank is the largest

        const int tls =
            child(g, m_server, ChainNode::Kind::Location, QStringLiteral("location /tls-to-plain"));
        const int tlsPeer = child(g, tls, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18081"));
        QVERIFY(tlsPeer > 0 && tlsPeer != peer);
        QCOMPARE(g.nodes[std::size_t(tlsPeer)].failures, std::uint64_t(3));
        QCOMPARE(g.nodes[std::size_t(tlsPeer)].requests, linesContaining("GET /tls-to-plain "));
    }

    void noLiveUpstreamPeersAreMarkedDown()
    {
        const ChainGraph &g = m_lab.graph;
        const int location =
            child(g, m_server, ChainNode::Kind::Location, QStringLiteral("location /no-live"));
        const int upstream =
            child(g, location, ChainNode::Kind::Upstream, QStringLiteral("upstream lab_no_live"));
        QVERIFY(upstream > 0);
        const ChainNode &u = g.nodes[std::size_t(upstream)];
        QCOMPARE(u.dominantCause, Cause::NoLiveUpstreams);
        QCOMPARE(u.requests, linesContaining("GET /no-live "));
        QVERIFY(u.failures >= 5);
        QVERIFY(u.configIndex >= 0);
        for (const char *address : {"127.0.0.1:18092", "127.0.0.1:18093"}) {
            const int peer = child(g, upstream, ChainNode::Kind::Peer, QString::fromLatin1(address));
            QVERIFY(peer > 0);
            QVERIFY(g.nodes[std::size_t(peer)].markedDown);
            QVERIFY(!g.nodes[std::size_t(peer)].configuredDown);
            QVERIFY(g.nodes[std::size_t(peer)].detail.contains(QStringLiteral("max_fails=1")));
        }
        QVERIFY(edgeBetween(g, location, upstream)->timeouts.startsWith(QStringLiteral("connect 2s")));
    }

    void retriedAttemptsCountAtEachPeer()
    {
        const ChainGraph &g = m_lab.graph;
        const int location =
            child(g, m_server, ChainNode::Kind::Location, QStringLiteral("location /retry-then-ok"));
        const int upstream =
            child(g, location, ChainNode::Kind::Upstream, QStringLiteral("upstream lab_retry"));
        const int refusing = child(g, upstream, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18082"));
        const int healthy = child(g, upstream, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18081"));
        QVERIFY(refusing > 0 && healthy > 0);
        QCOMPARE(g.nodes[std::size_t(refusing)].failures, std::uint64_t(3));
        QCOMPARE(g.nodes[std::size_t(refusing)].requests,
                 std::uint64_t(3)); // attempts, although no request ended there
        QCOMPARE(g.nodes[std::size_t(healthy)].requests, linesContaining("GET /retry-then-ok "));
        QCOMPARE(g.nodes[std::size_t(healthy)].failures, std::uint64_t(0));

        // One backend in two groups: each group's peer gets its own location's requests.
        for (const auto &[path, group] : {std::pair{"/keepalive-race", "lab_keepalive"},
                                          std::pair{"/keepalive-retry", "lab_keepalive_retry"}}) {
            const int loc = child(g, m_server, ChainNode::Kind::Location,
                                  QStringLiteral("location ") + QLatin1StringView(path));
            const int up = child(g, loc, ChainNode::Kind::Upstream,
                                 QStringLiteral("upstream ") + QLatin1StringView(group));
            const int peer = child(g, up, ChainNode::Kind::Peer, QStringLiteral("127.0.0.1:18089"));
            QVERIFY(peer > 0);
            QCOMPARE(g.nodes[std::size_t(up)].requests, linesContaining(QByteArray(path) + ' '));
            QCOMPARE(g.nodes[std::size_t(peer)].dominantCause, Cause::KeepaliveRace);
        }
    }

    void nodesOfEveryFinding()
    {
        const ChainGraph &g = m_lab.graph;
        for (const Finding &f : m_lab.result.findings) {
            const std::vector<int> path = g.nodesOfFinding(f);
            QVERIFY2(path.size() >= 2, qPrintable(f.location));
            QCOMPARE(path.front(), m_server);
            QCOMPARE(g.nodes[std::size_t(path[1])].label, f.location);
            const ChainNode &last = g.nodes[std::size_t(path.back())];
            if (!f.peer.isEmpty())
                QCOMPARE(last.label, f.peer);
            else
                QCOMPARE(last.label, QStringLiteral("upstream ") + f.upstream);
            for (int n : path)
                QVERIFY(g.nodes[std::size_t(n)].failures >= f.count);
        }
    }

    void withoutConfigNodesComeFromFindingsAndLogs()
    {
        const Lab lab = loadLab(false);
        const ChainGraph &g = lab.graph;
        if (qEnvironmentVariableIsSet("GWB_DUMP_CHAIN"))
            qInfo().noquote() << dump(g);
        QCOMPARE(g.nodes.front().requests, std::uint64_t(67));
        QVERIFY(!g.nodes.empty());
        std::uint64_t failures = 0, requests = 0;
        bool refused = false;
        for (const ChainNode &n : g.nodes) {
            QVERIFY(n.configIndex < 0);
            if (n.kind != ChainNode::Kind::Peer)
                continue;
            failures += n.failures;
            requests += n.requests;
            if (n.label == QLatin1StringView("127.0.0.1:18082") && n.failures > 0)
                refused = n.dominantCause == Cause::BackendRefused;
        }
        QVERIFY2(refused, qPrintable(dump(g)));
        QVERIFY(requests > 0 && failures > 0);
        for (const Finding &f : lab.result.findings)
            QVERIFY(!g.nodesOfFinding(f).empty());
        for (const ChainNode &n : g.nodes)
            if (n.label == QLatin1StringView("127.0.0.1:18092") ||
                n.label == QLatin1StringView("127.0.0.1:18093"))
                QVERIFY(n.markedDown);
    }

    void emptyInvestigation()
    {
        const ChainGraph g = ChainGraph::build(Investigation{}, DiagnosisResult{});
        QCOMPARE(g.nodes.size(), std::size_t(1));
        QVERIFY(g.edges.empty());
        QVERIFY(g.nodesOfFinding(Finding{}).empty());
    }
};

QTEST_GUILESS_MAIN(TestChainGraph)
#include "tst_chaingraph.moc"
