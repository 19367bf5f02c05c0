#include "chaingraph.h"

#include "chainbuilder.h"

namespace gwb {

ChainGraph ChainGraph::build(const Investigation &inv, const DiagnosisResult &result)
{
    return detail::ChainBuilder(inv, result).build();
}

int ChainGraph::childOf(int parent, ChainNode::Kind kind,
                        const std::function<bool(const ChainNode &)> &match) const
{
    for (const ChainEdge &e : edges) {
        if (e.from != parent)
            continue;
        const ChainNode &n = nodes[std::size_t(e.to)];
        if (n.kind == kind && match(n))
            return e.to;
    }
    return -1;
}

// Walks the graph the way ChainBuilder laid the finding's path down, without keeping a finding → nodes table
// (the graph stays a plain value the views can copy).
std::vector<int> ChainGraph::nodesOfFinding(const Finding &f) const
{
    std::vector<int> out;
    const QString serverName = f.server.isEmpty() ? QStringLiteral("(unknown server)") : f.server;
    const int server = childOf(0, ChainNode::Kind::Server, [&](const ChainNode &n) {
        return f.serverIndex >= 0 ? n.configIndex == f.serverIndex
                                  : n.configIndex < 0 && n.label == serverName;
    });
    if (server < 0)
        return out;
    out.push_back(server);
    const int location = childOf(server, ChainNode::Kind::Location, [&](const ChainNode &n) {
        return f.locationIndex >= 0 ? n.configIndex == f.locationIndex
                                    : n.configIndex < 0 && n.label == f.location;
    });
    if (location >= 0)
        out.push_back(location);
    const int above = location >= 0 ? location : server;
    int upstream = -1;
    if (!f.upstream.isEmpty()) {
        const QString label = QStringLiteral("upstream ") + f.upstream;
        upstream =
            childOf(above, ChainNode::Kind::Upstream, [&](const ChainNode &n) { return n.label == label; });
        if (upstream >= 0)
            out.push_back(upstream);
    }
    if (!f.peer.isEmpty()) {
        const int peer = childOf(upstream >= 0 ? upstream : above, ChainNode::Kind::Peer,
                                 [&](const ChainNode &n) { return n.label == f.peer; });
        if (peer >= 0)
            out.push_back(peer);
    }
    return out;
}

} // namespace gwb
