#include "collect/followsession.h"

#include "collect/logfollower.h"
#include "common/wallclock.h"

#include <QDateTime>
#include <QFile>
#include <QThread>
#include <mutex>

namespace gwb {

namespace {

// Lines in the first `limit` bytes of a local file: where the next line's number starts.
quint64 countLines(QFile &file, quint64 limit)
{
    if (!file.seek(0))
        return 0;
    quint64 lines = 0, seen = 0;
    while (seen < limit) {
        const QByteArray block = file.read(qint64(std::min<quint64>(limit - seen, 1 << 20)));
        if (block.isEmpty())
            break;
        lines += quint64(block.count('\n'));
        seen += quint64(block.size());
    }
    return lines;
}

void sleepUnlessCancelled(std::chrono::milliseconds total, const CancelToken &cancel)
{
    for (auto waited = std::chrono::milliseconds(0); waited < total && !cancel.isCancelled();
         waited += std::chrono::milliseconds(50))
        QThread::msleep(50);
}

bool worthReconnecting(const Error &e)
{
    return e.kind != Error::Kind::Cancelled && e.kind != Error::Kind::HostKey && e.kind != Error::Kind::Permission &&
           e.kind != Error::Kind::Usage;
}

} // namespace

// Stands between the followers and the connection, so a new connection replaces a dropped one without the
// followers losing their offsets.
class FollowSession::Relay final : public Transport
{
public:
    std::unique_ptr<Transport> inner;

