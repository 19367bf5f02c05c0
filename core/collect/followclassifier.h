#pragma once

#include "common/strongtypes.h"
#include "nginx/cause.h"
#include "nginx/logformat.h"

#include <QByteArray>
#include <QString>
#include <chrono>
#include <deque>
#include <vector>

namespace gwb {

// Where one followed line can be read: the local copy it was appended to (or the file itself when it is
// local data), its line there, and the file on the target it came from.
struct FollowLineRef
{
    QString file;
    LineNumber line;
    QString hostFile;
};

// One upstream failure seen while following, as the CLI prints it and the workbench counts it.
struct FollowFailure
{
    TimeMs time = kNoTime; // wall clock of the nginx host, "as if UTC"
    QString host;          // the target's label
    Cause cause = Cause::Unclassified;
    Phase phase = Phase::Unknown;
    QByteArray peer;        // "127.0.0.1:18081", "unix:/run/app.sock", or the group name
    QByteArray request;     // "GET /refused HTTP/1.1"
    QByteArray requestHost; // Host header ($host)
    int status = 0;         // what the client got; 0 when only the error log told (not joined yet, or no access log)
    QByteArray message;     // the error-log message, e.g. "connect() failed (111: Connection refused)"
    FollowLineRef where;    // the access line when there is one, else the error entry
    FollowLineRef error;    // the joined error entry (file empty when none)
};

// Classifies followed lines one at a time and joins each error-log entry to the access line of the same
// request, so one failed request is reported once with the error log's cause and the access log's status.
// nginx writes the error entry when the attempt fails and the access line when the request ends, so entries
// wait here for up to `joinWindow` (wall time); an entry nobody claims is then reported on its own.
class FollowClassifier
{
public:
    explicit FollowClassifier(std::chrono::milliseconds joinWindow) : m_joinWindow(joinWindow) {}

    // One error-log line (without its newline). Continuation lines and entries that are not about an upstream
    // are ignored.
    void errorLine(QByteArrayView line, const FollowLineRef &where, qint64 nowMs);
    // One access-log line of access log number `log`. False when the line does not fit `format`. A failed
    // request is held until the end of the next round (endRound), because a poll can read one log just
    // before nginx writes to it and another just after: by then its error entry has arrived, and so have its
    // copies in the other access logs (nginx writes a request into every access_log that applies; several
    // formats of the same traffic are common), which are merged into one failure.
    bool accessLine(QByteArrayView line, const LogFormat &format, const FollowLineRef &where, int log);
    // After every file of a round was read: the requests held since the round before go to `out`, each once,
    // with the most detailed of its copies and its error entry.
    void endRound(std::vector<FollowFailure> &out);
    // Error entries whose join window has passed (all of them, and the held requests, with `all`) go to
    // `out` on their own.
    void expire(qint64 nowMs, std::vector<FollowFailure> &out, bool all = false);

    std::size_t pending() const { return m_pending.size(); }

private:
    struct Pending
    {
        FollowFailure failure;
        qint64 arrivedMs = 0;
    };
    struct Held
    {
        FollowFailure failure;
        QByteArray key; // request line and status: the same request in another access log has the same
        int log = 0;
        quint64 round = 0;
        bool done = false;
    };
    std::deque<Pending> m_pending;
    std::vector<Held> m_held;
    quint64 m_round = 0;
    std::chrono::milliseconds m_joinWindow;
};

} // namespace gwb
