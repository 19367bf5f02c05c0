#pragma once

#include "diagnosis/diagnosisresult.h"
#include "diagnosis/investigation.h"

#include <functional>
#include <vector>

namespace gwb {

// The client → server → location → upstream → peer chain of one nginx, built from the config and coloured
// by what the logs say. Rendered by the chain view and the reports.
struct ChainNode
{
    enum class Kind { Client, Server, Location, Upstream, Peer };
    Kind kind = Kind::Client;
    QString label;  // "lab.local:18080", "location /api", "upstream backend", "127.0.0.1:8081"
    QString detail; // effective timeouts, peer parameters, ...
    int configIndex = -1; // index into the ConfigModel vector of that kind (a peer: into its group's servers),
                          // -1 when not from the config
    // Client and servers (with a config: by Host): every request; locations and upstreams: requests passed
    // upstream; peers: attempts that reached them (a retried request counts at each peer it tried).
    std::uint64_t requests = 0;
    std::uint64_t failures = 0;
    Cause dominantCause = Cause::None;
    bool markedDown = false; // nginx disabled it (max_fails) in the window
    bool backup = false;
    bool configuredDown = false; // `down` in the config
    SourceLocation where;
    double errorRate() const { return requests ? double(failures) / double(requests) : (failures ? 1.0 : 0.0); }
};

struct ChainEdge
{
    int from = -1, to = -1; // node indices
    std::uint64_t requests = 0, failures = 0;
    std::int32_t p95Ms = -1;  // upstream time p95 on location → peer edges
    QString timeouts;         // "connect 60s · read 1s" on location → upstream/peer edges
};

struct ChainGraph
{
    std::vector<ChainNode> nodes;
    std::vector<ChainEdge> edges;

    static ChainGraph build(const Investigation &inv, const DiagnosisResult &result);
    // Nodes on the path of a finding (its server, location, upstream, peer), for highlighting.
    std::vector<int> nodesOfFinding(const Finding &f) const;
    // The first node of `kind` that an edge from `parent` reaches and `match` accepts; -1 when none.
    int childOf(int parent, ChainNode::Kind kind, const std::function<bool(const ChainNode &)> &match) const;
};

} // namespace gwb
