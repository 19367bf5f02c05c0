#include "timelinechartview.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QRubberBand>
#include <QTimeZone>

namespace gwb {

TimelineChartView::TimelineChartView(QWidget *parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setRubberBand(QChartView::NoRubberBand); // ours: it must report times, not zoom on its own
    m_band = new QRubberBand(QRubberBand::Rectangle, this);
}

static qint64 localOffsetMs(TimeMs wallMs)
{
    // The offset the local zone had at that wall time; the chart axis adds it back when it formats.
    const QDateTime utc = QDateTime::fromMSecsSinceEpoch(wallMs, QTimeZone::utc());
    return qint64(QDateTime(utc.date(), utc.time()).offsetFromUtc()) * 1000;
}

qreal TimelineChartView::toChartX(TimeMs wallMs)
{
    return qreal(wallMs - localOffsetMs(wallMs));
}

TimeMs TimelineChartView::fromChartX(qreal x)
{
    const auto ms = TimeMs(x);
    return ms + qint64(QDateTime::fromMSecsSinceEpoch(ms).offsetFromUtc()) * 1000;
}

TimeMs TimelineChartView::timeAt(const QPointF &widgetPos) const
{
    const QPointF scenePos = mapToScene(widgetPos.toPoint());
    const QPointF chartPos = chart()->mapFromScene(scenePos);
    return fromChartX(chart()->mapToValue(chartPos).x());
}

void TimelineChartView::mousePressEvent(QMouseEvent *event)
{
    m_origin = m_last = event->position().toPoint();
    const bool pan = event->button() == Qt::MiddleButton
                     || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier));
    if (pan) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton) {
        m_drag = Drag::Band;
        const QRectF plot = chart()->plotArea();
        m_band->setGeometry(QRect(m_origin.x(), int(plot.top()), 0, int(plot.height())));
        m_band->show();
    }
    event->accept();
}

void TimelineChartView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint p = event->position().toPoint();
    if (m_drag == Drag::Band) {
        const QRectF plot = chart()->plotArea();
        m_band->setGeometry(QRect(std::min(p.x(), m_origin.x()), int(plot.top()), std::abs(p.x() - m_origin.x()),
                                  int(plot.height())));
    } else if (m_drag == Drag::Pan) {
        const TimeMs delta = timeAt(m_last) - timeAt(p);
        m_last = p;
        if (delta != 0)
            emit panBy(delta);
    } else if (chart()->plotArea().contains(p)) {
        emit hoveredAt(timeAt(p), event->globalPosition().toPoint());
    }
    event->accept();
}

void TimelineChartView::mouseReleaseEvent(QMouseEvent *event)
{
    const QPoint p = event->position().toPoint();
    const Drag drag = std::exchange(m_drag, Drag::None);
    m_band->hide();
    unsetCursor();
    if (drag == Drag::Band) {
        const TimeMs a = timeAt(m_origin), b = timeAt(p);
        if (std::abs(p.x() - m_origin.x()) < 4)
            emit clickedAt(a);
        else if (event->modifiers() & Qt::ShiftModifier)
            emit rangeSelected(std::min(a, b), std::max(a, b));
        else
            emit zoomRequested(std::min(a, b), std::max(a, b));
    }
    event->accept();
}

void TimelineChartView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y() / 120;
    if (steps != 0)
        emit wheelZoom(timeAt(event->position()), steps > 0 ? 0.8 : 1.25);
    event->accept();
}

void TimelineChartView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        emit resetRequested();
        event->accept();
        return;
    }
    QChartView::keyPressEvent(event);
}

} // namespace gwb
