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
    LocalInputs m_lastInputs;
    bool m_lastFromLab = false;
    bool m_hasLast = false;
};

} // namespace gwb
