#include "mainwindow.h"

#include "report/report.h"
#ifdef GWB_HAVE_REPORT_PDF
#include "reportpdf.h"
#endif

#include "investigationloader.h"
#include "investigationview.h"
#include "labrunner.h"
#include "messagebar.h"
#include "openfilesdialog.h"
#include "preferences.h"
#include "welcomepage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

// Resources compiled into a static library must be registered by hand (outside any namespace).
static void initResources()
{
    Q_INIT_RESOURCE(gateway_workbench);
}

namespace gwb {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    initResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Gateway Workbench"));
    setWindowIcon(QIcon(QStringLiteral(":/gwb/icons/app.svg")));
    m_welcome = new WelcomePage(this);
    m_view = new InvestigationView(this);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_welcome);
    m_stack->addWidget(m_view);
    m_bar = new MessageBar(this);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_bar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    resize(1400, 900);

    m_loader = new InvestigationLoader(this);
    m_lab = new LabRunner(this);
    const QString script = LabRunner::labScript();
    m_welcome->setLabAvailable(!script.isEmpty(), tr("Not available: lab/gwb-lab was not found next to this program"));

    connect(m_welcome, &WelcomePage::openFilesRequested, this, &MainWindow::openFilesDialog);
    connect(m_welcome, &WelcomePage::openLocalRequested, this, &MainWindow::openLocalMachine);
    connect(m_welcome, &WelcomePage::openLabRequested, this, &MainWindow::openLab);
    connect(m_welcome, &WelcomePage::openRecentRequested, this, [this](const RecentEntry &e) {
        if (e.lab)
            openLab();
        else
            openInputs(e.inputs);
    });
    connect(m_loader, &InvestigationLoader::started, this, [this] {
        m_bar->showProgress(tr("Reading the configuration and logs, classifying failures…"));
    });
    connect(m_loader, &InvestigationLoader::loaded, this, &MainWindow::onLoaded);
    connect(m_loader, &InvestigationLoader::failed, this, &MainWindow::onFailed);
    connect(m_loader, &InvestigationLoader::cancelled, this, [this] {
        m_bar->showInfo(tr("Loading cancelled. What was open before is still here."));
        emit idle();
    });
    connect(m_lab, &LabRunner::progress, this, [this](const QString &step) { m_bar->showProgress(step); });
    connect(m_lab, &LabRunner::failed, this, &MainWindow::onFailed);
    connect(m_lab, &LabRunner::ready, this, [this](const QString &dump, const QStringList &access, const QStringList &error) {
        LocalInputs in;
        in.configDump = dump;
        in.accessLogs = access;
        in.errorLogs = error;
        openInputs(in, true);
    });
    connect(m_bar, &MessageBar::cancelRequested, this, &MainWindow::cancelLoad);
    connect(m_bar, &MessageBar::retryRequested, this, &MainWindow::reload);
    createMenus();
#ifdef GWB_HAVE_REPORT_PDF
    installPdfReportWriter();
#endif
    statusBar()->showMessage(tr("Open an nginx -T dump and its logs, this machine, or the practice lab."));
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open files…"), QKeySequence::Open, this, &MainWindow::openFilesDialog);
    file->addAction(tr("Open this &machine"), this, &MainWindow::openLocalMachine);
    file->addAction(tr("Open the practice &lab"), this, &MainWindow::openLab);
    file->addSeparator();
    file->addAction(tr("&Reload"), QKeySequence(Qt::Key_F5), this, &MainWindow::reload);
    file->addAction(tr("&Export report…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportReportDialog);
    file->addAction(tr("&Close investigation"), QKeySequence(Qt::CTRL | Qt::Key_W), this, &MainWindow::closeInvestigation);
    file->addSeparator();
    file->addAction(tr("&Preferences…"), this, [this] {
        PreferencesDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted)
            dialog.preferences().save();
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), this, &QWidget::close);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("&Find in logs"), QKeySequence::Find, this, [this] {
        if (m_view->session())
            m_view->findInLogs();
    });
    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QStringList tabs = {tr("Overview"), tr("Chain"), tr("Timeline"), tr("Logs"), tr("Config")};
    for (int i = 0; i < tabs.size(); ++i)
        view->addAction(tabs[i], QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)), this,
                        [this, i] { m_view->showTab(InvestigationView::Tab(i)); });
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About Gateway Workbench"),
                           tr("<b>Gateway Workbench %1</b><p>Finds out why nginx answers 502, 504 and 499.</p>")
                               .arg(QStringLiteral(GWB_VERSION)));
    });
}