    Result<CommandOutput> run(const RemoteCommand &command, std::chrono::milliseconds timeout,
                              const CancelToken &cancel) override
    {
        return inner->run(command, timeout, cancel);
    }
    Result<StreamEnd> stream(const RemoteCommand &command, const ChunkSink &onChunk, const ProgressSink &onProgress,
                             const CancelToken &cancel) override
    {
        inner->setIdleTimeout(idleTimeout());
        return inner->stream(command, onChunk, onProgress, cancel);
    }
    QString describe() const override { return inner ? inner->describe() : QString(); }
};

struct FollowSession::File
{
    FollowFile spec;
    std::unique_ptr<LogFollower> follower;
    QFile local;           // the copy appended to, or the followed file itself (in place: only read)
    bool appends = false;  // new lines are written to `local`
    bool inPlace = false;  // `local` is the followed file
    quint64 lines = 0;     // lines in the local data so far: the next line is number lines + 1
    bool continuesLine = false; // the local copy ended mid-line: the first new bytes finish that line
    int index = 0;
};

FollowSession::FollowSession(FollowTarget target, FollowOptions options)
    : m_target(std::move(target)), m_options(options), m_relay(std::make_unique<Relay>()),
      m_classifier(std::max(options.joinWindow, 3 * options.interval))
{
    // Error logs first: nginx writes a failed attempt's entry before the request's access line.
    std::stable_partition(m_target.files.begin(), m_target.files.end(),
                          [](const FollowFile &f) { return f.role == CollectedFile::Role::ErrorLog; });
    for (const FollowFile &spec : m_target.files) {
        auto f = std::make_unique<File>();
        f->spec = spec;
        f->index = int(m_files.size());
        f->follower = std::make_unique<LogFollower>(*m_relay, spec.path, m_target.sudo, LogFollower::Start::AtEnd);
        f->inPlace = !spec.localCopy.isEmpty() && spec.localCopy == QFile::decodeName(spec.path);
        if (!spec.localCopy.isEmpty()) {
            f->local.setFileName(spec.localCopy);
            if (f->inPlace && f->local.open(QIODevice::ReadOnly)) {
                // Follow from what is there now and number lines as the file does.
                const quint64 size = quint64(f->local.size());
                f->lines = countLines(f->local, size);
                f->follower->resumeAt(spec.resumeAt.value_or(size));
                f->local.close();
            } else if (!f->inPlace && f->local.open(QIODevice::ReadWrite | QIODevice::Append)) {
                f->appends = true;
                const quint64 size = quint64(f->local.size());
                f->lines = countLines(f->local, size);
                if (size > 0 && f->local.seek(qint64(size) - 1)) {
                    char last = '\n';
                    f->continuesLine = f->local.getChar(&last) && last != '\n';
                }
                if (spec.resumeAt)
                    f->follower->resumeAt(*spec.resumeAt);
            }
        }
        m_files.push_back(std::move(f));
    }
}

FollowSession::~FollowSession() = default;

Result<void> FollowSession::connect()
{
    if (!m_target.connect)
        return Error{Error::Kind::Internal, QStringLiteral("no way to reach %1").arg(m_target.hostLabel)};
    m_relay->inner = m_target.connect();
    if (!m_relay->inner)
        return Error{Error::Kind::Network, QStringLiteral("cannot reach %1").arg(m_target.hostLabel)};
    // A poll should not hang on a silent connection for the collector's minute: a dead link is noticed
    // within a few polls.
    m_relay->setIdleTimeout(std::chrono::seconds(15));
    return {};
}

void FollowSession::takeLines(File &file, QByteArrayView lines, qint64 nowMs)
{
    if (file.appends && file.local.write(lines.data(), lines.size()) != lines.size()) {
        FollowNote n{FollowNote::Kind::Warning, m_target.hostLabel, QString::fromUtf8(file.spec.path),
                     QStringLiteral("cannot append to %1: %2; its new lines are classified but not kept")
                         .arg(file.spec.localCopy, file.local.errorString())};
        file.appends = false;
        m_pendingNotes.push_back(std::move(n));
    }
    const QString display = file.spec.localCopy.isEmpty() ? QString::fromUtf8(file.spec.path) : file.spec.localCopy;
    const QString hostFile = QString::fromUtf8(file.spec.path);
    qsizetype start = 0;
    while (start < lines.size()) {
        qsizetype nl = lines.indexOf('\n', start);
        if (nl < 0)
            nl = lines.size(); // LogFollower hands on complete lines only; be safe anyway
        QByteArrayView line = lines.sliced(start, nl - start);
        start = nl + 1;
        ++file.lines;
        ++m_stats.newLines;
        ++m_stats.linesPerFile[hostFile];
        m_lastLineMs = nowMs;
        if (file.continuesLine) {
            file.continuesLine = false; // the tail of a line the collection cut; classified as part of nothing
            continue;
        }
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        const FollowLineRef where{display, LineNumber(std::uint32_t(file.lines)), hostFile};
        if (file.spec.role == CollectedFile::Role::ErrorLog)
            m_classifier.errorLine(line, where, nowMs);
        else if (!m_classifier.accessLine(line, file.spec.format, where, file.index))
            ++m_stats.unreadableLines;
    }
}

void FollowSession::deliver(std::vector<FollowFailure> &failures, const FollowSink &sink)
{
    for (const FollowNote &n : m_pendingNotes)
        if (sink.note)
            sink.note(n);
    m_pendingNotes.clear();
    for (FollowFailure &f : failures) {
        f.host = m_target.hostLabel;
        ++m_stats.failures;
        ++m_stats.perCause[f.cause];
        if (sink.failure)
            sink.failure(f);
    }
    failures.clear();
}

Result<void> FollowSession::pollOnce(const FollowSink &sink, const CancelToken &cancel)
{
    if (!m_relay->inner)
        if (auto c = connect(); !c)
            return c;
    std::vector<FollowFailure> found;
    const quint64 linesBefore = m_stats.newLines;
    Result<void> outcome;
    for (auto &file : m_files) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        auto step = file->follower->poll(
            [&](QByteArrayView lines) { takeLines(*file, lines, now); }, cancel);
        if (file->appends)
            file->local.flush();
        if (!step) {
            outcome = step.error();
            break;
        }
        if (step->rotated || step->truncated) {
            ++m_stats.rotations;
            if (file->inPlace && file->local.open(QIODevice::ReadOnly)) {
                // Numbers restart with the new file; the lines before are in PATH.1 now.
                file->lines = countLines(file->local, file->follower->offset());
                file->local.close();
            }
            const QString path = QString::fromUtf8(file->spec.path);
            m_pendingNotes.push_back(
                {step->rotated ? FollowNote::Kind::Rotated : FollowNote::Kind::Truncated, m_target.hostLabel, path,
                 step->rotated ? QStringLiteral("%1 was rotated (renamed, new file); its last lines were read from "
                                                "%1.1 and following goes on in the new file")
                                     .arg(path)
                               : QStringLiteral("%1 was truncated (copytruncate); the lines before were read from "
                                                "%1.1 and following goes on from its start")
                                     .arg(path)});
        }
    }
    m_classifier.endRound(found);
    m_classifier.expire(QDateTime::currentMSecsSinceEpoch(), found);
    deliver(found, sink);
    if (m_stats.newLines != linesBefore && sink.progress)
        sink.progress({m_target.hostLabel, int(m_files.size()), m_stats.newLines, m_lastLineMs});
    return outcome;
}

