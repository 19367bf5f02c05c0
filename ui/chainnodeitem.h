#pragma once

#include "views/chaingraph.h"

#include <QGraphicsObject>

namespace gwb {

// One box of the chain: its fill says how healthy it is, a hatch says nginx (or the config) took it down,
// a dashed border says it is a backup. A summary box stands for healthy nodes folded away.
class ChainNodeItem final : public QGraphicsObject
{
    Q_OBJECT
public:
    static constexpr qreal kWidth = 210;
    static constexpr qreal kHeight = 46;

    ChainNodeItem(int node, const ChainNode &data, QGraphicsItem *parent = nullptr);
    // A folded group: "12 healthy peers".
    static ChainNodeItem *summary(ChainNode::Kind kind, int count, std::uint64_t requests);

    int nodeIndex() const { return m_node; } // -1 for a summary
    const ChainNode &node() const { return m_data; }
    bool isSummary() const { return m_node < 0; }
    void setHighlighted(bool on);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

signals:
    void activated(int node);     // double click
    void clicked(int node);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;

private:
    int m_node;
    ChainNode m_data;
    int m_summaryCount = 0;
    bool m_highlighted = false;
};

QString chainKindName(ChainNode::Kind kind);

} // namespace gwb
