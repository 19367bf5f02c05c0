#pragma once

// Pure readers of what the probe commands print (curl, the bash fallback, ss, stat, namei), kept apart
// from the checks so that tests can feed them real outputs.

#include "nginx/cause.h"
#include "transport/transport.h"

#include <QByteArrayList>
#include <QString>
#include <optional>
#include <vector>

namespace gwb {

struct HttpProbeOutcome
{
    bool completed = false;  // a response header arrived
    int toolExit = -1;       // curl's exit status (the fallback: 0 or 7 for connect failure, 124 timeout)
    int httpCode = 0;
    qint64 connectMs = -1;
    qint64 tlsMs = -1;
    qint64 ttfbMs = -1;
    qint64 headerBytes = -1;
    QString statusLine;
    QString invalidHeaderLine; // a header line nginx would reject (no colon, space in the name)
    QString error;             // the tool's message (stderr), trimmed
};
HttpProbeOutcome parseCurlProbe(const CommandOutput &output);
HttpProbeOutcome parseRawProbe(const CommandOutput &output, qint64 elapsedMs);

// What a failed or odd probe says about the cause, with a sentence for the user; nullopt when it says
// nothing conclusive (a verdict is then decided from the numbers).
struct ProbeJudgement
{
    std::optional<Cause> cause;
    QString summary;
};
std::optional<ProbeJudgement> judgeProbeFailure(const HttpProbeOutcome &probe, bool unixSocket, bool https);

struct ListeningSocket
{
    QString address; // "127.0.0.1", "0.0.0.0", "::", "*"
    int port = 0;
    int recvQ = 0;   // for a listener: connections waiting to be accepted
    int sendQ = 0;   // for a listener: the backlog
    QString process; // "python3" when ss could see it
    qint64 pid = 0;
};
std::vector<ListeningSocket> parseSsListening(const QByteArray &output);
// The listeners that accept connections for host:port (exact address or a wildcard).
std::vector<ListeningSocket> listenersFor(const std::vector<ListeningSocket> &all, const QString &host, int port);

struct PathEntry
{
    QChar type;      // 'd', 's', '-', 'l', ...
    QString mode;    // "rwxr-x---"
    QString owner, group;
    QString name;
};
// `namei -l` output: one entry per path component, root first.
std::vector<PathEntry> parseNamei(const QByteArray &output);
// Whether `user` (member of `groups`) may pass through a directory (x) or write a socket (w).
bool mayAccess(const PathEntry &entry, const QString &user, const QStringList &groups, QChar permission);

} // namespace gwb
