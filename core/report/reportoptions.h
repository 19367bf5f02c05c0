#pragma once

#include <QDateTime>
#include <QString>

#include <vector>

namespace gwb {

// What gets hidden in an exported report. Everything is hidden unless the user keeps it on purpose: a report
// travels (tickets, chat, vendors) and log lines carry client addresses, cookies and tokens.
struct RedactionOptions
{
    bool clientIps = true;     // client addresses → stable pseudonyms ("client-1")
    bool cookies = true;       // Cookie / Set-Cookie headers and $cookie_* / $http_cookie values
    bool authorization = true; // Authorization headers, user:password@ in URLs
    bool queryStrings = true;  // everything after '?' in request lines, URIs and referrers
};

// The outcome of one guided check, when checks were run before the report was made.
struct ReportCheck
{
    QString id;      // "probe-peer"
    QString target;  // "127.0.0.1:18081"
    QString verdict; // "pass", "fail", "skipped", ...
    QString detail;  // one sentence
};

struct ReportOptions
{
    RedactionOptions redaction;
    QString title = QStringLiteral("Gateway Workbench report");
    std::vector<ReportCheck> checks;
    QDateTime generatedAt; // invalid: now (UTC); set in tests for reproducible output
    int maxEvidencePerFinding = 8;
};

} // namespace gwb
