#pragma once

#include "configparser.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace gwb {

// The value a directive has in a context after nginx's inheritance (http → server → location), and where it
// came from. `isDefault` means no level sets it and nginx's built-in default applies.
struct EffectiveValue
{
    QStringList args;
    SourceLocation where;
    bool isDefault = true;
    QString text() const { return args.join(QLatin1Char(' ')); }
};

// Keys are directive names ("proxy_read_timeout", "proxy_next_upstream", ...) plus a few derived keys:
//   "proxy_set_header Connection"  — the Connection header sent upstream (proxy_set_header inherits all-or-nothing)
//   "proxy_set_header Host"
using EffectiveSettings = std::map<QString, EffectiveValue>;

struct ListenAddress
{
    QString raw;     // as written: "127.0.0.1:8080", "[::]:443", "unix:/run/x.sock", "80"
    QString address; // "127.0.0.1", "*", "::", or the socket path
    int port = 80;
    bool ssl = false;
    bool http2 = false;
    bool defaultServer = false;
    bool isDefault = false; // no listen directive: nginx's built-in *:80 (*:8000 when not started as root)
    SourceLocation where;
};

struct LogFormatDefinition
{
    QString name;
    QString escape = QStringLiteral("default"); // default | json | none
    QString format;                             // concatenated format strings
    SourceLocation where;                       // invalid for the predefined "combined"
};

// Log paths: relative ones, and nginx's built-in defaults when a context sets none (access: logs/access.log
// in the combined format; error: logs/error.log at level error), are resolved against ConfigModel::prefix.
// Distribution builds compile other defaults in (Debian: /var/log/nginx/access.log and
// /var/log/nginx/error.log); `nginx -V` shows them (--http-log-path, --error-log-path).
struct AccessLogTarget
{
    QString path;       // absolute when the prefix is known; "syslog:..." kept as is
    QString formatName; // "combined" when none given
    QString condition;  // if=...
    bool off = false;
    bool isDefault = false; // nginx's built-in logs/access.log
    SourceLocation where;
};

struct ErrorLogTarget
{
    QString path;
    QString level = QStringLiteral("error");
    bool isDefault = false;
    SourceLocation where;
};

enum class PassModule { Proxy, FastCgi, Uwsgi, Scgi, Grpc };

struct PassTarget
{
    enum class Kind { UpstreamGroup, Address, UnixSocket, Variable };
    PassModule module = PassModule::Proxy;
    Kind kind = Kind::Address;
    QString raw;    // the argument as written: "http://backend/api", "unix:/run/php.sock", "$target"
    QString scheme; // http, https, grpc, grpcs; empty for fastcgi/uwsgi/scgi without scheme
    QString target; // group name, "host:port", or the socket path
    QString uri;    // part after host, may be empty
    int upstreamIndex = -1; // into ConfigModel::upstreams when kind == UpstreamGroup
    SourceLocation where;
};

struct UpstreamServer
{
    QString address; // "10.0.0.1:8080", "unix:/run/app.sock", "app.internal:80"
    int weight = 1;
    int maxFails = 1;
    int failTimeoutSec = 10;
    int maxConns = 0;
    bool backup = false;
    bool down = false;
    bool resolve = false;
    SourceLocation where;
};

struct UpstreamGroup
{
    QString name;
    std::vector<UpstreamServer> servers;
    QString balancing;  // "round-robin" (default), "least_conn", "ip_hash", "hash $x", "random"
    int keepalive = 0;  // cached idle connections per worker; 0 = no upstream keepalive
    EffectiveValue keepaliveTimeout;  // default 60s
    EffectiveValue keepaliveRequests; // default 1000 (nginx >= 1.19.10)
    SourceLocation where;
};

struct Location
{
    QString modifier; // "", "=", "~", "~*", "^~", "@"
    QString pattern;
    int server = -1;
    int parent = -1; // enclosing location, -1 for top level
    std::vector<int> children;
    std::optional<PassTarget> pass;
    EffectiveSettings effective;
    std::vector<AccessLogTarget> accessLogs; // effective (inherited when not set here)
    std::vector<ErrorLogTarget> errorLogs;   // effective
    SourceLocation where;
    QString displayName() const; // "location ~ \.php$"
};

struct Server
{
    std::vector<ListenAddress> listens;
    QStringList serverNames;
    std::vector<int> locations; // top-level locations, in config order
    EffectiveSettings effective;
    std::vector<AccessLogTarget> accessLogs; // effective
    std::vector<ErrorLogTarget> errorLogs;   // effective
    SourceLocation where;
    QString displayName() const; // first server_name, or the first listen
};

class ConfigRegexCache;
std::shared_ptr<ConfigRegexCache> makeConfigRegexCache();

struct ConfigModel
{
    std::vector<Server> servers;
    std::vector<Location> locations;
    std::vector<UpstreamGroup> upstreams;
    std::vector<LogFormatDefinition> logFormats; // "combined" first, then the config's
    EffectiveSettings httpEffective;
    std::vector<ErrorLogTarget> errorLogs;        // main + http level (effective), nginx default when none
    std::vector<AccessLogTarget> httpAccessLogs;  // effective at http level
    QString workerUser;                           // `user` directive, empty when not set
    QString prefix;
    std::vector<Diagnostic> diagnostics; // the parser's, then what building the model found

    static ConfigModel build(const ParsedConfig &parsed);

    int findUpstream(QStringView name) const;
    const LogFormatDefinition *logFormat(QStringView name) const;
    // The server nginx picks for a Host header on a port (exact name, *.wild, wild.*, ~regex, then the
    // default_server of that port, then the first server of that port). port 0 = any.
    int findServer(QStringView host, int port = 0) const;
    // The location nginx picks for a URI inside a server (exact, longest prefix, ^~, regexes in order,
    // nested locations). -1 when none matches.
    int matchLocation(int server, QStringView uri) const;
    // Every distinct access log file with its format, and every error log file.
    std::vector<AccessLogTarget> allAccessLogs() const;
    std::vector<ErrorLogTarget> allErrorLogs() const;

    // server_name and location regexes compiled once and shared by copies of the model. Keyed by pattern,
    // so a model edited after build() still matches correctly.
    std::shared_ptr<ConfigRegexCache> regexCache = makeConfigRegexCache();
};

QString passModuleName(PassModule m); // "proxy", "fastcgi", ...

// nginx time values ("500ms", "30s", "1m30s", "2h", plain "60" = seconds) in milliseconds; nullopt when
// nginx would reject the text.
std::optional<std::int64_t> parseNginxDurationMs(QStringView text);
// nginx sizes ("4k", "8K", "1m", "1g", plain bytes) in bytes.
std::optional<std::int64_t> parseNginxSizeBytes(QStringView text);

} // namespace gwb
