#pragma once

#include "accessfields.h"
#include "logformat.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace gwb {

// Which value of a line plays which part in an AccessEvent / AccessRecord, decided once per format so that the
// fast parser and the full decoder read the same variables.
struct AccessFieldRoles
{
    static constexpr int kNone = -1;
    int time = kNone; // $time_local, else $time_iso8601, else $msec
    LogVar timeVar = LogVar::Other;
    int status = kNone;
    int requestTime = kNone;
    int host = kNone; // $host, else $http_host, else $server_name
    int upstreamAddr = kNone;
    int upstreamStatus = kNone;
    int upstreamHeaderTime = kNone;
};

// Cuts a line into the values of a compiled log_format: each value ends where the literal after it starts.
// What makes that more than a search:
// - escape=json writes '"' inside a value as \" — a terminator preceded by an odd run of backslashes is skipped;
// - $upstream_* lists hold ", " and " : " — a terminator starting with a space does not end such a value there;
// - $time_local holds a space, so the search for its terminator starts after its fixed 26 bytes;
// - the last value is anchored at the end of the line (the trailer must end it), so a stray quote inside a
//   user agent written with escape=none does not cut the line short.
// Works on any bytes: every read is bounded by [b, e).
class AccessLineSplitter
{
public:
    static constexpr int kMatched = -1;
    static constexpr int kBadStart = -2; // the line does not begin with the literal before the first variable

    explicit AccessLineSplitter(const LogFormat &format);

    std::size_t valueCount() const { return m_steps.size(); }
    // No line shorter than this can match: the literals plus the fixed part of the values.
    std::size_t minimumLineLength() const;
    const AccessFieldRoles &roles() const { return m_roles; }

    // Fills values[0 .. valueCount()) and returns kMatched, or returns kBadStart or the index of the value whose
    // terminating literal was not found.
    int split(const char *b, const char *e, accessfields::Span *values) const;

    // One sentence per failure kind of split(); identical failures give identical text so that MalformedLines
    // groups them.
    QString mismatchReason(int failure) const;
    QString badValueReason(int index) const;

    static bool isUpstreamList(const LogFormat::Segment &segment);

private:
    // What the hot loop needs about one value, compact; names and owned literals live apart.
    struct Step
    {
        const char *terminator = nullptr; // literal after the value (for the last value, the trailer)
        std::uint32_t terminatorLength = 0;
        LogVar var = LogVar::Other;
        bool list = false;
        bool numeric = false;
        std::uint8_t minLength = 0;
    };
    const char *findTerminator(const Step &step, const char *valueStart, const char *e, const char *floor) const;
    static const char *adjacentEnd(const Step &step, const char *p, const char *e);

    QString m_formatName;
    QByteArray m_head;
    std::vector<Step> m_steps;
    std::vector<QByteArray> m_terminators; // own the bytes Step::terminator points to (implicitly shared)
    std::vector<QByteArray> m_varNames;
    AccessFieldRoles m_roles;
    bool m_json = false;
};

} // namespace gwb
