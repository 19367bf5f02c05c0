#include "accesslinesplitter.h"

#include <algorithm>
#include <cstring>

namespace gwb {

using accessfields::Span;

namespace {

bool isNumericVar(LogVar v)
{
    switch (v) {
    case LogVar::Status:
    case LogVar::BodyBytesSent:
    case LogVar::BytesSent:
    case LogVar::RequestLength:
    case LogVar::RequestTime:
    case LogVar::Msec:
    case LogVar::ServerPort:
    case LogVar::Connection:
    case LogVar::ConnectionRequests:
        return true;
    default:
        return false;
    }
}

// escape=json: a byte is escaped when an odd number of backslashes precedes it inside the value.
bool isJsonEscaped(const char *q, const char *valueStart)
{
    std::size_t backslashes = 0;
    for (const char *p = q; p > valueStart && p[-1] == '\\'; --p)
        ++backslashes;
    return backslashes % 2 == 1;
}

// A space that belongs to ", " or " : " inside an $upstream_* list.
bool isListSeparator(const char *q, const char *valueStart, const char *e)
{
    if (q > valueStart && q[-1] == ',')
        return true;
    if (e - q >= 3 && q[1] == ':' && q[2] == ' ')
        return true;
    return q - valueStart >= 2 && q[-1] == ':' && q[-2] == ' ';
}

// A literal in a message, quoted the way the user would write it in nginx.conf.
QString quoted(const QByteArray &literal)
{
    QString s = QString::fromUtf8(literal);
    s.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + s + QLatin1Char('"');
}

void assignRoles(const std::vector<LogFormat::Segment> &segments, AccessFieldRoles &roles)
{
    auto first = [&](LogVar v) {
        for (std::size_t i = 0; i < segments.size(); ++i)
            if (segments[i].var == v)
                return static_cast<int>(i);
        return AccessFieldRoles::kNone;
    };
    for (LogVar v : {LogVar::TimeLocal, LogVar::TimeIso8601, LogVar::Msec}) {
        roles.time = first(v);
        if (roles.time != AccessFieldRoles::kNone) {
            roles.timeVar = v;
            break;
        }
    }
    for (LogVar v : {LogVar::Host, LogVar::HttpHost, LogVar::ServerName}) {
        roles.host = first(v);
        if (roles.host != AccessFieldRoles::kNone)
            break;
    }
    roles.status = first(LogVar::Status);
    roles.requestTime = first(LogVar::RequestTime);
    roles.upstreamAddr = first(LogVar::UpstreamAddr);
    roles.upstreamStatus = first(LogVar::UpstreamStatus);
    roles.upstreamHeaderTime = first(LogVar::UpstreamHeaderTime);
}

} // namespace

bool AccessLineSplitter::isUpstreamList(const LogFormat::Segment &segment)
{
    // Every per-attempt $upstream_* variable (incl. $upstream_http_*, $upstream_response_length) is such a list;
    // $upstream_cache_status describes the request, not an attempt.
    return segment.varName.startsWith("upstream_") && segment.varName != "upstream_cache_status";
}

AccessLineSplitter::AccessLineSplitter(const LogFormat &format)
    : m_formatName(format.name()), m_json(format.escape() == LogFormat::Escape::Json)
{
    const auto &segments = format.segments();
    m_head = segments.empty() ? format.trailer() : segments.front().literal;
    m_steps.reserve(segments.size());
    m_terminators.reserve(segments.size());
    for (std::size_t i = 0; i < segments.size(); ++i) {
        m_terminators.push_back(i + 1 < segments.size() ? segments[i + 1].literal : format.trailer());
        m_varNames.push_back(segments[i].varName);
        Step step;
        step.terminator = m_terminators.back().constData();
        step.terminatorLength = static_cast<std::uint32_t>(m_terminators.back().size());
        step.var = segments[i].var;
        step.list = isUpstreamList(segments[i]);
        step.numeric = isNumericVar(step.var);
        step.minLength = step.var == LogVar::TimeLocal ? 26 : 0;
        m_steps.push_back(step);
    }
    assignRoles(segments, m_roles);
}

std::size_t AccessLineSplitter::minimumLineLength() const
{
    std::size_t length = static_cast<std::size_t>(m_head.size());
    for (const Step &step : m_steps)
        length += step.terminatorLength + step.minLength;
    return std::max<std::size_t>(length, 1);
}

inline const char *AccessLineSplitter::findTerminator(const Step &step, const char *valueStart, const char *e,
                                                      const char *floor) const
{
    const char *term = step.terminator;
    const std::size_t rest = step.terminatorLength - 1;
    const char *p = valueStart + std::min<std::ptrdiff_t>(step.minLength, e - valueStart);
    for (;;) {
        const char *q = accessfields::findByte(p, e, term[0], floor);
        if (!q || static_cast<std::size_t>(e - q) <= rest)
            return nullptr;
        p = q + 1;
        if (rest && !accessfields::equalBytes(q + 1, term + 1, rest))
            continue;
        if (m_json && isJsonEscaped(q, valueStart))
            continue;
        if (step.list && term[0] == ' ' && isListSeparator(q, valueStart, e))
            continue;
        return q;
    }
}

// Two variables without a literal between them cannot be split by searching; a number takes its digits and
// anything else takes nothing, leaving the rest to the next variable. Rare in real formats.
const char *AccessLineSplitter::adjacentEnd(const Step &step, const char *p, const char *e)
{
    if (!step.numeric)
        return p;
    while (p < e && (accessfields::isDigit(*p) || *p == '.' || *p == '-'))
        ++p;
    return p;
}

int AccessLineSplitter::split(const char *b, const char *e, Span *values) const
{
    const auto headLength = static_cast<std::size_t>(m_head.size());
    const auto lineLength = static_cast<std::size_t>(e - b);
    if (lineLength < headLength || !accessfields::equalBytes(b, m_head.constData(), headLength))
        return kBadStart;
    if (m_steps.empty())
        return lineLength == headLength ? kMatched : kBadStart;

    const char *p = b + headLength;
    const std::size_t last = m_steps.size() - 1;
    for (std::size_t i = 0; i < last; ++i) {
        const Step &step = m_steps[i];
        const char *end = step.terminatorLength ? findTerminator(step, p, e, b) : adjacentEnd(step, p, e);
        if (!end)
            return static_cast<int>(i);
        values[i] = {p, end};
        p = end + step.terminatorLength;
    }
    const Step &trailer = m_steps[last];
    if (static_cast<std::size_t>(e - p) < trailer.terminatorLength ||
        !accessfields::equalBytes(e - trailer.terminatorLength, trailer.terminator, trailer.terminatorLength))
        return static_cast<int>(last);
    values[last] = {p, e - trailer.terminatorLength};
    return kMatched;
}

QString AccessLineSplitter::mismatchReason(int failure) const
{
    const QString prefix = QStringLiteral("does not match log_format \"%1\": ").arg(m_formatName);
    if (failure == kBadStart) {
        if (m_steps.empty())
            return prefix + QStringLiteral("the line is not %1").arg(quoted(m_head));
        return prefix + QStringLiteral("the line does not start with %1").arg(quoted(m_head));
    }
    const auto i = static_cast<std::size_t>(failure);
    const QString var = QLatin1Char('$') + QString::fromUtf8(m_varNames[i]);
    if (i + 1 == m_steps.size())
        return prefix + QStringLiteral("the line does not end with %1 after %2").arg(quoted(m_terminators[i]), var);
    return prefix + QStringLiteral("no %1 after %2").arg(quoted(m_terminators[i]), var);
}

QString AccessLineSplitter::badValueReason(int index) const
{
    const auto i = static_cast<std::size_t>(index);
    const QString var = QLatin1Char('$') + QString::fromUtf8(m_varNames[i]);
    switch (m_steps[i].var) {
    case LogVar::Status:
        return QStringLiteral("%1 is not a three-digit HTTP status").arg(var);
    case LogVar::TimeLocal:
        return QStringLiteral("%1 is not a time like 24/Nov/2026:10:00:00 +0100").arg(var);
    case LogVar::TimeIso8601:
        return QStringLiteral("%1 is not a time like 2026-11-24T10:00:00+01:00").arg(var);
    case LogVar::Msec:
        return QStringLiteral("%1 is not a time like 1764000000.123").arg(var);
    default:
        return QStringLiteral("%1 has an unexpected value").arg(var);
    }
}

} // namespace gwb
