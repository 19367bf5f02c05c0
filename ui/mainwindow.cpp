#include "mainwindow.h"

#include "report/report.h"
#ifdef GWB_HAVE_REPORT_PDF
#include "reportpdf.h"
#endif

#include "connectdialog.h"
#include "followrunner.h"
#include "hostkeydialog.h"
#include "investigationloader.h"
#include "investigationview.h"
#include "labrunner.h"
#include "messagebar.h"
#include "openfilesdialog.h"
#include "preferences.h"
#include "savedinvestigation.h"
#include "secretstore.h"
#include "trainingwindow.h"
#include "checks/checkengine.h"
#include "checkprompts.h"
#include "checkspage.h"
#include "transport/localtransport.h"
#include "transport/sshtransport.h"
#include "welcomepage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
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
    // Check results belong to the investigation: kept for File → Save investigation.
    connect(m_view->checks(), &ChecksPage::resultsChanged, this, [this](const QJsonObject &checks) { m_checks = checks; });
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
    m_collect = new CollectRunner(this);
    m_saver = new InvestigationSaver(this);
    m_secrets = new SecretStore(this);
    m_prompts = new PromptPresenter(m_collect, this, m_secrets, this);
    // Made after the view: the checks page (which waits for its worker when it goes) is destroyed first.
    m_checkPrompts = new CheckPrompts(this, m_secrets, this);
    connect(m_view->checks(), &ChecksPage::runFinished, m_checkPrompts, &CheckPrompts::runEnded);
    connect(m_checkPrompts->presenter(), &PromptPresenter::keychainProblem, this,
            [this](const QString &problem) { statusBar()->showMessage(problem, 15000); });
    const QString script = LabRunner::labScript();
    m_welcome->setLabAvailable(!script.isEmpty(),
                               tr("Not available: lab/gwb-lab was not found next to this program"));

    connect(m_welcome, &WelcomePage::openFilesRequested, this, &MainWindow::openFilesDialog);
    connect(m_welcome, &WelcomePage::openLocalRequested, this, &MainWindow::openLocalMachine);
    connect(m_welcome, &WelcomePage::openLabRequested, this, &MainWindow::openLab);
    connect(m_welcome, &WelcomePage::trainingRequested, this, &MainWindow::openTraining);
    connect(m_welcome, &WelcomePage::connectRequested, this, &MainWindow::connectDialog);
    connect(m_welcome, &WelcomePage::openBundleRequested, this, &MainWindow::openBundleDialog);
    connect(m_welcome, &WelcomePage::openRecentRequested, this, [this](const RecentEntry &e) {
        switch (e.kind) {
        case RecentEntry::Kind::Lab:
            openLab();
            return;
        case RecentEntry::Kind::Bundle:
        case RecentEntry::Kind::Saved:
            openBundle(e.path);
            return;
        case RecentEntry::Kind::Files:
            openInputs(e.inputs);
            return;
        }
    });
    connect(m_loader, &InvestigationLoader::started, this,
            [this] { m_bar->showProgress(tr("Reading the configuration and logs, classifying failures…")); });
    connect(m_loader, &InvestigationLoader::stageChanged, this, [this](InvestigationLoader::Stage stage) {
        if (stage == InvestigationLoader::Stage::Diagnosing)
            m_bar->showProgress(tr("Classifying failures and joining error lines to requests…"));
        else if (stage == InvestigationLoader::Stage::BuildingViews)
            m_bar->showProgress(tr("Building the chain and the timeline…"));
    });
    connect(m_loader, &InvestigationLoader::loaded, this, &MainWindow::onLoaded);
    connect(m_loader, &InvestigationLoader::failed, this, &MainWindow::onFailed);
    connect(m_loader, &InvestigationLoader::cancelled, this, [this] {
        m_bar->showInfo(tr("Loading cancelled. What was open before is still here."));
        emit idle();
    });
    connect(m_lab, &LabRunner::progress, this, [this](const QString &step) { m_bar->showProgress(step); });
    connect(m_lab, &LabRunner::failed, this, &MainWindow::onFailed);
    connect(m_lab, &LabRunner::ready, this,
            [this](const QString &dump, const QStringList &access, const QStringList &error) {
                LocalInputs in;
                in.configDump = dump;
                in.accessLogs = access;
                in.errorLogs = error;
                openInputs(in, true);
            });
    connectCollectRunner();

    m_follow = new FollowRunner(this);
    m_followLoader = new InvestigationLoader(this);
    m_followRefresh = new QTimer(this);
    m_followRefresh->setInterval(3000);
    m_followStatus = new QLabel(this);
    m_followStatus->setObjectName(QStringLiteral("followStatus"));
    m_followStatus->hide();
    statusBar()->addPermanentWidget(m_followStatus);
    connect(m_follow, &FollowRunner::linesArrived, this, &MainWindow::updateFollowStatus);
    connect(m_follow, &FollowRunner::noteAdded, this,
            [this](const FollowNote &note) { statusBar()->showMessage(note.message, 15000); });
    connect(m_follow, &FollowRunner::failed, this, [this](const QString &message) {
        m_bar->showError(tr("Follow stopped: %1").arg(message.section(QLatin1Char('\n'), 0, 0)), message);
        setFollowing(false);
    });
    connect(m_followRefresh, &QTimer::timeout, this, &MainWindow::refreshFromFollow);
    connect(m_followLoader, &InvestigationLoader::loaded, this, &MainWindow::onFollowRefreshed);
    connect(m_followLoader, &InvestigationLoader::failed, this, [this](const QString &message) {
        statusBar()->showMessage(tr("Could not refresh from the followed logs: %1").arg(message), 15000);
    });
    connect(m_bar, &MessageBar::cancelRequested, this, &MainWindow::cancelLoad);
    connect(m_bar, &MessageBar::retryRequested, this, &MainWindow::reload);
    createMenus();
