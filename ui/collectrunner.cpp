#include "collectrunner.h"

#include "collect/bundle.h"
#include "collect/collector.h"
#include "collect/multicollect.h"
#include "savedinvestigation.h"
#include "transport/localtransport.h"
#include "transport/sshtransport.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

namespace gwb {

namespace {

struct Built
{
    SessionPtr session;
    Error error;
};

} // namespace

// What the worker thread and the runner share. The worker posts to the runner only through post(), under
// the mutex, and only while `owner` is set: the runner clears it when it goes away, and drops posts of
// work it has moved on from (cancelled or superseded).
struct CollectRunner::Shared : std::enable_shared_from_this<CollectRunner::Shared>
{
    std::mutex mutex;
    CollectRunner *owner = nullptr;
    CancelToken cancel;
    std::atomic_bool stop{false};
    PromptBroker prompts{
        [this](const Prompt &p) { post([p](CollectRunner *r) { emit r->promptRequested(p); }); }};

    std::mutex progressMutex;
    std::map<QString, CollectProgress> hosts;
    std::chrono::steady_clock::time_point lastProgress{};

    void post(std::function<void(CollectRunner *)> f)
    {
        const std::lock_guard lock(mutex);
        if (!owner)
            return;
        QMetaObject::invokeMethod(
            owner,
            [runner = owner, self = shared_from_this(), f = std::move(f)] {
                if (runner->m_shared == self)
                    f(runner);
            },
            Qt::QueuedConnection);
    }

    void abandon()
    {
        {
            const std::lock_guard lock(mutex);
            owner = nullptr;
        }
        stop = true;
        cancel.cancel();
        prompts.shutdown();
    }

    // Progress comes from every host's thread; a few updates a second are enough for a person.
    void progressed(const CollectProgress &p)
    {
        CollectStatus st;
        {
            const std::lock_guard lock(progressMutex);
            hosts[p.host] = p;
            const auto now = std::chrono::steady_clock::now();
            if (now - lastProgress < std::chrono::milliseconds(150) && p.filesDone != p.filesTotal)
                return;
            lastProgress = now;
            st.host = p.host;
            st.file = p.file;
            for (const auto &[host, hp] : hosts) {
                st.bytes += hp.totalBytes;
                st.filesDone += hp.filesDone;
                st.filesTotal += hp.filesTotal;
            }
        }
        post([st](CollectRunner *r) { emit r->progress(st); });
    }

    void fail(const QString &message, bool hostKeyRefusal = false)
    {
        post([message, hostKeyRefusal](CollectRunner *r) {
            r->finish();
            emit r->failed(message, hostKeyRefusal);
        });
    }

