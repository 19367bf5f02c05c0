#pragma once

#include "collect/collecttypes.h"
#include "collect/followclassifier.h"
#include "common/result.h"
#include "nginx/logformat.h"

#include <QString>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace gwb {

// One log to follow on a target and where its new lines go.
struct FollowFile
{
    QByteArray path; // on the target
    CollectedFile::Role role = CollectedFile::Role::AccessLog;
    // The local copy new lines are appended to (a collected file), so the investigation's data grows with
    // the log. Empty: the followed file is itself the local data (this machine, the practice lab) and nothing
    // is written.
    QString localCopy;
    LogFormat format = LogFormat::combined(); // access logs
    // Where the local copy ends in the file on the target (the collection pulled up to here): following
    // starts there, so no line falls between the collection and the follow. Unset: from the end, now.
    std::optional<quint64> resumeAt;
};

// One host and its logs. `connect` makes the transport on the follow thread (an SSH session must stay on
// the thread that uses it) and again when the connection dropped.
struct FollowTarget
{
    QString hostLabel;
    std::function<std::unique_ptr<Transport>()> connect;
    std::vector<FollowFile> files;
    SudoUse sudo = SudoUse::No;
};

// Something the user should know that is not a failure: a rotation, a dropped connection, a file that is
// not kept.
struct FollowNote
{
    enum class Kind : std::uint8_t
    {
        Rotated,
        Truncated,
        Disconnected,
        Reconnected,
        Warning
    };
    Kind kind = Kind::Warning;
    QString host;
    QString file; // on the target; empty when about the host
    QString message;
};

// After each poll that brought lines: how much has arrived so far on this target.
struct FollowProgress
{
    QString host;
    int files = 0;
    quint64 newLines = 0;
    qint64 lastLineUtcMs = 0; // this machine's clock when the last line arrived
};

// Called from the follow threads, one call at a time (followAll serialises them).
struct FollowSink
{
    std::function<void(const FollowFailure &)> failure;
    std::function<void(const FollowNote &)> note;
    std::function<void(const FollowProgress &)> progress;
};

struct FollowOptions
{
    std::chrono::milliseconds interval{std::chrono::seconds(1)};
    // How long an error-log entry waits for the access line of its request before it is reported alone.
    std::chrono::milliseconds joinWindow{std::chrono::seconds(3)};
    int reconnectAttempts = 1;
    std::chrono::milliseconds reconnectDelay{std::chrono::seconds(2)};
};

struct FollowStats
{
    quint64 newLines = 0;
    quint64 failures = 0;
    std::map<Cause, quint64> perCause;
    int rotations = 0;
    std::map<QString, quint64> linesPerFile; // by path on the host
    quint64 unreadableLines = 0; // access-log lines that do not fit the file's log_format: counted, not dropped silently
};

// Follows every log of one target: one LogFollower per file, polled in turn on the calling thread (error
// logs first, so an access line finds the error entries of its request), new complete lines appended to the
// local copies and classified as they arrive.
class FollowSession
{
public:
    FollowSession(FollowTarget target, FollowOptions options);
    ~FollowSession();
    FollowSession(const FollowSession &) = delete;
    FollowSession &operator=(const FollowSession &) = delete;

    // One round over every file. Connects first when needed.
    [[nodiscard]] Result<void> pollOnce(const FollowSink &sink, const CancelToken &cancel);
    // Polls every interval until cancelled (then ok, pending entries reported) or the connection is lost for
    // good (after the reconnect attempts; the error says so).
    [[nodiscard]] Result<void> run(const FollowSink &sink, const CancelToken &cancel);
    // Reports the error entries still waiting for their access line.
    void finish(const FollowSink &sink);

    const FollowStats &stats() const { return m_stats; }
    const QString &hostLabel() const { return m_target.hostLabel; }

private:
    struct File;
    class Relay;
    [[nodiscard]] Result<void> connect();
    [[nodiscard]] Result<void> reconnect(const Error &lost, const FollowSink &sink, const CancelToken &cancel);
    void takeLines(File &file, QByteArrayView lines, qint64 nowMs);
    void deliver(std::vector<FollowFailure> &failures, const FollowSink &sink);

    FollowTarget m_target;
    FollowOptions m_options;
    std::unique_ptr<Relay> m_relay;
    std::vector<std::unique_ptr<File>> m_files;
    FollowClassifier m_classifier;
    FollowStats m_stats;
    std::vector<FollowNote> m_pendingNotes; // delivered with the poll's failures
    qint64 m_lastLineMs = 0;
};

// Follows every target on a thread of its own ("follow") until cancelled; the sink's calls are serialised.
// Returns each target's end, same order.
std::vector<Result<void>> followAll(std::vector<FollowTarget> targets, const FollowOptions &options,
                                    const FollowSink &sink, const CancelToken &cancel,
                                    std::vector<FollowStats> *stats = nullptr);

// "HH:MM:SS host cause peer status request (file:line)": the line `gwb follow` prints.
QString followFailureText(const FollowFailure &failure);

} // namespace gwb
