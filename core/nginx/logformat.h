#pragma once

#include "common/result.h"
#include "common/strongtypes.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace gwb {

// Variables the access-log parser understands as typed fields; anything else is kept as text (Other).
enum class LogVar : std::uint8_t {
    Other,
    RemoteAddr, RemoteUser, TimeLocal, TimeIso8601, Msec, Request, RequestMethod, RequestUri, Uri, Args,
    ServerProtocol, Status, BodyBytesSent, BytesSent, RequestLength, RequestTime, HttpReferer, HttpUserAgent,
    HttpXForwardedFor, Host, HttpHost, ServerName, ServerPort, Scheme, UpstreamAddr, UpstreamStatus,
    UpstreamConnectTime, UpstreamHeaderTime, UpstreamResponseTime, UpstreamBytesReceived, UpstreamCacheStatus,
    Connection, ConnectionRequests, RequestId,
};

// One upstream attempt from $upstream_addr / $upstream_status / $upstream_*_time, aligned by position.
struct UpstreamAttempt
{
    QByteArray address; // "127.0.0.1:8081", "unix:/run/x.sock", or an upstream group name (no live upstreams)
    HttpStatus status;  // 0 when "-"
    DurationMs connectMs = kAbsentMs;
    DurationMs headerMs = kAbsentMs;
    DurationMs responseMs = kAbsentMs;
    bool afterRedirect = false; // first attempt after a " : " (internal redirect to another upstream)
};

// Everything one access-log line says, decoded. Built on demand (details of failed requests, the log viewer).
struct AccessRecord
{
    TimeMs time = kNoTime;
    int tzOffsetMinutes = 0;
    HttpStatus status;
    QByteArray remoteAddr, remoteUser, request, method, uri, protocol, host, referer, userAgent, requestId;
    DurationMs requestMs = kAbsentMs;
    std::int64_t bodyBytes = -1;
    std::vector<UpstreamAttempt> attempts;
};

// A log_format compiled into literal/variable segments, able to split a line into fields.
class LogFormat
{
public:
    enum class Escape { Default, Json, None };

    struct Segment
    {
        QByteArray literal; // text before the variable (may be empty)
        LogVar var = LogVar::Other;
        QByteArray varName; // without '$', e.g. "upstream_addr", "http_x_real_ip"
    };

    // Fails (with a sentence saying why) on an empty format or a variable name nginx would reject.
    static Result<LogFormat> compile(const QString &name, const QString &format, Escape escape = Escape::Default);
    static LogFormat combined();

    const QString &name() const { return m_name; }
    Escape escape() const { return m_escape; }
    const std::vector<Segment> &segments() const { return m_segments; }
    const QByteArray &trailer() const { return m_trailer; } // literal after the last variable
    bool has(LogVar v) const;

    // Decodes one line (without its newline). False with `reason` set when the line does not fit the format.
    bool parseLine(QByteArrayView line, AccessRecord &out, QString *reason = nullptr) const;

private:
    QString m_name;
    Escape m_escape = Escape::Default;
    std::vector<Segment> m_segments;
    QByteArray m_trailer;
};

} // namespace gwb