    void deliver(const Built &built, const SessionSourcePtr &source)
    {
        post([built, source](CollectRunner *r) {
            r->finish();
            if (built.session)
                emit r->loaded(built.session, source);
            else
                emit r->failed(built.error.message, false);
        });
    }
};

namespace {

LocalInputs inputsOf(const std::vector<Collection> &collections, CollectWindow window)
{
    LocalInputs in;
    in.since = window.since;
    in.until = window.until;
    for (const Collection &c : collections)
        for (const CollectedFile &f : c.files) {
            const QString local = QDir(c.directory).filePath(f.localName);
            if (f.role == CollectedFile::Role::ConfigDump && in.configDump.isEmpty())
                in.configDump = local;
            else if (f.role == CollectedFile::Role::AccessLog)
                in.accessLogs << local;
            else if (f.role == CollectedFile::Role::ErrorLog)
                in.errorLogs << local;
        }
    return in;
}

// The same path as every other load: Investigation → diagnosis → chain and timeline, in one Session. The
// session keeps the spool alive, because events point into the files by offset.
Built buildSession(const std::vector<Collection> &collections, CollectWindow window,
                   const DiagnoseOptions &options, const std::shared_ptr<QTemporaryDir> &spool,
                   const std::atomic_bool &stop)
{
    auto inv = investigationFrom(collections, window, 0, &stop);
    if (stop)
        return {nullptr, {Error::Kind::Cancelled, QString()}};
    if (!inv)
        return {nullptr, inv.error()};
    std::shared_ptr<Session> session(new Session, [spool](Session *s) { delete s; });
    session->inputs = inputsOf(collections, window);
    session->investigation = std::move(inv).value();
    DiagnoseOptions cancellable = options;
    cancellable.cancel = &stop; // Cancel during the diagnosis of a big collection returns at once too
    session->result = Diagnoser::run(session->investigation, cancellable);
    if (stop)
        return {nullptr, {Error::Kind::Cancelled, QString()}};
    session->chain = ChainGraph::build(session->investigation, session->result);
    session->timeline = TimelineIndex::build(session->investigation, session->result);
    return {std::move(session), {}};
}

std::unique_ptr<Transport> sshTransport(const SshOptions &options, CollectRunner::Shared *s)
{
    // Both callbacks run inside libssh calls on this host's thread and block there until the UI answers.
    // A changed key never gets here: HostKeyPolicy refuses it before asking.
    auto askHostKey = [s](const HostKeyInfo &key) {
        Prompt p;
        p.kind = Prompt::Kind::HostKey;
        p.hostKey = key;
        const auto answer = s->prompts.ask(p, s->cancel);
        return answer.has_value() && answer->accepted;
    };
    auto askCredential = [s](const CredentialRequest &request) -> std::optional<QByteArray> {
        Prompt p;
        p.kind = Prompt::Kind::Credential;
        p.credential = request;
        auto answer = s->prompts.ask(p, s->cancel);
        if (!answer)
            return std::nullopt;
        return std::move(answer->secret);
    };
    return std::make_unique<SshTransport>(options, HostKeyPolicy::ask(std::move(askHostKey)),
                                          std::move(askCredential));
}

QString joinedLabels(const std::vector<Collection> &collections)
{
    QStringList labels;
    for (const Collection &c : collections)
        labels << c.hostLabel;
    return labels.join(QStringLiteral(" + "));
}

bool isHostKeyRefusal(const Error &e)
{
    // HostKeyPolicy words a changed or other-type key as a WARNING; an unknown key the user rejected is not
    // one.
    return e.kind == Error::Kind::HostKey && e.message.startsWith(QLatin1StringView("WARNING"));
}

// tar runs here, on the worker thread, and is killed when the user cancels.
Result<QString> unpackArchive(const QString &archive, QTemporaryDir &into, const std::atomic_bool &stop)
{
    QProcess tar;
    // The archive's metadata is data too; GNU tar keeps members inside the directory (no .., no leading /).
    tar.start(QStringLiteral("tar"),
              {QStringLiteral("-xzf"), archive, QStringLiteral("--no-same-owner"),
               QStringLiteral("--no-same-permissions"), QStringLiteral("-C"), into.path()});
    if (!tar.waitForStarted(10000))
        return Error::io(QObject::tr("cannot run tar to unpack %1: %2").arg(archive, tar.errorString()));
    while (!tar.waitForFinished(100)) {
        if (stop) {
            tar.kill();
            tar.waitForFinished(2000);
            return Error{Error::Kind::Cancelled, QString()};
        }
    }
    if (tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0)
        return Error::input(QObject::tr("cannot unpack the bundle %1: %2")
                                .arg(archive, QString::fromLocal8Bit(tar.readAllStandardError()).trimmed()));
    // `gwb collect -o x.tar.gz` packs the bundle's contents; an archive of the bundle directory works too.
    if (QFileInfo::exists(QDir(into.path()).filePath(QStringLiteral("manifest.json"))))
        return into.path();
    const QStringList dirs = QDir(into.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    if (dirs.size() == 1 &&
        QFileInfo::exists(QDir(into.path()).filePath(dirs.first() + QStringLiteral("/manifest.json"))))
        return QDir(into.path()).filePath(dirs.first());
    return Error::input(QObject::tr("%1 holds no manifest.json: it is not a gwb bundle").arg(archive));
}

} // namespace

namespace {

using SharedPtr = std::shared_ptr<CollectRunner::Shared>;

// Worker thread: collect every target side by side (collectAll, as `gwb collect` does), then diagnose.
void collectAndDiagnose(const SharedPtr &s, const CollectJob &job)
{
    auto spool = std::make_shared<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("gwb-collect-XXXXXX")));
    if (!spool->isValid()) {
        s->fail(CollectRunner::tr("Cannot create a directory for the collected logs: %1")
                    .arg(spool->errorString()));
        return;
    }
    CollectOptions o;
    o.window = job.window;
    o.defaultSpan = job.span;
    o.allTime = job.allTime;
    o.sudo = job.sudo;
    o.outputDir = spool->path();
    o.nginxConf = job.nginxConf;
    o.parseWhilePulling = true; // buildSession's investigationFrom takes the parsed access logs
    o.cancel = s->cancel;
    o.onProgress = [raw = s.get()](const CollectProgress &p) { raw->progressed(p); };

