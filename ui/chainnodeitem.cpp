#include "chainnodeitem.h"

#include "causecolors.h"

#include <QApplication>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace gwb {

QString chainKindName(ChainNode::Kind kind)
{
    switch (kind) {
    case ChainNode::Kind::Client: return QApplication::translate("gwb", "clients");
    case ChainNode::Kind::Server: return QApplication::translate("gwb", "servers");
    case ChainNode::Kind::Location: return QApplication::translate("gwb", "locations");
    case ChainNode::Kind::Upstream: return QApplication::translate("gwb", "upstreams");
    case ChainNode::Kind::Peer: return QApplication::translate("gwb", "peers");
    }
    return {};
}

ChainNodeItem::ChainNodeItem(int node, const ChainNode &data, QGraphicsItem *parent)
    : QGraphicsObject(parent), m_node(node), m_data(data)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setCursor(Qt::PointingHandCursor);
    QString tip = QStringLiteral("<b>%1</b>").arg(data.label.toHtmlEscaped());
    if (!data.detail.isEmpty())
        tip += QStringLiteral("<br>") + data.detail.toHtmlEscaped();
    if (data.requests || data.failures)
        tip += QApplication::translate("gwb", "<br>%1 requests, %2 failures").arg(data.requests).arg(data.failures);
    if (data.dominantCause != Cause::None)
        tip += QStringLiteral("<br>") + QString(causeId(data.dominantCause));
    if (data.markedDown)
        tip += QApplication::translate("gwb", "<br><b>marked down by nginx (max_fails)</b>");
    if (data.configuredDown)
        tip += QApplication::translate("gwb", "<br><b>down in the config</b>");
    if (data.backup)
        tip += QApplication::translate("gwb", "<br>backup peer");
    if (data.where.isValid())
        tip += QStringLiteral("<br>") + data.where.toString().toHtmlEscaped();
    setToolTip(tip);
}

ChainNodeItem *ChainNodeItem::summary(ChainNode::Kind kind, int count, std::uint64_t requests)
{
    ChainNode data;
    data.kind = kind;
    data.label = QApplication::translate("gwb", "%1 healthy %2").arg(count).arg(chainKindName(kind));
    data.requests = requests;
    auto *item = new ChainNodeItem(-1, data);
    item->m_summaryCount = count;
    item->setToolTip(QApplication::translate("gwb", "%1 %2 without failures, folded to keep the chain readable")
                         .arg(count)
                         .arg(chainKindName(kind)));
    return item;
}

void ChainNodeItem::setHighlighted(bool on)
{
    if (m_highlighted == on)
        return;
    m_highlighted = on;
    update();
}

QRectF ChainNodeItem::boundingRect() const
{
    return QRectF(-2, -2, kWidth + 4, kHeight + 4);
}

void ChainNodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QPalette pal = QApplication::palette();
    const QRectF box(0, 0, kWidth, kHeight);
    const bool down = m_data.markedDown || m_data.configuredDown;
    const QColor health = isSummary() ? pal.color(QPalette::Mid) : healthColor(m_data.errorRate());
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setBrush(blendWithBase(health, pal, 0.30));
    QPen border(health, 2);
    if (m_data.backup || isSummary())
        border.setStyle(Qt::DashLine);
    if (m_highlighted || (option->state & QStyle::State_Selected)) {
        border.setColor(pal.color(QPalette::Highlight));
        border.setWidthF(4);
    }
    painter->setPen(border);
    painter->drawRoundedRect(box, 6, 6);
    if (down) {
        painter->setBrush(QBrush(health, Qt::BDiagPattern));
        painter->setPen(Qt::NoPen);
        painter->drawRoundedRect(box, 6, 6);
        painter->setPen(QPen(health, 2));
        painter->drawLine(box.topRight() + QPointF(-18, 6), box.topRight() + QPointF(-6, 18));
        painter->drawLine(box.topRight() + QPointF(-6, 6), box.topRight() + QPointF(-18, 18));
    }
    painter->setPen(pal.color(QPalette::Text));
    QFont bold = painter->font();
    bold.setBold(true);
    painter->setFont(bold);
    const QFontMetricsF fm(bold);
    const QRectF text = box.adjusted(8, 4, down ? -22 : -8, -4);
    painter->drawText(QRectF(text.left(), text.top(), text.width(), text.height() / 2), Qt::AlignVCenter,
                      fm.elidedText(m_data.label, Qt::ElideMiddle, text.width()));
    QFont normal = bold;
    normal.setBold(false);
    painter->setFont(normal);
    QString second;
    if (isSummary())
        second = m_data.requests ? QApplication::translate("gwb", "%1 requests").arg(m_data.requests) : QString();
    else if (m_data.requests || m_data.failures)
        second = QApplication::translate("gwb", "%1/%2 failed").arg(m_data.failures).arg(m_data.requests);
    if (m_data.dominantCause != Cause::None && m_data.failures)
        second += QStringLiteral(" · ") + QString(causeId(m_data.dominantCause));
    if (down)
        second = QApplication::translate("gwb", "DOWN · ") + second;
    else if (m_data.backup)
        second = QApplication::translate("gwb", "backup · ") + second;
    painter->drawText(QRectF(text.left(), text.center().y(), text.width(), text.height() / 2), Qt::AlignVCenter,
                      QFontMetricsF(normal).elidedText(second, Qt::ElideRight, text.width()));
    if (m_data.dominantCause != Cause::None && m_data.failures) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(causeColor(m_data.dominantCause));
        painter->drawRoundedRect(QRectF(0, 0, 5, kHeight), 2, 2);
    }
}

void ChainNodeItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    QGraphicsObject::mousePressEvent(event);
    if (event->button() == Qt::LeftButton)
        emit clicked(m_node);
}

void ChainNodeItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event)
{
    QGraphicsObject::mouseDoubleClickEvent(event);
    emit activated(m_node);
}

} // namespace gwb