#ifdef GWB_HAVE_REPORT_PDF
    installPdfReportWriter();
#endif
    statusBar()->showMessage(
        tr("Connect to a server, open a bundle, an nginx -T dump and its logs, this machine, or "
           "the practice lab."));
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Connect to a server…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this,
                    &MainWindow::connectDialog);
    file->addAction(tr("&Open files…"), QKeySequence::Open, this, &MainWindow::openFilesDialog);
    file->addAction(tr("Open &bundle…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    &MainWindow::openBundleDialog);
    file->addAction(tr("Open this &machine"), this, &MainWindow::openLocalMachine);
    file->addAction(tr("Open the practice &lab"), this, &MainWindow::openLab);
    file->addSeparator();
    file->addAction(tr("&Save investigation…"), QKeySequence::Save, this,
                    &MainWindow::saveInvestigationDialog);
    file->addAction(tr("&Reload"), QKeySequence(Qt::Key_F5), this, &MainWindow::reload);
    m_followAction = file->addAction(tr("&Follow live"));
    m_followAction->setObjectName(QStringLiteral("followLive"));
    m_followAction->setCheckable(true);
    m_followAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_followAction->setIcon(QIcon::fromTheme(QStringLiteral("media-playback-start")));
    connect(m_followAction, &QAction::toggled, this, &MainWindow::setFollowing);
    QToolBar *toolbar = addToolBar(tr("Follow"));
    toolbar->setObjectName(QStringLiteral("followToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    toolbar->addAction(m_followAction);
    updateFollowAvailability();
    file->addAction(tr("&Export report…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                    &MainWindow::exportReportDialog);
    file->addAction(tr("&Close investigation"), QKeySequence(Qt::CTRL | Qt::Key_W), this,
                    &MainWindow::closeInvestigation);
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
    QMenu *training = menuBar()->addMenu(tr("&Training"));
    training->addAction(tr("&Training mode…"), QKeySequence(Qt::CTRL | Qt::Key_T), this, &MainWindow::openTraining);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(
            this, tr("About Gateway Workbench"),
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
    setFollowing(false);
    cancelLoad();
    event->accept();
}

bool MainWindow::isBusy() const
{
    return m_loader->isRunning() || m_lab->isRunning() || m_collect->isRunning() || m_saver->isRunning();
}

void MainWindow::openInputs(const LocalInputs &inputs, bool fromLab)
{
    m_collect->cancel();
    m_lastFromLab = fromLab;
    // Files from this machine's nginx (or the lab) are checked here; files from elsewhere have no host.
    m_checksHost = fromLab || m_openingLocal ? ChecksHost::Local : ChecksHost::None;
    m_openingLocal = false;
    m_reload = [this, inputs, fromLab] { openInputs(inputs, fromLab); };
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
    if (in.configDump.isEmpty() && in.configFile.isEmpty() && in.accessLogs.isEmpty() &&
        in.errorLogs.isEmpty())
        return;
    openInputs(in);
}

void MainWindow::openLocalMachine()
{
    LocalInputs in;
    in.configFile = QStringLiteral("/etc/nginx/nginx.conf");
    if (!QFileInfo(in.configFile).isReadable()) {
        onFailed(tr("Cannot read %1: is nginx installed here, and may this user read its config?")
                     .arg(in.configFile));
        return;
    }
    m_openingLocal = true;
    openInputs(in);
}

void MainWindow::openLab()
{
    m_lastFromLab = true;
    m_lab->start();
}

void MainWindow::reload()
{
    if (m_reload)
        m_reload();
}

void MainWindow::closeInvestigation()
{
    setFollowing(false);
    cancelLoad();
    m_session.reset();
    m_source.reset();
    m_checks = {};
    m_view->setSession(nullptr);
    m_stack->setCurrentWidget(m_welcome);
    m_welcome->refreshRecent();
    statusBar()->clearMessage();
    setWindowTitle(tr("Gateway Workbench"));
}

void MainWindow::cancelLoad()
{
    m_lab->cancel();
    m_loader->cancel();
    m_collect->cancel();
    m_saver->cancel();
    if (!isBusy() && m_bar->isShowingProgress())
        m_bar->showInfo(tr("Cancelled."));
}

void MainWindow::exportReportDialog()
{
    if (!m_session) {
        m_bar->showInfo(tr("Open an investigation first; the report describes what is on screen."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export report"),
                                                      QStringLiteral("gateway-workbench-report.html"),
                                                      tr("Self-contained HTML (*.html);;PDF (*.pdf)"));
    if (!path.isEmpty() && exportReport(path))
        m_bar->showInfo(
            tr("Report written to %1 (client addresses, cookies, credentials and query strings redacted).")
                .arg(path));
}

bool MainWindow::exportReport(const QString &path)
{
    if (!m_session)
        return false;
    ReportOptions options;
    // The guided checks run so far go into the report's "Guided checks" section.
    if (auto run = checkRunFromJson(m_checks))
        options.checks = reportChecksOf(*run);
    if (auto written = writeReport(path, m_session->investigation, m_session->result, options); !written) {
        m_bar->showError(tr("The report could not be written."), written.error().message);
        return false;
    }
    return true;
}

void MainWindow::showSession(const SessionPtr &session, const QString &title, qint64 elapsedMs)
{
    setFollowing(false); // a new investigation: what was followed belongs to the old one
    m_session = session;
    m_bar->dismiss();
    const bool first = !m_view->session();
    m_view->setSession(session);
    m_stack->setCurrentWidget(m_view);
    if (first)
        m_view->showTab(InvestigationView::Tab(Preferences::load().defaultTab));
    setWindowTitle(tr("%1 — Gateway Workbench").arg(title));
    statusBar()->showMessage(tr("%1 findings from %2 requests, loaded in %3 ms")
                                 .arg(session->result.findings.size())
                                 .arg(session->result.requests)
                                 .arg(elapsedMs));
    updateFollowAvailability();
}

void MainWindow::onLoaded(const SessionPtr &session)
{
    m_source.reset();
    m_checks = {};
    showSession(session, session->title(), m_loader->elapsedMs());
    configureChecks();
    RecentInvestigations::add(m_lastFromLab ? RecentEntry::lab() : RecentEntry::files(session->inputs));
    emit sessionLoaded();
    emit idle();
}

void MainWindow::onFailed(const QString &message)
{
    m_bar->showError(message, message);
    emit idle();
}

void MainWindow::connectCollectRunner()
{
    connect(m_collect, &CollectRunner::started, this,
            [this](const QString &what) { m_bar->showProgress(what); });
    connect(m_collect, &CollectRunner::progress, this, [this](const CollectStatus &st) {
        const QString size = st.bytes >= 10 * 1024 * 1024 ? tr("%1 MiB").arg(st.bytes / (1024 * 1024))
                                                          : tr("%1 KiB").arg((st.bytes + 1023) / 1024);
        m_bar->showProgress(tr("Collecting from %1: %2 — %3 transferred, %4 of %5 log files")
                                .arg(st.host, QFileInfo(st.file).fileName(), size)
                                .arg(st.filesDone)
                                .arg(st.filesTotal));
    });
    connect(m_collect, &CollectRunner::loaded, this, &MainWindow::onCollected);
    connect(m_collect, &CollectRunner::failed, this, [this](const QString &message, bool hostKeyRefusal) {
        m_prompts->collectionEnded();
        if (hostKeyRefusal)
            m_prompts->showRefusal(message);
        m_bar->showError(hostKeyRefusal
                             ? tr("Not connected: the server's host key does not match the one recorded.")
                             : message.section(QLatin1Char('\n'), 0, 0),
                         message);
        emit idle();
    });
    connect(m_collect, &CollectRunner::cancelled, this, [this] {
        m_prompts->collectionEnded();
        m_bar->showInfo(tr("Cancelled. What was open before is still here."));
        emit idle();
    });
    connect(m_prompts, &PromptPresenter::keychainProblem, this, [this](const QString &problem) {
        statusBar()->showMessage(problem, 15000); // the password is asked instead: nothing to fix right now
    });
    connect(m_saver, &InvestigationSaver::saved, this, [this](const QString &dir) {
        auto saved = SavedInvestigation::read(dir);
        RecentInvestigations::add({RecentEntry::Kind::Saved, {}, dir, saved ? saved->title : QString()});
        m_bar->showInfo(tr("Saved to %1 with its data; reopen it with File → Open bundle.").arg(dir));
        emit investigationSaved(dir);
        emit idle();
    });
    connect(m_saver, &InvestigationSaver::failed, this, [this](const QString &message) {
        m_bar->showError(tr("The investigation could not be saved: %1").arg(message), message);
        emit idle();
    });
    connect(m_saver, &InvestigationSaver::cancelled, this, [this] {
        m_bar->showInfo(tr("Saving cancelled; nothing was left half-written."));
        emit idle();
    });
}

void MainWindow::onCollected(const SessionPtr &session, const SessionSourcePtr &source)
{
    m_prompts->collectionSucceeded();
    m_source = source;
    m_checks = source->checks;
    showSession(session, source->title, m_collect->elapsedMs());
    // Collected over SSH: the checks run on the first host; a bundle or saved investigation has no host.
    m_checksHost = source->kind == SessionSource::Kind::Collected && !m_lastJob.targets.empty() ? ChecksHost::Ssh
                                                                                              : ChecksHost::None;
    configureChecks();
    if (source->kind != SessionSource::Kind::Collected)
        RecentInvestigations::add({source->kind == SessionSource::Kind::Saved ? RecentEntry::Kind::Saved
                                                                              : RecentEntry::Kind::Bundle,
                                   {},
                                   source->path,
                                   source->title});
    if (!source->hostKeyRefusal.isEmpty())
        m_prompts->showRefusal(source->hostKeyRefusal);
    if (!source->problems.isEmpty())
        m_bar->showError(tr("%n host(s) could not be collected; the investigation shows the others.", nullptr,
                            int(source->problems.size())),
                         source->problems.join(QLatin1Char('\n')));
    emit sessionLoaded();
    emit idle();
}

void MainWindow::connectDialog()
{
    ConnectDialog dialog(this, m_sshConfigPath);
    dialog.setKeychainAvailable(SecretStore::isAvailable(), SecretStore::unavailableReason());
    if (dialog.exec() == QDialog::Accepted)
        collect(dialog.request());
}

void MainWindow::collect(const ConnectRequest &request)
{
    CollectJob job;
    for (const SavedTarget &t : request.targets) {
        job.targets.push_back({t.sshOptions(request.sshConfigPath), false, {}});
        // One set of collect options serves every host: what one target allows, the collection may use.
        if (t.sudo)
            job.sudo = SudoUse::Allowed;
        if (job.nginxConf.isEmpty())
            job.nginxConf = t.nginxConf;
        job.rememberPasswords = job.rememberPasswords || t.rememberPassword;
    }
    if (request.window.preset == WindowChoice::Preset::Custom)
        job.window = {request.window.since, request.window.until};
    else
        job.span = request.window.span();
    collect(job);
}

void MainWindow::collect(const CollectJob &job)
{
    if (job.targets.empty())
        return;
    m_loader->cancel();
    m_lab->cancel();
    m_prompts->collectionEnded();
    CollectJob withPrefs = job;
    withPrefs.diagnose.evidencePerFinding = Preferences::load().evidencePerFinding;
    m_reload = [this, job] { collect(job); };
    m_lastJob = job;
    m_collect->collect(withPrefs);
}

void MainWindow::openBundle(const QString &path)
{
    m_loader->cancel();
    m_lab->cancel();
    DiagnoseOptions options;
    options.evidencePerFinding = Preferences::load().evidencePerFinding;
    m_reload = [this, path] { openBundle(path); };
    m_collect->open(path, options);
}

void MainWindow::openBundleDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a bundle or saved investigation"), QString(),
                                     tr("Bundles and saved investigations (manifest.json investigation.json "
                                        "*.tar.gz *.tgz);;All files (*)"));
    if (!path.isEmpty())
        openBundle(path);
}

bool MainWindow::saveInvestigation(const QString &directory)
{
    if (!m_session) {
        m_bar->showInfo(tr("Open an investigation first; saving keeps its data to reopen it later."));
        return false;
    }
    if (m_saver->isRunning())
        return false;
    SavedInvestigation meta;
    std::vector<Collection> collections;
    if (m_source) {
        meta.title = m_source->title;
        meta.targets = m_source->targets;
        collections = m_source->collections;
        meta.window = m_source->window;
        // Open sides as the collections had them, so the saved file says which window the data covers.
        for (const Collection &c : collections) {
            if (meta.window.since == kNoTime)
                meta.window.since = c.window.since;
            if (meta.window.until == kNoTime)
                meta.window.until = c.window.until;
        }
    } else {
        meta.title = m_session->title();
        meta.targets = {QStringLiteral("files")};
        meta.window = {m_session->inputs.since, m_session->inputs.until};
    }
    meta.setSavedChecks(m_checks);
    m_bar->showProgress(tr("Saving the investigation and its data to %1…").arg(directory));
    m_saver->start(directory, meta, std::move(collections), m_session);
    return true;
}

void MainWindow::saveInvestigationDialog()
{
    if (!m_session) {
        m_bar->showInfo(tr("Open an investigation first; saving keeps its data to reopen it later."));
        return;
    }
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
    QString suggested = m_source ? m_source->title : m_session->title();
    suggested.replace(unsafe, QStringLiteral("-"));
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save investigation"), suggested + QLatin1StringView(SavedInvestigation::kSuffix),
        tr("Saved investigation, a folder (*.gwbi)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1StringView(SavedInvestigation::kSuffix)))
        path += QLatin1StringView(SavedInvestigation::kSuffix);
    saveInvestigation(path);
}

void MainWindow::openTraining()
{
    // One training window at a time; it lives on its own and comes back to the front when asked again.
    if (!m_training) {
        m_training = new TrainingWindow(this);
        m_training->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_training, &TrainingWindow::investigateRequested, this,
                [this](const LocalInputs &inputs) { openInputs(inputs); });
    }
    m_training->show();
    m_training->raise();
    m_training->activateWindow();
}

void MainWindow::configureChecks()
{
    ChecksPage *page = m_view->checks();
    switch (m_checksHost) {
    case ChecksHost::Local:
        page->setTransportFactory([](const CancelToken &) { return std::make_unique<LocalTransport>(); });
        page->setSudo(SudoUse::No);
        break;
    case ChecksHost::Ssh: {
        const CollectJob::Target target = m_lastJob.targets.front();
        if (target.local) {
            page->setTransportFactory([](const CancelToken &) { return std::make_unique<LocalTransport>(); });
        } else {
            // The collection verified (or recorded, when the user trusted it) this host's key; a key that
            // changed since is refused. A passphrase or password is asked like the collection asked it (the
            // keychain's password first when the user chose to remember it).
            const SshOptions options = target.ssh;
            m_checkPrompts->setRememberPasswords(m_lastJob.rememberPasswords);
            page->setTransportFactory([prompts = QPointer<CheckPrompts>(m_checkPrompts),
                                       options](const CancelToken &cancel) -> std::unique_ptr<Transport> {
                if (!prompts)
                    return std::make_unique<SshTransport>(options, HostKeyPolicy::refuseUnknown());
                return prompts->sshTransport(options, cancel);
            });
        }
        page->setSudo(m_lastJob.sudo);
        break;
    }
    case ChecksHost::None:
        page->setTransportFactory({});
        page->setSudo(SudoUse::No);
        break;
    }
    if (!m_checks.isEmpty())
        page->restoreResults(m_checks);
}

void MainWindow::setFollowTiming(std::chrono::milliseconds poll, std::chrono::milliseconds refresh)
{
    m_followPoll = poll;
    m_followRefresh->setInterval(int(refresh.count()));
}

bool MainWindow::isFollowing() const
{
    return m_follow->isRunning();
}

void MainWindow::updateFollowAvailability()
{
    QString whyNot;
    if (!m_session)
        whyNot = tr("Open an investigation of a server, this machine or the practice lab to follow its logs.");
    else if (m_source && m_source->kind != SessionSource::Kind::Collected)
        whyNot = tr("A bundle or saved investigation does not grow: follow needs a server, this machine or the "
                    "practice lab.");
    else if (!m_source && m_checksHost != ChecksHost::Local)
        whyNot = tr("Files opened by hand are read as they are: follow needs a server, this machine or the "
                    "practice lab.");
    m_followAction->setEnabled(whyNot.isEmpty());
    m_followAction->setToolTip(whyNot.isEmpty()
                                   ? tr("Tail the logs live: new lines go into the investigation and the views "
                                        "refresh every few seconds while lines arrive (rotation is followed)")
                                   : whyNot);
}

void MainWindow::setFollowing(bool on)
{
    if (on && m_follow->isRunning())
        return;
    if (!on) {
        m_follow->stop();
        m_followRefresh->stop();
        m_followLoader->cancel();
        m_followStatus->hide();
        const QSignalBlocker quiet(m_followAction);
        m_followAction->setChecked(false);
        return;
    }
    const QSignalBlocker quiet(m_followAction);
    if (!m_session) {
        m_followAction->setChecked(false);
        return;
    }
    FollowRunner::Plan plan =
        FollowRunner::planFor(*m_session, m_source.get(), m_lastJob, !m_source && m_checksHost == ChecksHost::Local);
    if (!plan.whyNot.isEmpty()) {
        m_bar->showInfo(plan.whyNot);
        m_followAction->setChecked(false);
        return;
    }
    FollowOptions options;
    options.interval = m_followPoll;
    m_follow->start(std::move(plan.targets), options);
    m_followShownLines = 0;
    m_followRefresh->start();
    m_followAction->setChecked(true);
    if (!plan.notes.isEmpty())
        statusBar()->showMessage(plan.notes.join(QLatin1Char(' ')), 15000);
    updateFollowStatus();
    m_followStatus->show();
}

void MainWindow::updateFollowStatus()
{
    const QDateTime last = m_follow->lastLineAt();
    const QString files = m_follow->files() == 1 ? tr("1 file") : tr("%1 files").arg(m_follow->files());
    m_followStatus->setText(last.isValid() ? tr("● Following %1, %2 new lines, last at %3")
                                                 .arg(files)
                                                 .arg(m_follow->newLines())
                                                 .arg(last.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                                           : tr("● Following %1, no new lines yet").arg(files));
}

void MainWindow::refreshFromFollow()
{
    // Only when something arrived, and never over a load the user started.
    if (!m_session || m_follow->newLines() == m_followShownLines || m_followLoader->isRunning() || isBusy())
        return;
    m_followShownLines = m_follow->newLines();
    DiagnoseOptions options;
    options.evidencePerFinding = Preferences::load().evidencePerFinding;
    m_followLoader->start(m_session->inputs, options);
}

void MainWindow::onFollowRefreshed(const SessionPtr &session)
{
    if (!m_follow->isRunning() || !m_session)
        return; // stopped or replaced meanwhile
    // The same investigation with more data: the source, the checks and what the user picked stay.
    const ViewFilter filter = m_view->selection()->filter();
    const SessionPtr before = m_session;
    m_session = session;
    m_view->setSession(session);
    FollowRunner::applyFilter(*m_view->selection(), FollowRunner::carryFilter(filter, before->result, session->result));
    if (!m_checks.isEmpty())
        m_view->checks()->restoreResults(m_checks);
    statusBar()->showMessage(tr("%1 findings from %2 requests, refreshed from the followed logs")
                                 .arg(session->result.findings.size())
                                 .arg(session->result.requests));
}

} // namespace gwb
