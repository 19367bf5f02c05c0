#pragma once

#include "session.h"

#include <QWidget>

class QCheckBox;
class QGraphicsScene;
class QGraphicsView;

namespace gwb {

class ChainNodeItem;
class SelectionState;

// client → server → location → upstream → peer, coloured by health, following and driving the selection.
class ChainView final : public QWidget
{
    Q_OBJECT
public:
    ChainView(SelectionState *selection, QWidget *parent = nullptr);

    void setSession(SessionPtr session);
    QGraphicsView *graphicsView() const { return m_view; }
    ChainNodeItem *itemForNode(int node) const;
    int boxCount() const;

    bool exportSvg(const QString &path) const;
    bool exportPng(const QString &path) const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    void openConfig(const gwb::SourceLocation &where);

private:
    void rebuild();
    void followSelection();
    void nodeClicked(int node);
    void exportAs();

    SelectionState *m_selection;
    SessionPtr m_session;
    QGraphicsScene *m_scene = nullptr;
    QGraphicsView *m_view = nullptr;
    QCheckBox *m_fold = nullptr;
    std::vector<ChainNodeItem *> m_items;
};

} // namespace gwb
