#pragma once

#include "collectrunner.h"
#include "recentinvestigations.h"
#include "session.h"

#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>
#include <functional>

class QAction;
class QLabel;
class QStackedWidget;
class QTimer;

namespace gwb {

class FollowRunner;
class InvestigationLoader;
class InvestigationSaver;
class InvestigationView;
class LabRunner;
class MessageBar;
class PromptPresenter;
class CheckPrompts;
class SecretStore;
class TrainingWindow;
class WelcomePage;
struct ConnectRequest;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void openInputs(const LocalInputs &inputs, bool fromLab = false);
    void openLocalMachine();
    void openLab();
    void openFilesDialog();
    // Servers over SSH: the connect dialog, or a request/job made elsewhere (tests, a command line).
    void connectDialog();
    void collect(const ConnectRequest &request);
    void collect(const CollectJob &job);
    // A bundle directory (or its manifest.json), a .tar.gz bundle, or a saved investigation (.gwbi).
    void openBundle(const QString &path);
    void openBundleDialog();
    // Writes the open investigation with its data to `directory` (NAME.gwbi) off the UI thread; false when
    // nothing is open or a save is already running. investigationSaved or the message bar tells the end.
    bool saveInvestigation(const QString &directory);
    void saveInvestigationDialog();
    void reload();
    void closeInvestigation();
    void cancelLoad();
    void restoreLayout();
    // Writes the report of the open investigation (HTML or PDF by the file's suffix, redacted); errors go to
    // the message bar. False when nothing is open or writing failed.
    bool exportReport(const QString &path);
    void exportReportDialog();
    // Opens (or raises) the training mode window: lessons, misconceptions, practice rounds on the lab.
    void openTraining();
    // Tells the Checks tab where its probes run (this machine, the SSH host, or nowhere) and shows saved results.
    void configureChecks();
    // Follow live (File → Follow live, the toolbar): tails the open investigation's logs and refreshes the
    // views from the grown data every few seconds while lines arrive. Only for a server, this machine or
    // the lab; the action says why otherwise.
    void setFollowing(bool on);
    bool isFollowing() const;
    QAction *followAction() const { return m_followAction; }
    FollowRunner *followRunner() const { return m_follow; }
    // Tests shorten these: how often the logs are polled and how often the views may refresh.
    void setFollowTiming(std::chrono::milliseconds poll, std::chrono::milliseconds refresh);

    // Guided-check results (checkRunToJson of core/checks) travel with a saved investigation: set them as
    // they change; a reopened investigation brings its own back.
    QJsonObject guidedChecks() const { return m_checks; }
    void setGuidedChecks(const QJsonObject &checks) { m_checks = checks; }
    // The ssh config the connect dialog lists hosts from (default ~/.ssh/config).
    void setSshConfigPath(const QString &path) { m_sshConfigPath = path; }

    bool isBusy() const;
    InvestigationView *investigationView() const { return m_view; }
    WelcomePage *welcomePage() const { return m_welcome; }
    MessageBar *messageBar() const { return m_bar; }
    InvestigationLoader *loader() const { return m_loader; }
    CollectRunner *collectRunner() const { return m_collect; }
    PromptPresenter *prompts() const { return m_prompts; }
    CheckPrompts *checkPrompts() const { return m_checkPrompts; } // the guided checks' SSH questions
    const SessionSourcePtr &sessionSource() const { return m_source; }

signals:
    void sessionLoaded();
    void idle(); // a load, collection, lab run or save ended (done, failed or cancelled)
    void investigationSaved(const QString &directory);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void connectCollectRunner();
    void showSession(const SessionPtr &session, const QString &title, qint64 elapsedMs);
    void onLoaded(const SessionPtr &session);
    void onCollected(const SessionPtr &session, const SessionSourcePtr &source);
    void onFailed(const QString &message);
    void updateFollowAvailability();
    void updateFollowStatus();
    void refreshFromFollow();
    void onFollowRefreshed(const SessionPtr &session);

    QStackedWidget *m_stack = nullptr;
    WelcomePage *m_welcome = nullptr;
    QPointer<TrainingWindow> m_training;
    InvestigationView *m_view = nullptr;
    MessageBar *m_bar = nullptr;
    InvestigationLoader *m_loader = nullptr;
    LabRunner *m_lab = nullptr;
    CollectRunner *m_collect = nullptr;
    InvestigationSaver *m_saver = nullptr;
    SecretStore *m_secrets = nullptr;
    PromptPresenter *m_prompts = nullptr;
    CheckPrompts *m_checkPrompts = nullptr;
    SessionPtr m_session;      // the investigation on screen, for exports
    SessionSourcePtr m_source; // where its data came from when collected or opened from a bundle
    QJsonObject m_checks;
    QString m_sshConfigPath;
    std::function<void()> m_reload; // repeats the last load
    bool m_lastFromLab = false;
    // Where the guided checks of the open investigation run.
    enum class ChecksHost { None, Local, Ssh };
    ChecksHost m_checksHost = ChecksHost::None;
    bool m_openingLocal = false;
    CollectJob m_lastJob;
    FollowRunner *m_follow = nullptr;
    InvestigationLoader *m_followLoader = nullptr; // rebuilds the session from the grown data
    QAction *m_followAction = nullptr;
    QLabel *m_followStatus = nullptr;
    QTimer *m_followRefresh = nullptr;
    std::chrono::milliseconds m_followPoll{1000};
    quint64 m_followShownLines = 0; // new lines the views already show
};

} // namespace gwb
