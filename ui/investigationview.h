#pragma once

#include "session.h"

#include <QWidget>

class QLabel;
class QSplitter;
class QTabWidget;
class QToolButton;

namespace gwb {

class ChainView;
class ChecksPage;
class ConfigPage;
class LogsPage;
class OverviewPage;
class SelectionState;
class TargetsPanel;
class TimelineView;

// One open investigation: the inputs on the left, Overview / Chain / Timeline / Logs / Config / Checks on the right,
// all following one SelectionState. The active filter shows above the tabs with a × to reset it.
class InvestigationView final : public QWidget
{
    Q_OBJECT
public:
    enum Tab { OverviewTab, ChainTab, TimelineTab, LogsTab, ConfigTab, ChecksTab };

    explicit InvestigationView(QWidget *parent = nullptr);
    ~InvestigationView() override;

    void setSession(SessionPtr session);
    const SessionPtr &session() const { return m_session; }
    SelectionState *selection() const { return m_selection; }

    void showTab(Tab tab);
    void openConfig(const SourceLocation &where);
    void openLog(const SourceLocation &where);
    void findInLogs();

    OverviewPage *overview() const { return m_overview; }
    ChainView *chain() const { return m_chain; }
    TimelineView *timeline() const { return m_timeline; }
    LogsPage *logs() const { return m_logs; }
    ConfigPage *config() const { return m_config; }
    ChecksPage *checks() const { return m_checks; }
    QTabWidget *tabs() const { return m_tabs; }
    QSplitter *splitter() const { return m_split; }

private:
    void updateFilterChip();

    SessionPtr m_session;
    SelectionState *m_selection = nullptr;
    TargetsPanel *m_targets = nullptr;
    QTabWidget *m_tabs = nullptr;
    QSplitter *m_split = nullptr;
    QWidget *m_chip = nullptr;
    QLabel *m_chipText = nullptr;
    OverviewPage *m_overview = nullptr;
    ChainView *m_chain = nullptr;
    TimelineView *m_timeline = nullptr;
    LogsPage *m_logs = nullptr;
    ConfigPage *m_config = nullptr;
    ChecksPage *m_checks = nullptr;
};

} // namespace gwb
