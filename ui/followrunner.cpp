#include "followrunner.h"

#include "collect/collector.h"
#include "collect/followplan.h"
#include "transport/localtransport.h"
#include "transport/sshtransport.h"

#include <QFile>
#include <QRegularExpression>
#include <QThread>
#include <mutex>
#include <set>

namespace gwb {

// Between the follow thread and the runner: the worker posts through here, and once the runner stops
// or goes away nothing it posts arrives.
struct FollowRunner::Shared
{
    std::mutex lock;
    FollowRunner *owner = nullptr;
    CancelToken cancel;

    void post(std::function<void(FollowRunner *)> fn)
    {
        std::scoped_lock guard(lock);
        if (!owner)
            return;
        QMetaObject::invokeMethod(
            owner,
            [self = this, runner = owner, fn = std::move(fn)] {
                if (runner->m_shared.get() == self)
                    fn(runner);
            },
            Qt::QueuedConnection);
    }
    void abandon()
    {
        cancel.cancel();
        std::scoped_lock guard(lock);
        owner = nullptr;
    }
};

FollowRunner::FollowRunner(QObject *parent) : QObject(parent) {}

FollowRunner::~FollowRunner()
{
    stop();
    // The worker sees the cancel within a poll; do not hang the window's close on a slow host.
    if (m_thread && m_thread->wait(QDeadlineTimer(3000)))
        delete m_thread.data();
}

void FollowRunner::start(std::vector<FollowTarget> targets, const FollowOptions &options)
{
    stop();
    auto shared = std::make_shared<Shared>();
    shared->owner = this;
    m_shared = shared;
    m_files = 0;
    for (const FollowTarget &t : targets)
        m_files += int(t.files.size());
    m_newLines = 0;
    m_failures = 0;
    m_lastLineAt = {};
    m_linesPerHost.clear();

    QThread *thread = QThread::create([shared, targets = std::move(targets), options]() mutable {
        FollowSink sink;
        sink.failure = [&shared](const FollowFailure &f) {
            shared->post([f](FollowRunner *r) {
                ++r->m_failures;
                emit r->failureSeen(f);
            });
        };
        sink.note = [&shared](const FollowNote &n) {
            shared->post([n](FollowRunner *r) { emit r->noteAdded(n); });
        };
        sink.progress = [&shared](const FollowProgress &p) {
            shared->post([p](FollowRunner *r) {
                r->m_linesPerHost[p.host] = p.newLines;
                quint64 total = 0;
                for (const auto &[host, lines] : r->m_linesPerHost)
                    total += lines;
                r->m_newLines = total;
                r->m_lastLineAt = QDateTime::fromMSecsSinceEpoch(p.lastLineUtcMs);
                emit r->linesArrived(total);
            });
        };
        const auto ends = followAll(std::move(targets), options, sink, shared->cancel);
        QStringList problems;
        for (const Result<void> &end : ends)
            if (!end)
                problems << end.error().message;
        if (!problems.isEmpty())
            shared->post([message = problems.join(QLatin1Char('\n'))](FollowRunner *r) {
                r->m_shared.reset();
                emit r->failed(message);
            });
    });
    thread->setObjectName(QStringLiteral("follow"));
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start();
}

void FollowRunner::stop()
{
    if (!m_shared)
        return;
    m_shared->abandon();
    m_shared.reset();
}

namespace {

bool isRotatedName(const QString &path)
{
    static const QRegularExpression rotated(QStringLiteral(R"((\.\d+|-\d{8})(\.gz)?$|\.gz$)"));
    return rotated.match(path).hasMatch();
}

} // namespace

FollowRunner::Plan FollowRunner::planFor(const Session &session, const SessionSource *source, const CollectJob &job,
                                         bool filesAreThisMachine)
{
    Plan plan;
    if (source && source->kind != SessionSource::Kind::Collected) {
        plan.whyNot = tr("A bundle or saved investigation does not grow: follow needs a server, this machine "
                         "or the practice lab.");
        return plan;
    }
    if (source) {
        // The hosts as the collection labelled them (collectrunner: the target's label, else "local" or
        // host[:port], made unique), reached again the same way. No prompts here: the collection verified
        // the host key, and a host that wants a typed password says so when following starts.
        std::map<QString, std::function<std::unique_ptr<Transport>()>> connectors;
        const QStringList labels = targetLabels(job);
        for (std::size_t i = 0; i < job.targets.size(); ++i) {
            const CollectJob::Target &t = job.targets[i];
            if (t.local)
                connectors[labels[qsizetype(i)]] = [] { return std::make_unique<LocalTransport>(); };
            else
                connectors[labels[qsizetype(i)]] = [ssh = t.ssh] {
                    return std::make_unique<SshTransport>(ssh, HostKeyPolicy::refuseUnknown());
                };
        }
        for (const Collection &c : source->collections) {
            const auto connector = connectors.find(c.hostLabel);
            if (connector == connectors.end())
                continue;
            std::vector<Diagnostic> notes;
            FollowTarget t;
            t.hostLabel = c.hostLabel;
            t.connect = connector->second;
            t.sudo = job.sudo;
            t.files = followFilesOf(c, notes);
            for (const Diagnostic &d : notes)
                plan.notes << d.message;
            if (!t.files.empty())
                plan.targets.push_back(std::move(t));
        }
        if (plan.targets.empty())
            plan.whyNot = tr("None of the collected hosts has a log file to follow.");
        return plan;
    }
    if (!filesAreThisMachine) {
        plan.whyNot = tr("Files opened by hand are read as they are: follow needs a server, this machine or the "
                         "practice lab.");
        return plan;
    }
    // This machine's files (the lab, this nginx): followed in place with the formats the session parsed them with.
    FollowTarget t;
    t.hostLabel = QStringLiteral("local");
    t.connect = [] { return std::make_unique<LocalTransport>(); };
    const Investigation &inv = session.investigation;
    for (const ErrorLogResult &log : inv.errorLogs) {
        if (!log.text || isRotatedName(log.text->path()))
            continue;
        FollowFile f;
        f.path = QFile::encodeName(log.text->path());
        f.role = CollectedFile::Role::ErrorLog;
        f.localCopy = log.text->path();
        t.files.push_back(std::move(f));
    }
    for (std::size_t i = 0; i < inv.accessLogs.size() && i < inv.accessFormats.size(); ++i) {
        const AccessLogResult &log = inv.accessLogs[i];
        if (!log.text || isRotatedName(log.text->path()))
            continue;
        FollowFile f;
        f.path = QFile::encodeName(log.text->path());
        f.role = CollectedFile::Role::AccessLog;
        f.localCopy = log.text->path();
        f.format = inv.accessFormats[i];
        t.files.push_back(std::move(f));
    }
    if (t.files.empty())
        plan.whyNot = tr("This investigation read no log file that could be followed.");
    else
        plan.targets.push_back(std::move(t));
    return plan;
}

ViewFilter FollowRunner::carryFilter(const ViewFilter &filter, const DiagnosisResult &before,
                                     const DiagnosisResult &after)
{
    ViewFilter next = filter;
    next.finding = -1;
    if (filter.finding >= 0 && std::size_t(filter.finding) < before.findings.size()) {
        // Findings are ordered worst first, and new failures can reorder them: find the same one again.
        const Finding &was = before.findings[std::size_t(filter.finding)];
        for (std::size_t i = 0; i < after.findings.size(); ++i) {
            const Finding &f = after.findings[i];
            if (f.cause == was.cause && f.upstream == was.upstream && f.peer == was.peer && f.server == was.server &&
                f.location == was.location) {
                next.finding = int(i);
                break;
            }
        }
    }
    return next;
}

void FollowRunner::applyFilter(SelectionState &selection, const ViewFilter &filter)
{
    if (filter.finding >= 0)
        selection.setFinding(filter.finding);
    else if (filter.cause)
        selection.setCause(filter.cause);
    else if (!filter.peer.isEmpty())
        selection.setPeer(filter.peer);
    else if (filter.location >= 0)
        selection.setLocation(filter.location);
    if (filter.hasTimeRange())
        selection.setTimeRange(filter.from, filter.to);
}

} // namespace gwb