Result<void> FollowSession::run(const FollowSink &sink, const CancelToken &cancel)
{
    int failedInRow = 0;
    while (!cancel.isCancelled()) {
        auto polled = pollOnce(sink, cancel);
        if (cancel.isCancelled())
            break;
        if (!polled) {
            const Error &e = polled.error();
            if (!worthReconnecting(e) || ++failedInRow > m_options.reconnectAttempts) {
                finish(sink);
                return Error{e.kind == Error::Kind::Cancelled ? Error::Kind::Network : e.kind,
                             QStringLiteral("following %1 stopped: %2. What arrived until then is kept; run "
                                            "follow again when the host is reachable.")
                                 .arg(m_target.hostLabel, e.message)};
            }
            if (sink.note)
                sink.note({FollowNote::Kind::Disconnected, m_target.hostLabel, {},
                           QStringLiteral("lost the connection to %1 (%2); reconnecting in %3 s")
                               .arg(m_target.hostLabel, e.message)
                               .arg(m_options.reconnectDelay.count() / 1000.0)});
            m_relay->inner.reset();
            sleepUnlessCancelled(m_options.reconnectDelay, cancel);
            continue;
        }
        if (failedInRow > 0 && sink.note)
            sink.note({FollowNote::Kind::Reconnected, m_target.hostLabel, {},
                       QStringLiteral("reconnected to %1; following goes on where it stopped").arg(m_target.hostLabel)});
        failedInRow = 0;
        sleepUnlessCancelled(m_options.interval, cancel);
    }
    finish(sink);
    return {};
}

void FollowSession::finish(const FollowSink &sink)
{
    std::vector<FollowFailure> rest;
    m_classifier.expire(QDateTime::currentMSecsSinceEpoch(), rest, true);
    deliver(rest, sink);
}

std::vector<Result<void>> followAll(std::vector<FollowTarget> targets, const FollowOptions &options,
                                    const FollowSink &sink, const CancelToken &cancel, std::vector<FollowStats> *stats)
{
    std::mutex lock;
    FollowSink serial;
    if (sink.failure)
        serial.failure = [&](const FollowFailure &f) {
            std::scoped_lock guard(lock);
            sink.failure(f);
        };
    if (sink.note)
        serial.note = [&](const FollowNote &n) {
            std::scoped_lock guard(lock);
            sink.note(n);
        };
    if (sink.progress)
        serial.progress = [&](const FollowProgress &p) {
            std::scoped_lock guard(lock);
            sink.progress(p);
        };
    std::vector<Result<void>> ends(targets.size(), Result<void>());
    std::vector<FollowStats> counted(targets.size());
    std::vector<QThread *> threads;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        QThread *t = QThread::create([&, i] {
            FollowSession session(std::move(targets[i]), options);
            ends[i] = session.run(serial, cancel);
            counted[i] = session.stats();
        });
        t->setObjectName(QStringLiteral("follow"));
        threads.push_back(t);
        t->start();
    }
    for (QThread *t : threads) {
        t->wait();
        delete t;
    }
    if (stats)
        *stats = std::move(counted);
    return ends;
}

QString followFailureText(const FollowFailure &f)
{
    QString text = formatWallClock(f.time);
    text += QLatin1Char(' ') + f.host + QLatin1Char(' ') + causeId(f.cause);
    if (!f.peer.isEmpty())
        text += QStringLiteral(" peer ") + QString::fromUtf8(f.peer);
    text += f.status > 0 ? QStringLiteral(" status %1").arg(f.status) : QStringLiteral(" status -");
    if (!f.request.isEmpty())
        text += QStringLiteral(" \"") + QString::fromUtf8(f.request) + QLatin1Char('"');
    if (!f.requestHost.isEmpty())
        text += QStringLiteral(" host ") + QString::fromUtf8(f.requestHost);
    text += QStringLiteral(" (%1:%2)").arg(f.where.file).arg(f.where.line.value);
    return text;
}

} // namespace gwb