    std::vector<CollectTarget> targets;
    const QStringList labels = targetLabels(job);
    for (std::size_t i = 0; i < job.targets.size(); ++i) {
        const CollectJob::Target &t = job.targets[i];
        if (t.local)
            targets.push_back({[] { return std::make_unique<LocalTransport>(); }, labels[qsizetype(i)]});
        else
            targets.push_back({[ssh = t.ssh, raw = s.get()] { return sshTransport(ssh, raw); }, labels[qsizetype(i)]});
    }
    auto results = collectAll(targets, o);
    if (s->stop)
        return;

    auto source = std::make_shared<SessionSource>();
    source->kind = SessionSource::Kind::Collected;
    source->window = job.window;
    source->spool = spool;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i]) {
            source->targets << results[i]->target;
            source->collections.push_back(std::move(results[i]).value());
            continue;
        }
        const Error &e = results[i].error();
        if (isHostKeyRefusal(e) && source->hostKeyRefusal.isEmpty())
            source->hostKeyRefusal = e.message;
        if (e.kind != Error::Kind::Cancelled)
            source->problems << (results.size() == 1
                                     ? e.message
                                     : QStringLiteral("%1: %2").arg(targets[i].hostLabel, e.message));
    }
    if (source->collections.empty()) {
        s->fail(source->problems.join(QLatin1Char('\n')), !source->hostKeyRefusal.isEmpty());
        return;
    }
    source->title = joinedLabels(source->collections);
    const Built built = buildSession(source->collections, job.window, job.diagnose, spool, s->stop);
    if (!s->stop)
        s->deliver(built, source);
}

// Worker thread: unpack (a .tar.gz), read the saved investigation's description (a .gwbi), load the bundle
// with its checksums verified, then diagnose.
void openAndDiagnose(const SharedPtr &s, const OpenPath &what, const DiagnoseOptions &options)
{
    auto source = std::make_shared<SessionSource>();
    source->path = what.path;
    source->kind = SessionSource::Kind::Bundle;
    QString bundleDir = what.path;
    switch (what.kind) {
    case OpenPath::Kind::Unknown:
        s->fail(CollectRunner::tr(
                    "%1 is neither a gwb bundle (a directory with manifest.json, or a .tar.gz of one) "
                    "nor a saved investigation (.gwbi)")
                    .arg(what.path));
        return;
    case OpenPath::Kind::BundleArchive: {
        source->spool =
            std::make_shared<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("gwb-bundle-XXXXXX")));
        if (!source->spool->isValid()) {
            s->fail(CollectRunner::tr("Cannot create a directory to unpack the bundle into: %1")
                        .arg(source->spool->errorString()));
            return;
        }
        auto dir = unpackArchive(what.path, *source->spool, s->stop);
        if (!dir) {
            if (!s->stop)
                s->fail(dir.error().message);
            return;
        }
        bundleDir = *dir;
        break;
    }
    case OpenPath::Kind::BundleDirectory:
        break;
    case OpenPath::Kind::Saved: {
        auto saved = SavedInvestigation::read(what.path);
        if (!saved) {
            s->fail(saved.error().message);
            return;
        }
        source->kind = SessionSource::Kind::Saved;
        source->title = saved->title;
        source->window = saved->window;
        source->targets = saved->targets;
        source->checks = saved->savedChecks();
        bundleDir = saved->dataDirectory();
        break;
    }
    }
    auto loaded = Bundle::load(bundleDir);
    if (!loaded) {
        s->fail(loaded.error().message);
        return;
    }
    source->collections = std::move(loaded).value();
    if (source->targets.isEmpty())
        for (const Collection &c : source->collections)
            source->targets << c.target;
    if (source->title.isEmpty())
        source->title = CollectRunner::tr("bundle %1").arg(joinedLabels(source->collections));
    const Built built = buildSession(source->collections, source->window, options, source->spool, s->stop);
    if (!s->stop)
        s->deliver(built, source);
}

} // namespace

