#pragma once

#include "session.h"

#include <QWidget>

class QChart;
class QDateTimeAxis;
class QValueAxis;
class QLabel;

namespace gwb {

class SelectionState;
class TimelineChartView;

// Failures over time stacked by cause, the 5xx ratio and upstream latency percentiles, with reload and
// peer-disabled markers. Bins are remade from TimelineIndex for every visible range, so zooming never
// plots one point per event.
class TimelineView final : public QWidget
{
    Q_OBJECT
public:
    TimelineView(SelectionState *selection, QWidget *parent = nullptr);

    void setSession(SessionPtr session);
    void setVisibleRange(TimeMs from, TimeMs to);
    void resetZoom();
    void selectRange(TimeMs from, TimeMs to); // sets the shared time-range selection

    TimeMs visibleFrom() const { return m_from; }
    TimeMs visibleTo() const { return m_to; }
    qint64 binMs() const { return m_binMs; }
    const std::vector<TimelineBin> &bins() const { return m_bins; }
    const TimelineFilter &currentFilter() const { return m_filter; }
    TimelineChartView *chartView() const { return m_chartView; }

private:
    void rebuild();
    void showChart(QChart *chart);
    void addCauseSeries(QChart *chart, QDateTimeAxis *x, QValueAxis *y, std::uint32_t &maxY);
    void addLineSeries(QChart *chart, QDateTimeAxis *x);
    void addMarkers(QChart *chart, QDateTimeAxis *x, QValueAxis *y, std::uint32_t maxY);
    void showHover(TimeMs time, const QPoint &globalPos);

    SelectionState *m_selection;
    SessionPtr m_session;
    TimelineChartView *m_chartView = nullptr;
    QLabel *m_info = nullptr;
    TimeMs m_from = 0, m_to = 0;
    qint64 m_binMs = 60'000;
    TimelineFilter m_filter;
    std::vector<TimelineBin> m_bins;
};

} // namespace gwb
