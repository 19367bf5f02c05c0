#pragma once

#include "recentinvestigations.h"
#include "session.h"

#include <QMainWindow>

class QStackedWidget;

namespace gwb {

class InvestigationLoader;
class InvestigationView;
class LabRunner;
class MessageBar;
class WelcomePage;

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
    void reload();
    void closeInvestigation();
    void cancelLoad();
    void restoreLayout();
    // Writes the report of the open investigation (HTML or PDF by the file's suffix, redacted); errors go to
    // the message bar. False when nothing is open or writing failed.
    bool exportReport(const QString &path);
    void exportReportDialog();

    bool isBusy() const;
    InvestigationView *investigationView() const { return m_view; }
    WelcomePage *welcomePage() const { return m_welcome; }
    MessageBar *messageBar() const { return m_bar; }
    InvestigationLoader *loader() const { return m_loader; }

signals:
    void sessionLoaded();
    void idle(); // a load or lab run ended (loaded, failed or cancelled)

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void onLoaded(const SessionPtr &session);
    void onFailed(const QString &message);

    QStackedWidget *m_stack = nullptr;
    WelcomePage *m_welcome = nullptr;
    InvestigationView *m_view = nullptr;
    MessageBar *m_bar = nullptr;
    InvestigationLoader *m_loader = nullptr;
    LabRunner *m_lab = nullptr;
    SessionPtr m_session; // the investigation on screen, for exports
    LocalInputs m_lastInputs;
    bool m_lastFromLab = false;
    bool m_hasLast = false;
};

} // namespace gwb
