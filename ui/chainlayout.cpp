#include "chainlayout.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace gwb {

namespace {

bool isHealthy(const ChainNode &n)
{
    return n.failures == 0 && !n.markedDown && !n.configuredDown;
}

bool foldable(ChainNode::Kind k)
{
    return k == ChainNode::Kind::Location || k == ChainNode::Kind::Upstream || k == ChainNode::Kind::Peer;
}

} // namespace

ChainLayout ChainLayout::build(const ChainGraph &graph, int foldAbove, const std::vector<int> &keepVisible)
{
    ChainLayout out;
    const int n = int(graph.nodes.size());
    std::array<int, 5> perColumn{};
    for (const ChainNode &node : graph.nodes)
        ++perColumn[std::size_t(node.kind)];

    // node → box; folded nodes share their column's summary box
    std::vector<int> boxOf(std::size_t(n), -1);
    std::array<int, 5> summaryBox = {-1, -1, -1, -1, -1};
    for (int i = 0; i < n; ++i) {
        const ChainNode &node = graph.nodes[std::size_t(i)];
        const auto col = std::size_t(node.kind);
        const bool keep = std::find(keepVisible.begin(), keepVisible.end(), i) != keepVisible.end();
        if (foldable(node.kind) && perColumn[col] > foldAbove && isHealthy(node) && !keep) {
            if (summaryBox[col] < 0) {
                summaryBox[col] = int(out.boxes.size());
                out.boxes.push_back({-1, node.kind, int(col), 0, 0, 0});
            }
            Box &s = out.boxes[std::size_t(summaryBox[col])];
            ++s.foldedCount;
            s.foldedRequests += node.requests;
            boxOf[std::size_t(i)] = summaryBox[col];
            continue;
        }
        boxOf[std::size_t(i)] = int(out.boxes.size());
        out.boxes.push_back({i, node.kind, int(col), 0, 0, 0});
    }

    std::map<std::pair<int, int>, std::size_t> linkIndex;
    for (const ChainEdge &e : graph.edges) {
        if (e.from < 0 || e.to < 0 || e.from >= n || e.to >= n)
            continue;
        const int a = boxOf[std::size_t(e.from)], b = boxOf[std::size_t(e.to)];
        auto [it, inserted] = linkIndex.try_emplace({a, b}, out.links.size());
        if (inserted)
            out.links.push_back({a, b, 0, 0, e.p95Ms, e.timeouts});
        Link &l = out.links[it->second];
        l.requests += e.requests;
        l.failures += e.failures;
        if (!inserted) // a merged link has no single p95 or timeout set
            l.p95Ms = std::max(l.p95Ms, e.p95Ms);
    }

    // Order each column by the mean row of what feeds it (one barycentre pass left to right): few crossings
    // without a full layered-graph solver. Summaries go last.
    std::vector<double> key(out.boxes.size(), 0.0);
    for (int col = 0; col < 5; ++col) {
        std::vector<int> members;
        for (int b = 0; b < int(out.boxes.size()); ++b)
            if (out.boxes[std::size_t(b)].column == col)
                members.push_back(b);
        for (int b : members) {
            double sum = 0;
            int count = 0;
            for (const Link &l : out.links)
                if (l.toBox == b && out.boxes[std::size_t(l.fromBox)].column < col) {
                    sum += out.boxes[std::size_t(l.fromBox)].row;
                    ++count;
                }
            key[std::size_t(b)] = out.boxes[std::size_t(b)].node < 0 ? 1e9 : (count ? sum / count : b * 1e-6);
        }
        std::stable_sort(members.begin(), members.end(), [&key](int x, int y) { return key[std::size_t(x)] < key[std::size_t(y)]; });
        for (int r = 0; r < int(members.size()); ++r)
            out.boxes[std::size_t(members[std::size_t(r)])].row = r;
        out.rows = std::max(out.rows, int(members.size()));
    }
    return out;
}

} // namespace gwb
