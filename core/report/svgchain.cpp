#include "svgchain.h"

#include "svgwriter.h"

#include <QTextStream>

#include <algorithm>
#include <array>

namespace gwb {

namespace {

constexpr int kColumns = 5, kBoxW = 168, kBoxH = 46, kGapX = 30, kGapY = 12, kMargin = 12, kHeader = 22;

const std::array<const char *, kColumns> kColumnTitles{"client", "server", "location", "upstream", "peer"};

QString rateText(const ChainNode &n)
{
    if (!n.requests && !n.failures)
        return QStringLiteral("no traffic");
    const double pct = n.errorRate() * 100.0;
    return QStringLiteral("%1 fail / %2 req (%3%)").arg(n.failures).arg(n.requests).arg(svg::num(pct));
}

} // namespace

QString chainSvg(const ChainGraph &graph, int maxPerColumn)
{
    // Column membership and, per column, which nodes are drawn.
    std::array<std::vector<int>, kColumns> columns;
    for (int i = 0; i < int(graph.nodes.size()); ++i)
        columns[std::size_t(graph.nodes[std::size_t(i)].kind)].push_back(i);
    std::array<int, kColumns> hidden{};
    for (std::size_t c = 0; c < columns.size(); ++c) {
        auto &col = columns[c];
        if (int(col.size()) <= maxPerColumn)
            continue;
        std::ranges::stable_sort(col, [&](int a, int b) {
            const ChainNode &x = graph.nodes[std::size_t(a)], &y = graph.nodes[std::size_t(b)];
            return x.failures != y.failures ? x.failures > y.failures : x.requests > y.requests;
        });
        hidden[c] = int(col.size()) - maxPerColumn;
        col.resize(std::size_t(maxPerColumn));
        std::ranges::sort(col); // back to build order, which follows the config
    }
    std::vector<std::pair<double, double>> pos(graph.nodes.size(), {-1.0, -1.0});
    std::size_t rows = 1;
    for (const auto &col : columns)
        rows = std::max(rows, col.size() + 1); // +1: room for the "+N more" note
    const int width = kMargin * 2 + kColumns * kBoxW + (kColumns - 1) * kGapX;
    const int height = kMargin * 2 + kHeader + int(rows) * (kBoxH + kGapY);
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto &col = columns[c];
        // Centre each column vertically so short columns line up with the middle of long ones.
        const double colH = double(col.size()) * (kBoxH + kGapY);
        const double top = kMargin + kHeader + (double(height - kMargin * 2 - kHeader) - colH) / 2.0;
        for (std::size_t r = 0; r < col.size(); ++r)
            pos[std::size_t(col[r])] = {kMargin + double(c) * (kBoxW + kGapX), top + double(r) * (kBoxH + kGapY)};
    }

    QString s;
    QTextStream out(&s);
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
        << "<title>Request chain coloured by error rate</title>"
        << "<defs><marker id=\"gwb-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\""
        << " orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555555\"/></marker></defs>"
        << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#ffffff\"/>";
    for (int c = 0; c < kColumns; ++c)
        out << "<text x=\"" << kMargin + c * (kBoxW + kGapX) + kBoxW / 2 << "\" y=\"" << kMargin + 12
            << "\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#444444\">" << kColumnTitles[std::size_t(c)]
            << "</text>";
    for (const ChainEdge &e : graph.edges) {
        if (e.from < 0 || e.to < 0 || std::size_t(e.from) >= pos.size() || std::size_t(e.to) >= pos.size())
            continue;
        const auto [x0, y0] = pos[std::size_t(e.from)];
        const auto [x1, y1] = pos[std::size_t(e.to)];
        if (x0 < 0 || x1 < 0)
            continue;
        const double rate = e.requests ? double(e.failures) / double(e.requests) : (e.failures ? 1.0 : 0.0);
        const QString colour = e.failures ? svg::rateColour(rate) : QStringLiteral("#9a9a9a");
        const double sx = x0 + kBoxW, sy = y0 + kBoxH / 2.0, ex = x1, ey = y1 + kBoxH / 2.0;
        out << "<path d=\"M " << svg::num(sx) << ' ' << svg::num(sy) << " C " << svg::num(sx + kGapX / 2.0) << ' '
            << svg::num(sy) << ", " << svg::num(ex - kGapX / 2.0) << ' ' << svg::num(ey) << ", " << svg::num(ex) << ' '
            << svg::num(ey) << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\""
            << (e.failures ? "2.5" : "1.2") << "\" marker-end=\"url(#gwb-arrow)\"><title>" << e.failures << " / "
            << e.requests << ' ' << svg::escape(e.timeouts) << "</title></path>";
    }
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
        const auto [x, y] = pos[i];
        if (x < 0)
            continue;
        const ChainNode &n = graph.nodes[i];
        const bool traffic = n.requests || n.failures;
        out << "<g><title>" << svg::escape(n.label) << '\n' << svg::escape(n.detail) << "</title>"
            << "<rect x=\"" << svg::num(x) << "\" y=\"" << svg::num(y) << "\" width=\"" << kBoxW << "\" height=\"" << kBoxH
            << "\" rx=\"6\" fill=\"" << svg::rateColour(n.errorRate(), traffic) << "\" stroke=\""
            << (n.markedDown || n.configuredDown ? "#b00020" : "#555555") << "\" stroke-width=\""
            << (n.markedDown ? "2.5" : "1") << "\"" << (n.backup ? " stroke-dasharray=\"5 3\"" : "") << "/>"
            << "<text x=\"" << svg::num(x + 8) << "\" y=\"" << svg::num(y + 18) << "\" font-weight=\"bold\">"
            << svg::escape(svg::elide(n.label, 26)) << "</text>"
            << "<text x=\"" << svg::num(x + 8) << "\" y=\"" << svg::num(y + 35) << "\">"
            << svg::escape(svg::elide(rateText(n), 30)) << "</text></g>";
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (!hidden[c])
            continue;
        out << "<text x=\"" << kMargin + int(c) * (kBoxW + kGapX) + kBoxW / 2 << "\" y=\"" << height - kMargin
            << "\" text-anchor=\"middle\" fill=\"#444444\">+" << hidden[c] << " more with fewer failures</text>";
    }
    out << "</svg>";
    return s;
}

} // namespace gwb
