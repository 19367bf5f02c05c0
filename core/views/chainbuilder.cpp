#include "chainbuilder.h"

#include <algorithm>

namespace gwb::detail {

ChainBuilder::ChainBuilder(const Investigation &inv, const DiagnosisResult &result)
    : m_inv(inv), m_result(result), m_config(inv.config ? &*inv.config : nullptr)
{
}

ChainGraph ChainBuilder::build()
{
    ChainNode client;
    client.kind = ChainNode::Kind::Client;
    client.label = QStringLiteral("clients");
    addNode(std::move(client));
    if (m_config)
        addConfig();
    addFindings();
    countRequests();
    markDown();
    finish();
    return std::move(m_graph);
}

int ChainBuilder::addNode(ChainNode node)
{
    m_graph.nodes.push_back(std::move(node));
    m_causes.emplace_back();
    return static_cast<int>(m_graph.nodes.size() - 1);
}

int ChainBuilder::edge(int from, int to)
{
    const auto key = std::make_pair(from, to);
    if (const auto it = m_edgeIndex.find(key); it != m_edgeIndex.end())
        return it->second;
    ChainEdge e;
    e.from = from;
    e.to = to;
    m_graph.edges.push_back(e);
    const int index = static_cast<int>(m_graph.edges.size() - 1);
    m_edgeIndex.emplace(key, index);
    return index;
}

// Without a config (or for failures nginx could not place in it) servers and locations are known by name
// only.
int ChainBuilder::namedServerNode(const QString &name)
{
    const QString label = name.isEmpty() ? QStringLiteral("(unknown server)") : name;
    const auto key = NodeKey(-1, QStringLiteral("server:") + label);
    if (const auto it = m_nodeIndex.find(key); it != m_nodeIndex.end())
        return it->second;
    ChainNode n;
    n.kind = ChainNode::Kind::Server;
    n.label = label;
    const int node = addNode(std::move(n));
    m_nodeIndex.emplace(key, node);
    edge(0, node);
    return node;
}

int ChainBuilder::namedLocationNode(int server, const QString &name)
{
    const auto key = NodeKey(server, QStringLiteral("location:") + name);
    if (const auto it = m_nodeIndex.find(key); it != m_nodeIndex.end())
        return it->second;
    ChainNode n;
    n.kind = ChainNode::Kind::Location;
    n.label = name;
    const int node = addNode(std::move(n));
    m_nodeIndex.emplace(key, node);
    edge(server, node);
    return node;
}

// Each finding marks the path its failures took; nodes it names that the config lacks are created.
void ChainBuilder::addFindings()
{
    for (const Finding &f : m_result.findings) {
        const bool configServer =
            m_config && f.serverIndex >= 0 && std::size_t(f.serverIndex) < m_config->servers.size();
        const int server = configServer ? serverNode(f.serverIndex) : namedServerNode(f.server);
        int location = -1;
        if (m_config && f.locationIndex >= 0 && std::size_t(f.locationIndex) < m_config->locations.size())
            location = locationNode(f.locationIndex);
        else if (!f.location.isEmpty())
            location = namedLocationNode(server, f.location);
        const int upstream = f.upstream.isEmpty() ? -1 : upstreamNode(f.upstream);
        const int parentOfUpstream = location >= 0 ? location : server;
        if (upstream >= 0)
            edge(parentOfUpstream, upstream);
        int peer = -1;
        if (!f.peer.isEmpty()) {
            const int parent = upstream >= 0 ? upstream : parentOfUpstream;
            const UpstreamServer *configured = nullptr;
            const int group = upstream >= 0 ? m_graph.nodes[std::size_t(upstream)].configIndex : -1;
            if (group >= 0)
                for (const UpstreamServer &s : m_config->upstreams[std::size_t(group)].servers)
                    if (s.address == f.peer)
                        configured = &s;
            peer = peerNode(parent, f.peer, configured);
        }
        addRoute(f.peer.isEmpty() ? f.upstream : f.peer, server, location, upstream, peer);

        int previous = 0;
        for (int node : {server, location, upstream, peer}) {
            if (node < 0)
                continue;
            m_graph.nodes[std::size_t(node)].failures += f.count;
            m_causes[std::size_t(node)][std::size_t(f.cause)] += f.count;
            m_graph.edges[std::size_t(edge(previous, node))].failures += f.count;
            previous = node;
        }
        m_graph.nodes[0].failures += f.count;
        m_causes[0][std::size_t(f.cause)] += f.count;
    }
}

void ChainBuilder::markDown()
{
    for (const Marker &m : m_result.markers) {
        if (m.kind != QLatin1StringView("peer-disabled") || m.peer.isEmpty())
            continue;
        for (ChainNode &n : m_graph.nodes)
            if (n.kind == ChainNode::Kind::Peer && n.label == m.peer)
                n.markedDown = true;
    }
}

// Route totals become node and edge figures; the most frequent cause colours each node.
void ChainBuilder::finish()
{
    // Header times per edge into a peer and per location → upstream edge, merged over the routes through it.
    std::map<int, LatencyHistogram> timesOfEdge;
    for (const Route &r : m_routes) {
        int previous = 0;
        for (int node : {r.server, r.location, r.upstream}) {
            if (node < 0)
                continue;
            if (node != r.server || !m_serversCountedByHost) {
                m_graph.nodes[std::size_t(node)].requests += r.requests;
                m_graph.edges[std::size_t(edge(previous, node))].requests += r.requests;
            }
            previous = node;
        }
        if (r.peer < 0)
            continue;
        m_graph.nodes[std::size_t(r.peer)].requests += r.attempts;
        const int e = edge(previous, r.peer);
        m_graph.edges[std::size_t(e)].requests += r.attempts;
        timesOfEdge[e].merge(*r.headerTimes);
        if (r.location >= 0 && r.upstream >= 0)
            timesOfEdge[edge(r.location, r.upstream)].merge(*r.headerTimes);
    }
    for (const auto &[e, hist] : timesOfEdge)
        m_graph.edges[std::size_t(e)].p95Ms = hist.percentiles(std::array<double, 1>{95.0})[0];
    for (ChainEdge &e : m_graph.edges)
        if (e.from == 0)
            e.requests = m_graph.nodes[std::size_t(e.to)].requests;
    for (std::size_t i = 0; i < m_graph.nodes.size(); ++i) {
        const auto &counts = m_causes[i];
        const auto top = std::max_element(counts.begin(), counts.end());
        if (*top > 0)
            m_graph.nodes[i].dominantCause = static_cast<Cause>(top - counts.begin());
    }
}

} // namespace gwb::detail
