#pragma once

// Internal to the error-log parser: one entry decoded into views of the log text. The scan decodes every
// entry this way without allocating; parseEntry() copies the views into an ErrorEntry.

#include "cause.h"
#include "events.h"

#include <QByteArrayView>

namespace gwb::errorlog {

// True when `p` starts with "YYYY/MM/DD HH:MM:SS" (digits and separators only; ranges are checked later).
// Needs at least 19 bytes before `end`.
bool looksLikeTimestamp(const char *p, const char *end);
// True when [p, end) is shorter than a timestamp and could be its beginning: a file cut in the first bytes of
// an entry.
bool looksLikeCutTimestamp(const char *p, const char *end);

struct EntryView
{
    TimeMs time = kNoTime;
    LogLevel level = LogLevel::Error;
    std::uint32_t pid = 0, tid = 0, connection = 0;
    const char *body = nullptr; // first byte of the message (after "*N ")

    QByteArrayView message; // first line only, up to " while " / the context list
    int errnoCode = -1;     // as written, e.g. 111 or 10061
    QByteArrayView errnoText;
    QByteArrayView phaseText; // after the last " while " before the context list
    Phase phase = Phase::Unknown;
    QByteArrayView continuation; // everything after the first line
    QByteArrayView client, server, request, subrequest, upstream, host, referrer;
};

enum class HeaderStatus
{
    Ok,
    NoTimestamp,
    BadTimestamp,
    BadHeader
};

// Decodes "YYYY/MM/DD HH:MM:SS [level] PID#TID: [*CONN ]" into time, level, pid, tid, connection and body.
HeaderStatus decodeHeader(QByteArrayView entry, EntryView &out);
// The scan needs no context field after `upstream:` (nginx writes host and referrer after it).
enum class ContextFields
{
    All,
    UpToUpstream
};

// Decodes the rest (message, errno, phase, context fields). Requires a successful decodeHeader().
void decodeBody(QByteArrayView entry, EntryView &out, ContextFields wanted = ContextFields::All);

// What nginx names after " while ". `message` lets resolver failures, which carry no phase, count as
// resolving.
Phase phaseFromText(QByteArrayView phaseText, QByteArrayView message);

// The address part of an `upstream:` value: "http://10.0.0.1:8080/x" → "10.0.0.1:8080",
// "fastcgi://unix:/run/php.sock:" → "unix:/run/php.sock", "http://backend/x" → "backend".
QByteArrayView peerAddress(QByteArrayView upstream);

QLatin1StringView levelName(LogLevel level);

} // namespace gwb::errorlog
