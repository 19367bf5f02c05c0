#pragma once

// Internal to ChainGraph::build: assembles the graph in three passes (config, findings, traffic).

#include "chaingraph.h"
#include "diagnosis/findingbuilder.h"
#include "latencyhistogram.h"

#include <QHash>
#include <map>
#include <memory>

namespace gwb::detail {

class ChainBuilder
{
public:
    ChainBuilder(const Investigation &inv, const DiagnosisResult &result);
    ChainGraph build();

private:
    // One way a request can take to a peer address: node indices, -1 where the path has no such step.
    struct Route
    {
        int server = -1, location = -1, upstream = -1, peer = -1;
        std::uint64_t requests = 0;                    // requests whose last attempt took this route
        std::uint64_t attempts = 0;                    // attempts that reached the peer through this route
        std::unique_ptr<LatencyHistogram> headerTimes; // per attempt; only routes that end at a peer
    };

    // chaingraph_config.cpp
    void addConfig();
    int serverNode(int configIndex);
    int locationNode(int configIndex);
    int upstreamNode(const QString &name);
    int peerNode(int parent, const QString &address, const UpstreamServer *configured = nullptr);
    void addRoute(const QString &address, int server, int location, int upstream, int peer);
    QString timeoutsOf(int location) const;

    // chainbuilder.cpp
    int addNode(ChainNode node);
    int edge(int from, int to);
    int namedServerNode(const QString &name);
    int namedLocationNode(int server, const QString &name);
    void addFindings();
    void markDown();
    void finish();

    // chaingraph_traffic.cpp
    void countRequests();
    void countLog(std::size_t log, FindingBuilder *router);
    void countSlowly(std::size_t log, const AccessEvent &e, FindingBuilder *router);
    int routeFor(const QString &address, int locationNode);
    void addAttempt(int route, std::int32_t headerMs);

    const Investigation &m_inv;
    const DiagnosisResult &m_result;
    const ConfigModel *m_config;
    ChainGraph m_graph;
    std::vector<std::array<std::uint64_t, kCauseCount>> m_causes; // per node
    std::map<std::pair<int, int>, int> m_edgeIndex;
    using NodeKey = std::pair<int, QString>; // (parent node, or -1 server / -2 upstream; kind:name)
    std::map<NodeKey, int> m_nodeIndex;
    std::vector<Route> m_routes;
    QHash<QString, std::vector<int>> m_routesOfAddress;
    std::vector<int> m_serverNodeOfConfig, m_locationNodeOfConfig; // config index → node, -1 when none
    bool m_serversCountedByHost = false; // with a config every request is routed to a server by its Host
};

} // namespace gwb::detail
