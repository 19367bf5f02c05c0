#include "timelineview.h"

#include "causecolors.h"
#include "common/wallclock.h"
#include "selectionstate.h"
#include "timelinechartview.h"

#include <QAreaSeries>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

namespace gwb {

TimelineView::TimelineView(SelectionState *selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    m_chartView = new TimelineChartView(this);
    m_chartView->setObjectName(QStringLiteral("timelineChart"));
    m_info = new QLabel(this);
    m_info->setTextFormat(Qt::PlainText);
    auto *reset = new QPushButton(tr("Reset zoom"), this);
    reset->setToolTip(tr("Show the whole investigation (Esc)"));
    auto *selectVisible = new QPushButton(tr("Filter to visible range"), this);
    selectVisible->setToolTip(tr("Restrict the other views to the time range shown here (Shift+drag selects "
                                 "a range; drag zooms; Ctrl+drag or middle drag pans; wheel zooms)"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_info, 1);
    bar->addWidget(selectVisible);
    bar->addWidget(reset);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_chartView, 1);

    connect(reset, &QPushButton::clicked, this, &TimelineView::resetZoom);
    connect(selectVisible, &QPushButton::clicked, this, [this] { selectRange(m_from, m_to); });
    connect(m_chartView, &TimelineChartView::resetRequested, this, &TimelineView::resetZoom);
    connect(m_chartView, &TimelineChartView::zoomRequested, this, &TimelineView::setVisibleRange);
    connect(m_chartView, &TimelineChartView::rangeSelected, this, &TimelineView::selectRange);
    connect(m_chartView, &TimelineChartView::clickedAt, this, [this](TimeMs t) {
        const TimeMs start = m_from + (t - m_from) / m_binMs * m_binMs;
        selectRange(start, start + m_binMs);
    });
    connect(m_chartView, &TimelineChartView::wheelZoom, this, [this](TimeMs anchor, double factor) {
        const auto from = TimeMs(double(anchor) - double(anchor - m_from) * factor);
        const auto to = TimeMs(double(anchor) + double(m_to - anchor) * factor);
        setVisibleRange(from, to);
    });
    connect(m_chartView, &TimelineChartView::panBy, this,
            [this](TimeMs delta) { setVisibleRange(m_from + delta, m_to + delta); });
    connect(m_chartView, &TimelineChartView::hoveredAt, this, &TimelineView::showHover);
    connect(m_selection, &SelectionState::changed, this, &TimelineView::rebuild);
    rebuild();
}

void TimelineView::setSession(SessionPtr session)
{
    m_session = std::move(session);
    resetZoom();
}

void TimelineView::resetZoom()
{
    if (!m_session || m_session->timeline.isEmpty()) {
        m_from = m_to = 0;
        rebuild();
        return;
    }
    // A little room on both sides so that the first and last bins are not glued to the axes.
    const TimeMs first = m_session->timeline.first(), last = m_session->timeline.last();
    const TimeMs pad = std::max<TimeMs>(1000, (last - first) / 50);
    setVisibleRange(first - pad, last + pad);
}

void TimelineView::setVisibleRange(TimeMs from, TimeMs to)
{
    if (to - from < 2000) { // below one-second bins there is nothing more to see
        const TimeMs mid = (from + to) / 2;
        from = mid - 1000;
        to = mid + 1000;
    }
    m_from = from;
    m_to = to;
    rebuild();
}

void TimelineView::selectRange(TimeMs from, TimeMs to)
{
    m_selection->setTimeRange(from, to);
}

// QChartView::setChart() hands the previous chart back without deleting it: every zoom would leak one.
void TimelineView::showChart(QChart *chart)
{
    QChart *previous = m_chartView->chart();
    m_chartView->setChart(chart);
    if (previous != chart)
        delete previous;
}

void TimelineView::rebuild()
{
    auto *chart = new QChart;
    chart->setTheme(isDarkPalette(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(palette().color(QPalette::Base));
    chart->setPlotAreaBackgroundVisible(false);
    chart->legend()->setAlignment(Qt::AlignRight); // many causes: a column keeps their names whole
    chart->legend()->setLabelColor(palette().color(QPalette::Text));
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_filter = m_selection->timelineFilter();
    m_bins.clear();
    if (!m_session || m_session->timeline.isEmpty() || m_to <= m_from) {
        chart->setTitle(tr("No timed events in this investigation"));
        showChart(chart);
        m_info->clear();
        return;
    }
    m_binMs = TimelineIndex::binSizeFor(m_from, m_to);
    // The axis spans whole bins and its ticks fall on bin edges: evenly spaced QDateTimeAxis ticks over an
    // unaligned range would print rounded labels that do not match the bars.
    const TimeMs alignedFrom = m_from - ((m_from % m_binMs) + m_binMs) % m_binMs;
    qint64 binCount = std::max<qint64>(1, (m_to - alignedFrom + m_binMs - 1) / m_binMs);
    int intervals = 0;
    for (int d : {6, 5, 4, 7, 8, 3})
        if (binCount % d == 0 && binCount / d >= 1) {
            intervals = d;
            break;
        }
    if (!intervals) {
        intervals = binCount < 6 ? int(binCount) : 6;
        binCount = (binCount + intervals - 1) / intervals * intervals;
    }
    const TimeMs alignedTo = alignedFrom + binCount * m_binMs;
    m_bins = m_session->timeline.bins(alignedFrom, alignedTo, m_binMs, m_filter);
    if (m_bins.size() > 1)
        m_binMs = m_bins[1].start - m_bins[0].start; // the index may widen bins to stay under its maximum

    auto *x = new QDateTimeAxis;
    const qint64 span = alignedTo - alignedFrom;
    x->setFormat(span > 2LL * 86'400'000 ? QStringLiteral("MM-dd HH:mm")
                                         : (m_binMs >= 60'000 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss")));
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(TimelineChartView::toChartX(alignedFrom))),
                QDateTime::fromMSecsSinceEpoch(qint64(TimelineChartView::toChartX(alignedTo))));
    x->setTickCount(intervals + 1);
    x->setTitleText(tr("time on the nginx host"));
    auto *y = new QValueAxis;
    y->setTitleText(m_binMs >= 60'000 ? tr("failures per %1 min").arg(double(m_binMs) / 60'000.0)
                                      : tr("failures per %1 s").arg(double(m_binMs) / 1000.0));
    y->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    std::uint32_t maxY = 0;
    addCauseSeries(chart, x, y, maxY);
    y->setRange(0, std::max<std::uint32_t>(1, maxY) * 1.1);
    y->applyNiceNumbers();
    addLineSeries(chart, x);
    addMarkers(chart, x, y, maxY);
    showChart(chart);

    std::uint64_t failures = 0, requests = 0;
    for (const TimelineBin &b : m_bins) {
        failures += b.failures();
        requests += b.requests;
    }
    const int tz = m_session->result.tzOffsetMinutes;
    m_info->setText(tr("%1 – %2 · bins of %3 s · %4 failures, %5 requests")
                        .arg(formatWallClock(m_from, tz), formatWallClock(m_to, tz))
                        .arg(double(m_binMs) / 1000.0)
                        .arg(failures)
                        .arg(requests));
}

void TimelineView::addCauseSeries(QChart *chart, QDateTimeAxis *x, QValueAxis *y, std::uint32_t &maxY)
{
    std::array<std::uint64_t, kCauseCount> totals{};
    for (const TimelineBin &b : m_bins)
        for (int c = 0; c < kCauseCount; ++c)
            totals[std::size_t(c)] += b.failuresByCause[std::size_t(c)];
    std::vector<int> causes;
    for (int c = 0; c < kCauseCount; ++c)
        if (totals[std::size_t(c)])
            causes.push_back(c);
    std::sort(causes.begin(), causes.end(), [&totals](int a, int b) { return totals[std::size_t(a)] > totals[std::size_t(b)]; });

    std::vector<std::uint32_t> base(m_bins.size(), 0);
    for (int c : causes) {
        auto *lower = new QLineSeries;
        auto *upper = new QLineSeries;
        for (std::size_t i = 0; i < m_bins.size(); ++i) {
            const qreal x0 = TimelineChartView::toChartX(m_bins[i].start);
            const qreal x1 = TimelineChartView::toChartX(m_bins[i].start + m_binMs);
            const std::uint32_t top = base[i] + m_bins[i].failuresByCause[std::size_t(c)];
            // Steps, not slopes: a bin's count belongs to its whole width.
            lower->append(x0, base[i]);
            lower->append(x1, base[i]);
            upper->append(x0, top);
            upper->append(x1, top);
            base[i] = top;
            maxY = std::max(maxY, top);
        }
        auto *area = new QAreaSeries(upper, lower);
        upper->setParent(area); // QAreaSeries does not own its boundaries
        lower->setParent(area);
        area->setName(QString(causeId(static_cast<Cause>(c))));
        const QColor color = causeColor(static_cast<Cause>(c));
        area->setColor(color);
        area->setBorderColor(color.darker(120));
        chart->addSeries(area);
        area->attachAxis(x);
        area->attachAxis(y);
    }
}

void TimelineView::addLineSeries(QChart *chart, QDateTimeAxis *x)
{
    auto *ratioAxis = new QValueAxis;
    ratioAxis->setRange(0, 100);
    ratioAxis->setLabelFormat(QStringLiteral("%d%%"));
    ratioAxis->setTitleText(tr("5xx ratio"));
    auto *msAxis = new QValueAxis;
    msAxis->setTitleText(tr("upstream time (ms)"));
    msAxis->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(ratioAxis, Qt::AlignRight);
    chart->addAxis(msAxis, Qt::AlignRight);

    auto *ratio = new QLineSeries;
    ratio->setName(tr("5xx ratio"));
    ratio->setPen(QPen(palette().color(QPalette::Text), 2));
    std::array<QLineSeries *, 3> pct = {new QLineSeries, new QLineSeries, new QLineSeries};
    const std::array<QString, 3> names = {tr("p50"), tr("p95"), tr("p99")};
    const std::array<Qt::PenStyle, 3> styles = {Qt::DotLine, Qt::DashLine, Qt::SolidLine};
    std::int32_t maxMs = 0;
    for (const TimelineBin &b : m_bins) {
        const qreal mid = TimelineChartView::toChartX(b.start + m_binMs / 2);
        if (b.requests)
            ratio->append(mid, 100.0 * b.serverErrors / b.requests);
        const std::array<std::int32_t, 3> v = {b.p50Ms, b.p95Ms, b.p99Ms};
        for (std::size_t i = 0; i < 3; ++i)
            if (v[i] >= 0) {
                pct[i]->append(mid, v[i]);
                maxMs = std::max(maxMs, v[i]);
            }
    }
    msAxis->setRange(0, std::max(10, maxMs) * 1.1);
    msAxis->applyNiceNumbers();
    chart->addSeries(ratio);
    ratio->attachAxis(x);
    ratio->attachAxis(ratioAxis);
    for (std::size_t i = 0; i < 3; ++i) {
        pct[i]->setName(names[i]);
        pct[i]->setPen(QPen(palette().color(QPalette::Link), 1.5, styles[i]));
        chart->addSeries(pct[i]);
        pct[i]->attachAxis(x);
        pct[i]->attachAxis(msAxis);
    }
}

void TimelineView::addMarkers(QChart *chart, QDateTimeAxis *x, QValueAxis *y, std::uint32_t maxY)
{
    const qreal top = std::max<std::uint32_t>(1, maxY) * 1.1;
    if (m_selection->filter().hasTimeRange()) {
        // The selected range as a translucent band, so it is obvious why the other views show less.
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        const qreal a = TimelineChartView::toChartX(m_selection->filter().from);
        const qreal b = TimelineChartView::toChartX(m_selection->filter().to);
        upper->append(a, top);
        upper->append(b, top);
        lower->append(a, 0);
        lower->append(b, 0);
        auto *band = new QAreaSeries(upper, lower);
        upper->setParent(band); // QAreaSeries does not own its boundaries
        lower->setParent(band);
        QColor c = palette().color(QPalette::Highlight);
        c.setAlpha(50);
        band->setColor(c);
        band->setBorderColor(palette().color(QPalette::Highlight));
        band->setName(tr("selected range"));
        chart->addSeries(band);
        band->attachAxis(x);
        band->attachAxis(y);
    }
    bool firstOfKind[3] = {true, true, true};
    for (const Marker &m : m_session->timeline.markers()) {
        if (m.timeMs < m_from || m.timeMs > m_to)
            continue;
        const bool disabled = m.kind == QLatin1StringView("peer-disabled");
        const bool reload = m.kind == QLatin1StringView("reload");
        const int kind = disabled ? 0 : (reload ? 1 : 2);
        auto *line = new QLineSeries;
        line->setName(disabled ? tr("peer disabled") : (reload ? tr("reload") : tr("start/stop")));
        line->append(TimelineChartView::toChartX(m.timeMs), 0);
        line->append(TimelineChartView::toChartX(m.timeMs), top);
        line->setPen(QPen(disabled ? causeColor(Cause::PeerDisabled) : palette().color(QPalette::Mid), 1.5, Qt::DashDotLine));
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        if (!std::exchange(firstOfKind[kind], false))
            for (QLegendMarker *lm : chart->legend()->markers(line))
                lm->setVisible(false);
    }
}

void TimelineView::showHover(TimeMs time, const QPoint &globalPos)
{
    for (const TimelineBin &b : m_bins) {
        if (time < b.start || time >= b.start + m_binMs)
            continue;
        QString text = formatWallClock(b.start, m_session ? m_session->result.tzOffsetMinutes : 0)
                       + tr("\n%1 requests, %2 with 5xx, %3 failures").arg(b.requests).arg(b.serverErrors).arg(b.failures());
        for (int c = 0; c < kCauseCount; ++c)
            if (b.failuresByCause[std::size_t(c)])
                text += QStringLiteral("\n  ") + QString(causeId(static_cast<Cause>(c))) + QStringLiteral(": ")
                        + QString::number(b.failuresByCause[std::size_t(c)]);
        if (b.p95Ms >= 0)
            text += tr("\np50 %1 ms · p95 %2 ms · p99 %3 ms").arg(b.p50Ms).arg(b.p95Ms).arg(b.p99Ms);
        QToolTip::showText(globalPos, text, m_chartView);
        return;
    }
    QToolTip::hideText();
}

} // namespace gwb