void MainWindow::restoreLayout()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    for (QSplitter *split : findChildren<QSplitter *>())
        if (!split->objectName().isEmpty())
            split->restoreState(s.value(QStringLiteral("splitters/") + split->objectName()).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    for (QSplitter *split : findChildren<QSplitter *>())
        if (!split->objectName().isEmpty())
            s.setValue(QStringLiteral("splitters/") + split->objectName(), split->saveState());
    cancelLoad();
    event->accept();
}

bool MainWindow::isBusy() const
{
    return m_loader->isRunning() || m_lab->isRunning();
}

void MainWindow::openInputs(const LocalInputs &inputs, bool fromLab)
{
    m_lastInputs = inputs;
    m_lastFromLab = fromLab;
    m_hasLast = true;
    DiagnoseOptions options;
    options.evidencePerFinding = Preferences::load().evidencePerFinding;
    m_loader->start(inputs, options);
}

void MainWindow::openFilesDialog()
{
    OpenFilesDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const LocalInputs in = dialog.inputs();
    if (in.configDump.isEmpty() && in.configFile.isEmpty() && in.accessLogs.isEmpty() && in.errorLogs.isEmpty())
        return;
    openInputs(in);
}

void MainWindow::openLocalMachine()
{
    LocalInputs in;
    in.configFile = QStringLiteral("/etc/nginx/nginx.conf");
    if (!QFileInfo(in.configFile).isReadable()) {
        onFailed(tr("Cannot read %1: is nginx installed here, and may this user read its config?").arg(in.configFile));
        return;
    }
    openInputs(in);
}

void MainWindow::openLab()
{
    m_lastFromLab = true;
    m_lab->start();
}

void MainWindow::reload()
{
    if (m_hasLast)
        openInputs(m_lastInputs, m_lastFromLab);
}

void MainWindow::closeInvestigation()
{
    cancelLoad();
    m_session.reset();
    m_view->setSession(nullptr);
    m_stack->setCurrentWidget(m_welcome);
    m_welcome->refreshRecent();
    setWindowTitle(tr("Gateway Workbench"));
}

void MainWindow::cancelLoad()
{
    m_lab->cancel();
    m_loader->cancel();
    if (!m_loader->isRunning() && m_bar->isShowingProgress())
        m_bar->showInfo(tr("Cancelled."));
}

void MainWindow::exportReportDialog()
{
    if (!m_session) {
        m_bar->showInfo(tr("Open an investigation first; the report describes what is on screen."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export report"), QStringLiteral("gateway-workbench-report.html"),
                                                      tr("Self-contained HTML (*.html);;PDF (*.pdf)"));
    if (!path.isEmpty() && exportReport(path))
        m_bar->showInfo(tr("Report written to %1 (client addresses, cookies, credentials and query strings redacted).").arg(path));
}

bool MainWindow::exportReport(const QString &path)
{
    if (!m_session)
        return false;
    if (auto written = writeReport(path, m_session->investigation, m_session->result, ReportOptions{}); !written) {
        m_bar->showError(tr("The report could not be written."), written.error().message);
        return false;
    }
    return true;
}

void MainWindow::onLoaded(const SessionPtr &session)
{
    m_session = session;
    m_bar->dismiss();
    const bool first = !m_view->session();
    m_view->setSession(session);
    m_stack->setCurrentWidget(m_view);
    if (first)
        m_view->showTab(InvestigationView::Tab(Preferences::load().defaultTab));
    setWindowTitle(tr("%1 — Gateway Workbench").arg(session->title()));
    statusBar()->showMessage(tr("%1 findings from %2 requests, loaded in %3 ms")
                                 .arg(session->result.findings.size())
                                 .arg(session->result.requests)
                                 .arg(m_loader->elapsedMs()));
    RecentInvestigations::add({session->inputs, m_lastFromLab});
    emit sessionLoaded();
    emit idle();
}

void MainWindow::onFailed(const QString &message)
{
    m_bar->showError(message, message);
    emit idle();
}

} // namespace gwb
