#pragma once

#include "common/strongtypes.h"

#include <QChartView>

class QRubberBand;

namespace gwb {

// The chart widget of the timeline: turns mouse and wheel into time ranges and leaves the data to
// TimelineView. Drag = zoom to the dragged range; Shift+drag = select a range (filters the other views);
// click = select the bin; wheel = zoom around the cursor; middle drag or Ctrl+drag = pan; Esc = reset.
class TimelineChartView final : public QChartView
{
    Q_OBJECT
public:
    explicit TimelineChartView(QWidget *parent = nullptr);

    // Chart x values are local-time milliseconds (QDateTimeAxis shows local time); log times are wall
    // clock "as if UTC". These convert between the two.
    static qreal toChartX(TimeMs wallMs);
    static TimeMs fromChartX(qreal x);
    TimeMs timeAt(const QPointF &widgetPos) const;

signals:
    void zoomRequested(gwb::TimeMs from, gwb::TimeMs to);
    void rangeSelected(gwb::TimeMs from, gwb::TimeMs to);
    void clickedAt(gwb::TimeMs time);
    void wheelZoom(gwb::TimeMs anchor, double factor);
    void panBy(gwb::TimeMs delta);
    void resetRequested();
    void hoveredAt(gwb::TimeMs time, const QPoint &globalPos);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    enum class Drag { None, Band, Pan };
    Drag m_drag = Drag::None;
    QPoint m_origin;
    QPoint m_last;
    QRubberBand *m_band = nullptr;
};

} // namespace gwb
