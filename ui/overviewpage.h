#pragma once

#include "session.h"

#include <QWidget>

class QLabel;
class QTableView;
class QTextBrowser;
class QTreeWidget;
class QUrl;

namespace gwb {

class FindingsDecorator;
class FindingsModel;
class SelectionState;

// Findings worst first, the lint results and input problems, and a detail pane for what is selected.
class OverviewPage final : public QWidget
{
    Q_OBJECT
public:
    OverviewPage(SelectionState *selection, QWidget *parent = nullptr);
    ~OverviewPage() override;

    void setSession(SessionPtr session);
    QTableView *findingsView() const { return m_table; }
    QTextBrowser *detailView() const { return m_detail; }
    void selectFinding(int row);

signals:
    void openConfig(const gwb::SourceLocation &where);
    void openLog(const gwb::SourceLocation &where);

private:
    void showFinding(int index);
    void showProblem(int kind, int index);
    void followLink(const QUrl &url);
    void fillProblems();

    SelectionState *m_selection;
    SessionPtr m_session;
    FindingsModel *m_model = nullptr;
    FindingsDecorator *m_decorated = nullptr;
    QLabel *m_summary = nullptr;
    QTableView *m_table = nullptr;
    QTreeWidget *m_problems = nullptr;
    QTextBrowser *m_detail = nullptr;
};

} // namespace gwb
