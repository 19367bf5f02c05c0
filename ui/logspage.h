#pragma once

#include "session.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTextBrowser;
class QTimer;

namespace gwb {

class LogFilterRunner;
class LogTableModel;
class SelectionState;

// Every log line of the investigation, filtered by the shared selection plus this page's own bar
// (status, host, text). Selecting a failed line explains it. A filter with text scans the lines on a worker
// (a big log takes a noticeable fraction of a second): the bar says "Filtering…" and the old rows stay
// until the new ones are ready; typing again cancels the scan of the older text.
class LogsPage final : public QWidget
{
    Q_OBJECT
public:
    LogsPage(SelectionState *selection, QWidget *parent = nullptr);
    ~LogsPage() override;

    void setSession(SessionPtr session);
    void showLine(const SourceLocation &where); // select it, widening the filter when it is hidden
    void focusFind();

    LogTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *textFilter() const { return m_text; }
    QComboBox *statusFilter() const { return m_status; }
    bool isFiltering() const; // a text scan is running

signals:
    void openConfig(const gwb::SourceLocation &where);
    void filteringChanged(bool filtering); // a text scan started, or ended (done, cancelled, superseded)

private:
    void applyFilter();
    void showCount();
    void syncBarFromSelection();
    void showDetail(int row);

    SelectionState *m_selection;
    SessionPtr m_session;
    LogTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QComboBox *m_cause = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_peer = nullptr;
    QLineEdit *m_host = nullptr;
    QLineEdit *m_text = nullptr;
    QCheckBox *m_failuresOnly = nullptr;
    QLabel *m_count = nullptr;
    QProgressBar *m_filtering = nullptr;
    LogFilterRunner *m_runner = nullptr;
    QTextBrowser *m_detail = nullptr;
    QPushButton *m_showConfig = nullptr;
    QTimer *m_debounce = nullptr;
    SourceLocation m_detailConfig;
    bool m_syncing = false;
    bool m_showingFiltering = false;
};

} // namespace gwb
