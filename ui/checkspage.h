#pragma once

#include "checks/checkengine.h"
#include "session.h"

#include <QColor>
#include <QFrame>
#include <QJsonObject>
#include <QWidget>

#include <QFuture>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QTreeWidget;
class QTreeWidgetItem;
class QVBoxLayout;

namespace gwb {

class CheckStepCard;
class MessageBar;
class SelectionState;

// The guided checks, the way a senior works an incident: the subjects on the left (one per finding's peer,
// socket or location, worst finding first), and on the right the chosen subject's checks grouped by step
// (meaning → logs → probe → config → deeper), each with why it comes now, why it matters, the exact
// commands (copyable) and, once run, its verdict, reasons, remedy, facts and the commands' output.
// Checks run on a worker thread through a transport the page gets from its factory; the UI never waits.
class ChecksPage final : public QWidget
{
    Q_OBJECT
public:
    // Called on the UI thread as a run starts, with the run's cancel token: a transport that waits for a
    // person (an SSH password prompt) stops waiting when the run is cancelled or the page closes.
    using TransportFactory = std::function<std::unique_ptr<Transport>(const CancelToken &cancel)>;

    explicit ChecksPage(SelectionState *selection, QWidget *parent = nullptr);
    ~ChecksPage() override;

    void setSession(SessionPtr session);
    // Where checks run. Default: this machine (LocalTransport). A factory that returns nullptr (or an empty
    // one) means no host: checks that need one say they could not run.
    void setTransportFactory(TransportFactory factory);
    // Replaces the registry (built-ins + plugins by default); for tests and for the lead's own plugin dirs.
    void setRegistry(CheckRegistry registry);

    CheckRun results() const { return m_run; }
    void restoreResults(const QJsonObject &saved);

    // Consent for tcpdump/strace. `ask` shows the confirmation with the bounds first (the checkbox does).
    bool setAllowCaptures(bool allow, bool ask = false);
    bool capturesAllowed() const { return m_allowCaptures; }
    void setIncludeHealthy(bool include);
    // Whether checks may put `sudo -n` in front of commands that gain from it (off by default).
    void setSudo(SudoUse sudo) { m_sudo = sudo; }

    // The subjects listed, in order; the current one (-1: none).
    const std::vector<CheckSubject> &subjects() const { return m_subjects; }
    int currentSubject() const { return m_current; }
    void selectSubject(int index);
    // The checks proposed for the current subject, and the next one the decision tree asks for.
    const std::vector<PlannedCheck> &plan() const { return m_plan; }
    std::optional<PlannedCheck> nextPlanned() const { return m_next; }

    // Runs one check of the current subject's plan (its index in plan()), the next one, or the whole tree.
    void runPlannedAt(int planIndex);
    void runNextStep();
    void runAllForSubject();
    void cancel();
    bool isRunning() const { return m_running; }

    // For tests and screenshots.
    QTreeWidget *subjectTree() const { return m_tree; }
    QPushButton *runNextButton() const { return m_runNext; }
    QPushButton *runAllButton() const { return m_runAll; }
    QPushButton *cancelButton() const { return m_cancel; }
    QCheckBox *capturesBox() const { return m_captures; }
    MessageBar *messageBar() const { return m_message; }
    QList<CheckStepCard *> cards() const { return m_cards; }
    QScrollArea *stepsArea() const { return m_scroll; }

signals:
    void resultsChanged(const QJsonObject &checks);
    void runFinished();

private:
    struct Job;
    void rebuildSubjects();
    void showPluginWarnings();
    void updateSubjectVerdicts();
    void rebuildSteps();
    void updateButtons();
    void onSelectionChanged();
    void onTreeSelection();
    void startJob(std::vector<PlannedCheck> single, bool guided);
    void acceptResult(const CheckResult &result);
    void jobDone(quint64 generation);
    const CheckResult *resultFor(const CheckSubject &subject, const QString &checkId) const;
    CheckOptions options() const;

    SelectionState *m_selection;
    SessionPtr m_session;
    std::shared_ptr<const CheckRegistry> m_registry;
    TransportFactory m_factory;
    std::vector<CheckSubject> m_subjects;
    std::vector<PlannedCheck> m_plan;
    std::optional<PlannedCheck> m_next;
    bool m_treeDone = false;
    int m_current = -1;
    CheckRun m_run;
    bool m_allowCaptures = false;
    SudoUse m_sudo = SudoUse::No;
    QFuture<void> m_future;
    bool m_includeHealthy = false;
    bool m_syncing = false;
    bool m_running = false;
    quint64 m_generation = 0;
    CancelToken m_token;

    MessageBar *m_message = nullptr;
    QTreeWidget *m_tree = nullptr;
    QLabel *m_subjectTitle = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_busy = nullptr;
    QPushButton *m_runNext = nullptr;
    QPushButton *m_runAll = nullptr;
    QPushButton *m_cancel = nullptr;
    QCheckBox *m_captures = nullptr;
    QCheckBox *m_healthy = nullptr;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_steps = nullptr;
    QVBoxLayout *m_stepsLayout = nullptr;
    QList<CheckStepCard *> m_cards;
};

// One check of the plan: title, reason, why it matters, commands (copyable), then the result once run.
class CheckStepCard final : public QFrame
{
    Q_OBJECT
public:
    CheckStepCard(const PlannedCheck &planned, const QStringList &commands, bool isNext, QWidget *parent = nullptr);
    void showResult(const CheckResult *result);
    QString checkId() const { return m_checkId; }
    QString verdictText() const;       // "" until run
    QLabel *badge() const { return m_badge; }
    QLabel *details() const { return m_details; }
    QPushButton *runButton() const { return m_run; }
    QWidget *outputView() const { return m_output; }

signals:
    void runRequested();

private:
    QString m_checkId;
    QLabel *m_badge = nullptr;
    QLabel *m_details = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_toggleOutput = nullptr;
    QWidget *m_output = nullptr;
};

QColor verdictColor(Verdict v);
QString verdictLabel(Verdict v); // "PASS", "WARN", "FAIL", "COULD NOT RUN"

} // namespace gwb