CollectRunner::CollectRunner(QObject *parent) : QObject(parent) {}

CollectRunner::~CollectRunner()
{
    if (m_shared)
        m_shared->abandon();
    m_shared.reset();
    // The worker notices the cancel within ~100 ms, unless libssh is inside a connect; never hang the exit on
    // it.
    if (m_thread && m_thread->wait(QDeadlineTimer(3000)))
        delete m_thread.data();
}

qint64 CollectRunner::elapsedMs() const
{
    return QDateTime::currentMSecsSinceEpoch() - m_startedMs;
}

void CollectRunner::launch(const QString &what, std::function<void(const std::shared_ptr<Shared> &)> work)
{
    cancel();
    auto shared = std::make_shared<Shared>();
    shared->owner = this;
    m_shared = shared;
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    QThread *thread = QThread::create([shared, work = std::move(work)] { work(shared); });
    thread->setObjectName(QStringLiteral("collect"));
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    emit started(what);
    thread->start();
}

void CollectRunner::finish()
{
    m_shared.reset();
}

void CollectRunner::cancel()
{
    if (!m_shared)
        return;
    m_shared->abandon();
    m_shared.reset();
    emit cancelled();
}

void CollectRunner::answerPrompt(quint64 promptId, PromptAnswer answer)
{
    if (m_shared)
        m_shared->prompts.answer(promptId, std::move(answer));
}

void CollectRunner::collect(const CollectJob &job)
{
    m_job = job;
    QStringList names;
    for (const CollectJob::Target &t : job.targets)
        names << (t.local ? tr("this machine") : t.ssh.host);
    launch(tr("Connecting to %1, finding nginx and reading its configuration…")
               .arg(names.join(QStringLiteral(", "))),
           [job](const SharedPtr &s) { collectAndDiagnose(s, job); });
}

void CollectRunner::open(const QString &picked, const DiagnoseOptions &options)
{
    const OpenPath what = resolveOpenPath(picked);
    launch(tr("Reading %1, verifying checksums, classifying failures…").arg(QFileInfo(what.path).fileName()),
           [what, options](const SharedPtr &s) { openAndDiagnose(s, what, options); });
}

QStringList targetLabels(const CollectJob &job)
{
    QStringList out;
    std::set<QString> taken;
    for (const CollectJob::Target &t : job.targets) {
        QString label = t.label;
        if (label.isEmpty() && t.local)
            label = QStringLiteral("local");
        else if (label.isEmpty())
            label = hostLabelFor(t.ssh.port ? QStringLiteral("%1:%2").arg(t.ssh.host).arg(t.ssh.port) : t.ssh.host);
        const QString base = label;
        for (int n = 2; !taken.insert(label).second; ++n)
            label = base + QStringLiteral("-%1").arg(n);
        out << label;
    }
    return out;
}

} // namespace gwb
