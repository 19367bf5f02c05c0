#include "svgtimeline.h"

#include "svgwriter.h"

#include "common/wallclock.h"

#include <QTextStream>

#include <algorithm>

namespace gwb {

namespace {

constexpr int kLeft = 56, kRight = 56, kTop = 16, kPlot = 200, kAxis = 40, kLegendRow = 18;

// 1, 2, 5 × 10^n at or above `v`, so axis ticks read well.
double niceCeil(double v)
{
    if (v <= 1)
        return 1;
    double base = 1;
    while (base * 10 < v)
        base *= 10;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (base * m >= v)
            return base * m;
    return base * 10;
}

QString tickLabel(TimeMs t, qint64 binMs, bool sameDay)
{
    const QString full = formatWallClock(t); // "2026-11-24T12:28:46"
    if (binMs >= 86'400'000)
        return full.left(10);
    if (!sameDay)
        return full.mid(5, 11).replace(QLatin1Char('T'), QLatin1Char(' '));
    return binMs < 60'000 ? full.mid(11, 8) : full.mid(11, 5);
}

} // namespace

QString timelineSvg(const TimelineIndex &index, int width, int maxBins)
{
    QString s;
    QTextStream out(&s);
    if (index.isEmpty()) {
        out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"40\" viewBox=\"0 0 "
            << width << " 40\" role=\"img\"><text x=\"8\" y=\"24\" font-family=\"sans-serif\" font-size=\"13\">"
            << "No timed events in the window.</text></svg>";
        return s;
    }
    const qint64 binMs = TimelineIndex::binSizeFor(index.first(), index.last() + 1, maxBins);
    const TimeMs from = TimelineIndex::alignDown(index.first(), binMs);
    const TimeMs to = TimelineIndex::alignDown(index.last(), binMs) + binMs;
    const std::vector<TimelineBin> bins = index.bins(from, to, binMs);

    // Causes ranked by failures, so the biggest keeps the strongest colour and the bottom of the stack.
    std::array<std::uint64_t, kCauseCount> totals{};
    std::uint32_t maxStack = 0;
    for (const TimelineBin &b : bins) {
        for (int c = 0; c < kCauseCount; ++c)
            totals[std::size_t(c)] += b.failuresByCause[std::size_t(c)];
        maxStack = std::max(maxStack, b.failures());
    }
    std::vector<int> ranked;
    for (int c = 0; c < kCauseCount; ++c)
        if (totals[std::size_t(c)])
            ranked.push_back(c);
    std::ranges::stable_sort(ranked, [&](int a, int b) { return totals[std::size_t(a)] > totals[std::size_t(b)]; });

    const int legendRows = int((ranked.size() + 1 + 3) / 4); // four entries per row, plus the 5xx line
    const int height = kTop + kPlot + kAxis + legendRows * kLegendRow + 8;
    const double plotW = width - kLeft - kRight;
    const double barW = plotW / double(std::max<std::size_t>(1, bins.size()));
    const double yMax = niceCeil(maxStack);
    auto yOf = [&](double v) { return kTop + kPlot - v / yMax * kPlot; };
    const bool sameDay = formatWallClock(from).left(10) == formatWallClock(to - 1).left(10);

    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
        << "<title>Failures per cause over time, bins of " << svg::num(double(binMs) / 1000.0) << " s</title>"
        << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#ffffff\"/>";
    // Grid and left axis (failures per bin).
    for (int i = 0; i <= 4; ++i) {
        const double v = yMax * i / 4.0, y = yOf(v);
        out << "<line x1=\"" << kLeft << "\" y1=\"" << svg::num(y) << "\" x2=\"" << svg::num(kLeft + plotW) << "\" y2=\""
            << svg::num(y) << "\" stroke=\"#e6e6e6\"/>"
            << "<text x=\"" << kLeft - 6 << "\" y=\"" << svg::num(y + 4) << "\" text-anchor=\"end\">" << svg::num(v)
            << "</text>"
            << "<text x=\"" << svg::num(kLeft + plotW + 6) << "\" y=\"" << svg::num(y + 4) << "\">" << i * 25
            << "%</text>";
    }
    out << "<text x=\"12\" y=\"" << kTop + kPlot / 2 << "\" transform=\"rotate(-90 12 " << kTop + kPlot / 2
        << ")\" text-anchor=\"middle\">failures per bin</text>"
        << "<text x=\"" << width - 10 << "\" y=\"" << kTop + kPlot / 2 << "\" transform=\"rotate(90 " << width - 10 << ' '
        << kTop + kPlot / 2 << ")\" text-anchor=\"middle\">5xx share of requests</text>";

    // Stacked bars.
    for (std::size_t i = 0; i < bins.size(); ++i) {
        double base = 0;
        const double x = kLeft + double(i) * barW + (barW > 4 ? 1 : 0);
        const double w = std::max(0.5, barW - (barW > 4 ? 2 : 0));
        for (std::size_t r = 0; r < ranked.size(); ++r) {
            const std::uint32_t n = bins[i].failuresByCause[std::size_t(ranked[r])];
            if (!n)
                continue;
            const double y0 = yOf(base), y1 = yOf(base + n);
            out << "<rect x=\"" << svg::num(x) << "\" y=\"" << svg::num(y1) << "\" width=\"" << svg::num(w)
                << "\" height=\"" << svg::num(y0 - y1) << "\" fill=\"" << causeColourHex(Cause(ranked[r])) << "\"><title>"
                << svg::escape(causeId(Cause(ranked[r]))) << ": " << n << "</title></rect>";
            base += n;
        }
    }
    // 5xx share line, only through bins that had requests (no invented zeros).
    QString points;
    for (std::size_t i = 0; i < bins.size(); ++i) {
        if (!bins[i].requests)
            continue;
        const double share = double(bins[i].serverErrors) / double(bins[i].requests);
        points += svg::num(kLeft + (double(i) + 0.5) * barW) + QLatin1Char(',') +
                  svg::num(kTop + kPlot - share * kPlot) + QLatin1Char(' ');
    }
    if (!points.isEmpty())
        out << "<polyline points=\"" << points.trimmed() << "\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.5\""
            << " stroke-dasharray=\"4 2\"/>";
    // Markers: reloads and peers nginx took out of rotation.
    for (const Marker &m : index.markers()) {
        if (m.timeMs < from || m.timeMs >= to)
            continue;
        const double x = kLeft + double(m.timeMs - from) / double(to - from) * plotW;
        out << "<line x1=\"" << svg::num(x) << "\" y1=\"" << kTop << "\" x2=\"" << svg::num(x) << "\" y2=\""
            << kTop + kPlot << "\" stroke=\"#555555\" stroke-dasharray=\"2 3\"><title>" << svg::escape(m.kind) << ' '
            << svg::escape(m.peer) << ' ' << formatWallClock(m.timeMs) << "</title></line>";
    }
    // Time axis.
    out << "<line x1=\"" << kLeft << "\" y1=\"" << kTop + kPlot << "\" x2=\"" << svg::num(kLeft + plotW) << "\" y2=\""
        << kTop + kPlot << "\" stroke=\"#333333\"/>";
    const std::size_t step = std::max<std::size_t>(1, bins.size() / 8);
    for (std::size_t i = 0; i < bins.size(); i += step) {
        const double x = kLeft + double(i) * barW;
        out << "<line x1=\"" << svg::num(x) << "\" y1=\"" << kTop + kPlot << "\" x2=\"" << svg::num(x) << "\" y2=\""
            << kTop + kPlot + 4 << "\" stroke=\"#333333\"/><text x=\"" << svg::num(x) << "\" y=\"" << kTop + kPlot + 16
            << "\" text-anchor=\"middle\">" << svg::escape(tickLabel(bins[i].start, binMs, sameDay)) << "</text>";
    }
    // Legend.
    const int legendTop = kTop + kPlot + kAxis;
    auto legendAt = [&](int k) { return std::pair{kLeft + (k % 4) * int(plotW / 4), legendTop + (k / 4) * kLegendRow}; };
    for (std::size_t r = 0; r < ranked.size(); ++r) {
        const auto [x, y] = legendAt(int(r));
        out << "<rect x=\"" << x << "\" y=\"" << y - 9 << "\" width=\"10\" height=\"10\" fill=\"" << causeColourHex(Cause(ranked[r]))
            << "\"/><text x=\"" << x + 14 << "\" y=\"" << y << "\">" << svg::escape(causeId(Cause(ranked[r]))) << " ("
            << totals[std::size_t(ranked[r])] << ")</text>";
    }
    const auto [lx, ly] = legendAt(int(ranked.size()));
    out << "<line x1=\"" << lx << "\" y1=\"" << ly - 4 << "\" x2=\"" << lx + 10 << "\" y2=\"" << ly - 4
        << "\" stroke=\"#222222\" stroke-dasharray=\"4 2\"/><text x=\"" << lx + 14 << "\" y=\"" << ly
        << "\">5xx share</text></svg>";
    return s;
}

} // namespace gwb
