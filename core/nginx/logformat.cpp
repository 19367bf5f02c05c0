#include "logformat.h"

#include <algorithm>
#include <array>
#include <utility>

namespace gwb {

namespace {

struct NamedVar
{
    const char *name;
    LogVar var;
};

// Aliases nginx provides for the same value ($document_uri = $uri, $query_string = $args) map to one LogVar.
constexpr std::array kVariables{
    NamedVar{"remote_addr", LogVar::RemoteAddr},
    NamedVar{"remote_user", LogVar::RemoteUser},
    NamedVar{"time_local", LogVar::TimeLocal},
    NamedVar{"time_iso8601", LogVar::TimeIso8601},
    NamedVar{"msec", LogVar::Msec},
    NamedVar{"request", LogVar::Request},
    NamedVar{"request_method", LogVar::RequestMethod},
    NamedVar{"request_uri", LogVar::RequestUri},
    NamedVar{"uri", LogVar::Uri},
    NamedVar{"document_uri", LogVar::Uri},
    NamedVar{"args", LogVar::Args},
    NamedVar{"query_string", LogVar::Args},
    NamedVar{"server_protocol", LogVar::ServerProtocol},
    NamedVar{"status", LogVar::Status},
    NamedVar{"body_bytes_sent", LogVar::BodyBytesSent},
    NamedVar{"bytes_sent", LogVar::BytesSent},
    NamedVar{"request_length", LogVar::RequestLength},
    NamedVar{"request_time", LogVar::RequestTime},
    NamedVar{"http_referer", LogVar::HttpReferer},
    NamedVar{"http_user_agent", LogVar::HttpUserAgent},
    NamedVar{"http_x_forwarded_for", LogVar::HttpXForwardedFor},
    NamedVar{"host", LogVar::Host},
    NamedVar{"http_host", LogVar::HttpHost},
    NamedVar{"server_name", LogVar::ServerName},
    NamedVar{"server_port", LogVar::ServerPort},
    NamedVar{"scheme", LogVar::Scheme},
    NamedVar{"upstream_addr", LogVar::UpstreamAddr},
    NamedVar{"upstream_status", LogVar::UpstreamStatus},
    NamedVar{"upstream_connect_time", LogVar::UpstreamConnectTime},
    NamedVar{"upstream_header_time", LogVar::UpstreamHeaderTime},
    NamedVar{"upstream_response_time", LogVar::UpstreamResponseTime},
    NamedVar{"upstream_bytes_received", LogVar::UpstreamBytesReceived},
    NamedVar{"upstream_cache_status", LogVar::UpstreamCacheStatus},
    NamedVar{"connection", LogVar::Connection},
    NamedVar{"connection_requests", LogVar::ConnectionRequests},
    NamedVar{"request_id", LogVar::RequestId},
};

LogVar varFromName(const QByteArray &lowerName)
{
    for (const NamedVar &v : kVariables)
        if (lowerName == v.name)
            return v.var;
    return LogVar::Other;
}

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

QString formatError(const QString &name, const QString &what)
{
    return QStringLiteral("log_format \"%1\": %2").arg(name, what);
}

} // namespace

Result<LogFormat> LogFormat::compile(const QString &name, const QString &format, Escape escape)
{
    if (format.isEmpty())
        return Error::parse(formatError(name, QStringLiteral("the format is empty; give it at least one variable")));

    LogFormat f;
    f.m_name = name;
    f.m_escape = escape;
    const QByteArray text = format.toUtf8();
    QByteArray literal;
    for (qsizetype i = 0; i < text.size();) {
        if (text[i] != '$') {
            literal += text[i++];
            continue;
        }
        const qsizetype dollar = i++;
        const bool braced = i < text.size() && text[i] == '{';
        if (braced)
            ++i;
        const qsizetype nameStart = i;
        while (i < text.size() && isNameChar(text[i]))
            ++i;
        // nginx looks variables up case-insensitively; lower-case names keep every consumer simple.
        const QByteArray varName = text.mid(nameStart, i - nameStart).toLower();
        if (braced) {
            if (i >= text.size() || text[i] != '}')
                return Error::parse(formatError(
                    name, QStringLiteral("the closing bracket of the variable at position %1 is missing").arg(dollar + 1)));
            ++i;
        }
        if (varName.isEmpty())
            return Error::parse(formatError(
                name, QStringLiteral("the \"$\" at position %1 is not followed by a variable name "
                                     "(letters, digits and \"_\")")
                          .arg(dollar + 1)));
        f.m_segments.push_back({std::exchange(literal, {}), varFromName(varName), varName});
    }
    f.m_trailer = literal;
    return f;
}

LogFormat LogFormat::combined()
{
    // nginx's built-in format; it cannot fail to compile.
    return compile(QStringLiteral("combined"),
                   QStringLiteral("$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                                  "\"$http_referer\" \"$http_user_agent\""))
        .value();
}

bool LogFormat::has(LogVar v) const
{
    return std::any_of(m_segments.begin(), m_segments.end(), [v](const Segment &s) { return s.var == v; });
}

} // namespace gwb
