// LogFormat::parseLine: the full decode of one access-log line into an AccessRecord. Not on the hot path (it
// runs for the lines someone looks at), so it favours plain code and owned strings over speed.
#include "accesslinesplitter.h"
#include "logformat.h"
#include "logtime.h"

namespace gwb {

using accessfields::Span;

namespace {

QByteArray textOf(Span s, LogFormat::Escape escape)
{
    return s.isAbsent() ? QByteArray() : accessfields::decode(s, escape);
}

// "GET /a b HTTP/1.1" → method, URI (which may hold spaces when escaping is off), protocol. An HTTP/0.9
// request has no protocol; garbage without a space (a TLS hello on a plain port) is left in `request` only.
void splitRequest(AccessRecord &r)
{
    const qsizetype first = r.request.indexOf(' ');
    if (first < 0)
        return;
    r.method = r.request.left(first);
    const qsizetype last = r.request.lastIndexOf(' ');
    if (last > first && r.request.mid(last + 1).startsWith("HTTP/")) {
        r.uri = r.request.mid(first + 1, last - first - 1);
        r.protocol = r.request.mid(last + 1);
    } else {
        r.uri = r.request.mid(first + 1);
    }
}

bool isAttemptVar(LogVar v)
{
    return v == LogVar::UpstreamAddr || v == LogVar::UpstreamStatus || v == LogVar::UpstreamConnectTime ||
           v == LogVar::UpstreamHeaderTime || v == LogVar::UpstreamResponseTime;
}

// The $upstream_* lists are parallel: entry k of each describes attempt k. A list shorter than another leaves
// the missing values absent instead of misaligning the rest.
void readAttempts(LogVar var, Span value, LogFormat::Escape escape, std::vector<UpstreamAttempt> &attempts)
{
    if (value.isAbsent())
        return;
    std::size_t k = 0;
    accessfields::forEachListEntry(value, [&](Span entry, bool afterRedirect) {
        if (attempts.size() <= k)
            attempts.resize(k + 1);
        UpstreamAttempt &a = attempts[k++];
        a.afterRedirect = a.afterRedirect || afterRedirect;
        switch (var) {
        case LogVar::UpstreamAddr: a.address = textOf(entry, escape); break;
        case LogVar::UpstreamStatus: a.status = HttpStatus(accessfields::parseUpstreamStatus(entry)); break;
        case LogVar::UpstreamConnectTime: a.connectMs = accessfields::parseDurationMs(entry); break;
        case LogVar::UpstreamHeaderTime: a.headerMs = accessfields::parseDurationMs(entry); break;
        case LogVar::UpstreamResponseTime: a.responseMs = accessfields::parseDurationMs(entry); break;
        default: break;
        }
    });
}

bool readTime(LogVar var, Span s, AccessRecord &r)
{
    switch (var) {
    case LogVar::TimeLocal: return logtime::parseTimeLocal(s.b, s.e, r.time, r.tzOffsetMinutes);
    case LogVar::TimeIso8601: return logtime::parseTimeIso8601(s.b, s.e, r.time, r.tzOffsetMinutes);
    case LogVar::Msec: return logtime::parseMsec(s.b, s.e, r.time);
    default: return false;
    }
}

// Values that have no place of their own in AccessRecord but fill in parts of $request when it is not logged.
struct RequestParts
{
    QByteArray method, requestUri, uri, protocol;
};

void readText(LogVar var, Span s, LogFormat::Escape escape, AccessRecord &r, RequestParts &parts)
{
    switch (var) {
    case LogVar::RemoteAddr: r.remoteAddr = textOf(s, escape); break;
    case LogVar::RemoteUser: r.remoteUser = textOf(s, escape); break;
    case LogVar::Request: r.request = textOf(s, escape); break;
    case LogVar::HttpReferer: r.referer = textOf(s, escape); break;
    case LogVar::HttpUserAgent: r.userAgent = textOf(s, escape); break;
    case LogVar::RequestId: r.requestId = textOf(s, escape); break;
    case LogVar::BodyBytesSent: r.bodyBytes = accessfields::parseCount(s); break;
    case LogVar::RequestMethod: parts.method = textOf(s, escape); break;
    case LogVar::RequestUri: parts.requestUri = textOf(s, escape); break;
    case LogVar::Uri: parts.uri = textOf(s, escape); break;
    case LogVar::ServerProtocol: parts.protocol = textOf(s, escape); break;
    default: break;
    }
}

void fillRequestParts(AccessRecord &r, RequestParts &parts)
{
    splitRequest(r);
    if (r.method.isEmpty())
        r.method = parts.method;
    if (r.uri.isEmpty())
        r.uri = parts.requestUri.isEmpty() ? parts.uri : parts.requestUri;
    if (r.protocol.isEmpty())
        r.protocol = parts.protocol;
}

} // namespace

bool LogFormat::parseLine(QByteArrayView line, AccessRecord &out, QString *reason) const
{
    const char *b = line.data();
    const char *e = b + line.size();
    while (e > b && (e[-1] == '\n' || e[-1] == '\r'))
        --e;

    auto fail = [&](const QString &why) {
        if (reason)
            *reason = why;
        return false;
    };
    if (b == e)
        return fail(QStringLiteral("empty line")); // as AccessLogParser says it

    const AccessLineSplitter splitter(*this);
    std::vector<Span> values(splitter.valueCount());
    const int failure = splitter.split(b, e, values.data());
    if (failure != AccessLineSplitter::kMatched)
        return fail(splitter.mismatchReason(failure));

    out = AccessRecord{};
    const AccessFieldRoles &roles = splitter.roles();
    if (roles.time != AccessFieldRoles::kNone && !readTime(roles.timeVar, values[roles.time], out))
        return fail(splitter.badValueReason(roles.time));
    if (roles.status != AccessFieldRoles::kNone) {
        std::uint16_t status = 0;
        if (!accessfields::parseStatus(values[roles.status], status))
            return fail(splitter.badValueReason(roles.status));
        out.status = HttpStatus(status);
    }
    if (roles.requestTime != AccessFieldRoles::kNone)
        out.requestMs = accessfields::parseDurationMs(values[roles.requestTime]);
    if (roles.host != AccessFieldRoles::kNone)
        out.host = textOf(values[roles.host], m_escape);

    RequestParts parts;
    for (std::size_t i = 0; i < m_segments.size(); ++i) {
        const LogVar var = m_segments[i].var;
        if (isAttemptVar(var))
            readAttempts(var, values[i], m_escape, out.attempts);
        else
            readText(var, values[i], m_escape, out, parts);
    }
    fillRequestParts(out, parts);
    return true;
}

} // namespace gwb
