#include "chainview.h"

#include "chainlayout.h"
#include "causecolors.h"
#include "chainnodeitem.h"
#include "selectionstate.h"

#include <QApplication>
#include <QCheckBox>
#include <QFileDialog>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QPainter>
#include <QPushButton>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <array>
#include <cmath>

namespace gwb {

namespace {
constexpr qreal kColumnGap = 190;
constexpr qreal kRowGap = 14;
constexpr int kFoldAbove = 12;
} // namespace

ChainView::ChainView(SelectionState *selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    m_scene = new QGraphicsScene(this);
    m_view = new QGraphicsView(m_scene, this);
    m_view->setObjectName(QStringLiteral("chainGraphicsView"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setDragMode(QGraphicsView::ScrollHandDrag);
    m_view->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_view->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    m_view->viewport()->installEventFilter(this);

    m_fold = new QCheckBox(tr("Fold healthy branches"), this);
    m_fold->setChecked(true);
    auto *fit = new QPushButton(tr("Fit"), this);
    auto *actual = new QPushButton(tr("100 %"), this);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(tr("Save the chain as SVG or PNG"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_fold);
    bar->addStretch(1);
    bar->addWidget(fit);
    bar->addWidget(actual);
    bar->addWidget(exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_fold, &QCheckBox::toggled, this, &ChainView::rebuild);
    connect(fit, &QPushButton::clicked, this,
            [this] { m_view->fitInView(m_scene->itemsBoundingRect(), Qt::KeepAspectRatio); });
    connect(actual, &QPushButton::clicked, this, [this] { m_view->resetTransform(); });
    connect(exportButton, &QPushButton::clicked, this, &ChainView::exportAs);
    connect(m_selection, &SelectionState::changed, this, &ChainView::followSelection);
}

bool ChainView::eventFilter(QObject *watched, QEvent *event)
{
    // Ctrl+wheel zooms (plain wheel keeps scrolling, as in every other view).
    if (watched == m_view->viewport() && event->type() == QEvent::Wheel) {
        auto *wheel = static_cast<QWheelEvent *>(event);
        if (wheel->modifiers() & Qt::ControlModifier) {
            const qreal factor = wheel->angleDelta().y() > 0 ? 1.2 : 1 / 1.2;
            m_view->scale(factor, factor);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ChainView::setSession(SessionPtr session)
{
    m_session = std::move(session);
    rebuild();
}

ChainNodeItem *ChainView::itemForNode(int node) const
{
    for (ChainNodeItem *item : m_items)
        if (item->nodeIndex() == node)
            return item;
    return nullptr;
}

int ChainView::boxCount() const
{
    return int(m_items.size());
}

void ChainView::rebuild()
{
    m_items.clear();
    m_scene->clear();
    if (!m_session)
        return;
    const ChainGraph &graph = m_session->chain;
    std::vector<int> keep;
    const ViewFilter &f = m_selection->filter();
    if (f.finding >= 0 && std::size_t(f.finding) < m_session->result.findings.size())
        keep = graph.nodesOfFinding(m_session->result.findings[std::size_t(f.finding)]);
    const ChainLayout layout = ChainLayout::build(graph, m_fold->isChecked() ? kFoldAbove : 1 << 30, keep);

    std::array<int, 5> columnRows{};
    for (const ChainLayout::Box &b : layout.boxes)
        columnRows[std::size_t(b.column)] = std::max(columnRows[std::size_t(b.column)], b.row + 1);
    const qreal rowHeight = ChainNodeItem::kHeight + kRowGap;
    const qreal fullHeight = layout.rows * rowHeight;
    std::vector<QPointF> pos(layout.boxes.size());
    for (std::size_t i = 0; i < layout.boxes.size(); ++i) {
        const ChainLayout::Box &b = layout.boxes[i];
        const qreal offset = (fullHeight - columnRows[std::size_t(b.column)] * rowHeight) / 2; // centre short columns
        pos[i] = QPointF(b.column * (ChainNodeItem::kWidth + kColumnGap), offset + b.row * rowHeight);
        ChainNodeItem *item = b.node >= 0 ? new ChainNodeItem(b.node, graph.nodes[std::size_t(b.node)])
                                          : ChainNodeItem::summary(b.kind, b.foldedCount, b.foldedRequests);
        item->setPos(pos[i]);
        item->setZValue(2);
        m_scene->addItem(item);
        m_items.push_back(item);
        connect(item, &ChainNodeItem::clicked, this, &ChainView::nodeClicked);
        connect(item, &ChainNodeItem::activated, this, [this](int node) {
            if (node >= 0 && m_session && m_session->chain.nodes[std::size_t(node)].where.isValid())
                emit openConfig(m_session->chain.nodes[std::size_t(node)].where);
        });
    }

    const QPalette pal = QApplication::palette();
    const bool labelAll = layout.links.size() <= 30;
    for (const ChainLayout::Link &l : layout.links) {
        const QPointF a = pos[std::size_t(l.fromBox)] + QPointF(ChainNodeItem::kWidth, ChainNodeItem::kHeight / 2);
        const QPointF b = pos[std::size_t(l.toBox)] + QPointF(0, ChainNodeItem::kHeight / 2);
        QPainterPath path(a);
        const qreal dx = (b.x() - a.x()) / 2;
        path.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b);
        const double rate = l.requests ? double(l.failures) / double(l.requests) : (l.failures ? 1.0 : 0.0);
        QColor color = l.failures ? healthColor(rate) : pal.color(QPalette::Mid);
        const qreal width = 1.0 + std::min(4.0, std::log10(1.0 + double(l.requests)));
        auto *edge = m_scene->addPath(path, QPen(color, width));
        edge->setZValue(1);
        QString label;
        if (l.requests || l.failures)
            label = tr("%1 req").arg(l.requests) + (l.failures ? tr(" · %1 failed").arg(l.failures) : QString());
        QStringList extra;
        if (l.p95Ms >= 0)
            extra << tr("p95 %1 ms").arg(l.p95Ms);
        if (!l.timeouts.isEmpty())
            extra << l.timeouts;
        edge->setToolTip(label + (extra.isEmpty() ? QString() : QStringLiteral("\n") + extra.join(QStringLiteral("\n"))));
        if (label.isEmpty() || (!labelAll && !l.failures))
            continue;
        if (!extra.isEmpty())
            label += QStringLiteral("\n") + extra.join(QStringLiteral(" · "));
        auto *text = m_scene->addSimpleText(label);
        QFont small = text->font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        text->setFont(small);
        text->setBrush(pal.color(QPalette::Text));
        // Just before the target box, above the edge's arrival point: targets have distinct rows, so the
        // labels of a fan-out stack instead of piling up in the middle of the gap.
        text->setPos(b.x() - text->boundingRect().width() - 6, b.y() - text->boundingRect().height() - 1);
        text->setZValue(3);
    }
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20));
    followSelection();
}

void ChainView::followSelection()
{
    if (!m_session)
        return;
    const ViewFilter &f = m_selection->filter();
    std::vector<int> path;
    if (f.finding >= 0 && std::size_t(f.finding) < m_session->result.findings.size())
        path = m_session->chain.nodesOfFinding(m_session->result.findings[std::size_t(f.finding)]);
    for (ChainNodeItem *item : m_items) {
        const ChainNode &n = item->node();
        bool on = std::find(path.begin(), path.end(), item->nodeIndex()) != path.end() && item->nodeIndex() >= 0;
        on = on || (!f.peer.isEmpty() && n.kind == ChainNode::Kind::Peer && n.label == f.peer);
        on = on || (f.location >= 0 && n.kind == ChainNode::Kind::Location && n.configIndex == f.location);
        item->setHighlighted(on);
    }
}

void ChainView::nodeClicked(int node)
{
    if (!m_session || node < 0)
        return;
    const ChainNode &n = m_session->chain.nodes[std::size_t(node)];
    if (n.kind == ChainNode::Kind::Peer)
        m_selection->setPeer(n.label);
    else if (n.kind == ChainNode::Kind::Location && n.configIndex >= 0)
        m_selection->setLocation(n.configIndex);
    else if (n.kind == ChainNode::Kind::Client)
        m_selection->clear();
}

bool ChainView::exportSvg(const QString &path) const
{
    const QRectF rect = m_scene->sceneRect();
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(rect.size().toSize());
    svg.setViewBox(QRectF(QPointF(0, 0), rect.size()));
    svg.setTitle(tr("Gateway Workbench chain"));
    QPainter painter;
    if (!painter.begin(&svg))
        return false;
    painter.fillRect(QRectF(QPointF(0, 0), rect.size()), QApplication::palette().color(QPalette::Base));
    m_scene->render(&painter, QRectF(QPointF(0, 0), rect.size()), rect);
    return painter.end();
}

bool ChainView::exportPng(const QString &path) const
{
    const QRectF rect = m_scene->sceneRect();
    const qreal scale = 2.0; // crisp on high-DPI screens and in documents
    QImage image((rect.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(QApplication::palette().color(QPalette::Base));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    m_scene->render(&painter, QRectF(QPointF(0, 0), rect.size() * scale), rect);
    painter.end();
    return image.save(path);
}

void ChainView::exportAs()
{
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export chain"), QStringLiteral("chain.svg"),
                                                      tr("SVG (*.svg);;PNG (*.png)"), &filter);
    if (path.isEmpty())
        return;
    if (path.endsWith(QLatin1StringView(".png"), Qt::CaseInsensitive))
        exportPng(path);
    else
        exportSvg(path);
}

} // namespace gwb
