#pragma once

#include "common/diagnostic.h"
#include "common/interner.h"
#include "events.h"
#include "io/lineindex.h"
#include "io/textsource.h"
#include "accesslogparser.h" // LogParseOptions

#include <array>
#include <memory>
#include <vector>

namespace gwb {

// Everything one error-log entry says, decoded (on demand: evidence, joins, the log viewer).
struct ErrorEntry
{
    TimeMs time = kNoTime;
    LogLevel level = LogLevel::Error;
    std::uint32_t pid = 0, tid = 0;
    std::uint32_t connection = 0; // 0 = none
    QByteArray message;           // between "*N " and " while "/", client:" — e.g. "connect() failed (111: Connection refused)"
    int errnoCode = -1;           // 111
    QByteArray errnoText;         // "Connection refused"
    QByteArray phaseText;         // "connecting to upstream"
    Phase phase = Phase::Unknown;
    QByteArray client, server, request, subrequest, upstream, host, referrer;
    QByteArray continuation;      // lines that followed without a timestamp (Lua tracebacks, FastCGI stderr)
};

struct ErrorLogResult
{
    std::shared_ptr<TextSource> text;
    SourceId source;
    std::vector<ErrorEvent> events; // every entry, in file order
    Interner peers;
    LineIndex lines;
    MalformedLines malformed;
    std::uint64_t lineCount = 0;
    std::uint64_t outsideWindow = 0;
    std::array<std::uint64_t, 8> perLevel{}; // index = LogLevel
    bool cancelled = false;
};

namespace ErrorLogParser {

ErrorLogResult parse(std::shared_ptr<TextSource> text, SourceId source, const LogParseOptions &options = {});

// Decodes one entry's text (as delimited by an ErrorEvent). False when it does not start with a timestamp.
bool parseEntry(QByteArrayView entry, ErrorEntry &out);

// The cause an entry's message means, following NGINX_ERRORS.md. Cause::None when not upstream-related.
Cause classify(const ErrorEntry &entry);

// The address part of an `upstream:` value, as ErrorEvent::peer interns it and as $upstream_addr writes it:
// "http://10.0.0.1:8080/x" → "10.0.0.1:8080", "http://unix:/run/app.sock:/x" → "unix:/run/app.sock",
// "http://backend/x" (no live upstreams: the group name) → "backend".
QByteArrayView peerAddress(QByteArrayView upstream);

// "error", "warn", ... as nginx writes them between brackets.
QLatin1StringView levelName(LogLevel level);

} // namespace ErrorLogParser

} // namespace gwb
