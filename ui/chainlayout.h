#pragma once

#include "views/chaingraph.h"

#include <map>
#include <vector>

namespace gwb {

// Where each box of the chain goes. Nodes are placed in five columns; healthy locations, upstreams and
// peers fold into one summary box per column when a column would otherwise hold more than `foldAbove`.
struct ChainLayout
{
    struct Box
    {
        int node = -1;            // ChainGraph node, -1 for a summary
        ChainNode::Kind kind{};
        int column = 0, row = 0;
        int foldedCount = 0;      // summaries only
        std::uint64_t foldedRequests = 0;
    };
    struct Link
    {
        int fromBox = -1, toBox = -1;
        std::uint64_t requests = 0, failures = 0;
        std::int32_t p95Ms = -1;
        QString timeouts;
    };
    std::vector<Box> boxes;
    std::vector<Link> links;
    int rows = 0; // tallest column

    static ChainLayout build(const ChainGraph &graph, int foldAbove, const std::vector<int> &keepVisible);
};

} // namespace gwb
