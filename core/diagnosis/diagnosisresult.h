#pragma once

#include "common/diagnostic.h"
#include "nginx/cause.h"

#include <QString>
#include <QStringList>

#include <map>
#include <vector>

namespace gwb {

// A log line shown as evidence: where it is and what it says.
struct EvidenceLine
{
    SourceLocation where;
    QString text;
};

// A directive that matters for a finding, with the value in force where the failures happened.
struct ConfigEvidence
{
    QString directive;
    QString value;
    SourceLocation where; // invalid when nginx's default applies
    bool isDefault = false;
    QString context;      // "location /api" / "upstream backend"
};

// One retry attempt of a failed request, as the access log tells it.
struct AttemptSummary
{
    QString peer;
    int status = 0;
    int connectMs = -1, headerMs = -1;
};

// Failures that share a cause, an upstream group, a peer and a server/location.
struct Finding
{
    Cause cause = Cause::Unclassified;
    Phase phase = Phase::Unknown;
    QString upstream; // group name, empty for a literal address
    QString peer;     // "127.0.0.1:8081", "unix:/run/x.sock"
    QString server;   // server_name (or listen) of the server block
    QString location; // "location /api"
    int serverIndex = -1, locationIndex = -1;
    std::uint64_t count = 0;      // failures: requests plus error lines that matched no request
    std::uint64_t requests = 0;   // access-log requests with this cause
    std::uint64_t errorLines = 0; // error-log entries with this cause
    std::map<int, std::uint64_t> clientStatus; // what clients got
    std::uint64_t retriedOk = 0;  // requests whose failed attempt was retried and ended well
    qint64 firstMs = 0, lastMs = 0;
    std::vector<EvidenceLine> evidence;
    std::vector<ConfigEvidence> config;
    std::vector<AttemptSummary> exampleChain; // retry chain of one affected request
    QString title, explanation, advice, nextCheck;
};

struct LintResult
{
    QString rule; // "keepalive-without-http11", "pass-without-resolver", "read-timeout-near-p99", ...
    QString severity; // "warning" or "note"
    QString message;
    QString context;
    std::vector<ConfigEvidence> config;
    std::uint64_t evidenceCount = 0; // failures in the logs that this rule explains
    std::vector<EvidenceLine> evidence;
};

struct InputSummary
{
    QString kind; // "config", "access-log", "error-log"
    QString path;
    QString format; // access logs: log_format name
    std::uint64_t lines = 0, events = 0, malformed = 0, outsideWindow = 0;
    bool compressed = false;
};

// Something that happened at a point in time and explains what follows: a reload, a peer nginx disabled.
struct Marker
{
    QString kind; // "reload", "start", "stop", "peer-disabled"
    qint64 timeMs = 0;
    QString peer;
    EvidenceLine evidence;
};

// One failure, for the timeline and the log views: which finding it belongs to and where its line is.
struct FailureEvent
{
    qint64 timeMs = 0;
    Cause cause = Cause::Unclassified;
    std::uint16_t clientStatus = 0; // 0 for an error line that matched no request
    bool fromErrorLog = false;      // true: source/offset point at an error-log entry, else an access-log line
    std::uint16_t source = 0;       // SourceId of the log
    std::uint64_t offset = 0;
    int finding = -1;               // index into DiagnosisResult::findings
};

struct DiagnosisResult
{
    std::vector<FailureEvent> failures; // every failure, in time order
    std::vector<Marker> markers;
    std::vector<Finding> findings; // worst first
    std::vector<LintResult> lint;
    std::vector<InputSummary> inputs;
    std::vector<Diagnostic> diagnostics; // config problems, malformed lines, truncated files
    std::map<int, std::uint64_t> requestsByStatus;
    std::uint64_t requests = 0;
    std::uint64_t upstreamFailures = 0; // requests that ended in an upstream-caused failure
    std::uint64_t errorEntries = 0;     // error-log entries in the window
    qint64 firstMs = 0, lastMs = 0;     // span of the events seen
    qint64 sinceMs = 0, untilMs = 0;    // window asked for (0 = open)
    int tzOffsetMinutes = 0;
    bool tzKnown = false;
    // DiagnoseOptions::cancel stopped the run: inputs and diagnostics are filled, findings, failures, markers
    // and lint are empty, totals may be partial. Nothing should be shown from such a result.
    bool cancelled = false;
};

} // namespace gwb
