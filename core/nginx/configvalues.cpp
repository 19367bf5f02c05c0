#include "configvalues.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace gwb {

namespace {

bool allDigits(QStringView s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (!c.isDigit())
            return false;
    return true;
}

int parsePort(QStringView text, ValueProblems &problems)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 1 || port > 65535) {
        problems.errors.append(u"invalid port \"%1\" (1-65535): nginx refuses this listen"_s.arg(text));
        return 0;
    }
    return port;
}

// "host:port" → whether a port is named; "[::1]" and "[::1]:80" handled.
bool hasPort(QStringView host)
{
    if (host.startsWith(QLatin1Char('[')))
        return host.contains(u"]:");
    return host.contains(QLatin1Char(':'));
}

// "weight=5" → 5 when the key matches; problems on a bad number.
bool intParam(QStringView arg, QStringView key, int &out, int minimum, ValueProblems &problems)
{
    if (!arg.startsWith(key) || arg.size() <= key.size() || arg[key.size()] != QLatin1Char('='))
        return false;
    bool ok = false;
    const int v = arg.sliced(key.size() + 1).toInt(&ok);
    if (!ok || v < minimum)
        problems.errors.append(
            u"invalid \"%1\": nginx needs a whole number of at least %2 there"_s.arg(arg).arg(minimum));
    else
        out = v;
    return true;
}

int defaultPort(QStringView scheme)
{
    if (scheme == u"https" || scheme == u"grpcs")
        return 443;
    if (scheme == u"http" || scheme == u"grpc")
        return 80;
    return 0;
}

} // namespace

void ValueProblems::reportTo(std::vector<Diagnostic> &diagnostics, const SourceLocation &where) const
{
    for (const QString &e : errors)
        diagnostics.push_back({Diagnostic::Severity::Error, where, e});
    for (const QString &w : warnings)
        diagnostics.push_back({Diagnostic::Severity::Warning, where, w});
}

namespace ConfigValues {

ListenAddress parseListen(const ConfigDirective &d, ValueProblems &problems)
{
    ListenAddress l;
    l.where = d.where;
    if (d.args.isEmpty()) {
        problems.errors.append(u"\"listen\" needs an address or a port"_s);
        return l;
    }
    const QString &raw = d.args.front();
    l.raw = raw;
    if (raw.startsWith(u"unix:")) {
        l.address = raw.mid(5);
        l.port = 0;
    } else if (raw.startsWith(QLatin1Char('['))) {
        const qsizetype close = raw.indexOf(QLatin1Char(']'));
        if (close < 0) {
            problems.errors.append(u"unterminated IPv6 address in \"%1\""_s.arg(raw));
            l.address = raw.mid(1);
        } else {
            l.address = raw.mid(1, close - 1);
            const QStringView rest = QStringView(raw).sliced(close + 1);
            if (rest.startsWith(QLatin1Char(':')))
                l.port = parsePort(rest.sliced(1), problems);
            else if (!rest.isEmpty())
                problems.errors.append(u"invalid listen address \"%1\""_s.arg(raw));
        }
    } else if (const qsizetype colon = raw.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        l.address = raw.left(colon);
        l.port = parsePort(QStringView(raw).sliced(colon + 1), problems);
    } else if (allDigits(raw)) {
        l.address = u"*"_s;
        l.port = parsePort(raw, problems);
    } else {
        l.address = raw;
    }
    for (qsizetype i = 1; i < d.args.size(); ++i) {
        const QString &p = d.args[i];
        if (p == u"ssl")
            l.ssl = true;
        else if (p == u"http2")
            l.http2 = true;
        else if (p == u"default_server" || p == u"default")
            l.defaultServer = true;
    }
    return l;
}

UpstreamServer parseUpstreamServer(const ConfigDirective &d, ValueProblems &problems)
{
    UpstreamServer s;
    s.where = d.where;
    if (d.args.isEmpty()) {
        problems.errors.append(u"\"server\" in an upstream needs an address"_s);
        return s;
    }
    s.address = d.args.front();
    // nginx connects to port 80 when none is given; writing it out lets log addresses match.
    if (!s.address.startsWith(u"unix:") && !hasPort(s.address))
        s.address += u":80"_s;
    for (qsizetype i = 1; i < d.args.size(); ++i) {
        const QString &p = d.args[i];
        if (intParam(p, u"weight", s.weight, 1, problems) ||
            intParam(p, u"max_fails", s.maxFails, 0, problems) ||
            intParam(p, u"max_conns", s.maxConns, 0, problems))
            continue;
        if (p.startsWith(u"fail_timeout=")) {
            const std::optional<std::int64_t> ms = parseNginxDurationMs(QStringView(p).sliced(13));
            if (!ms || *ms % 1000 != 0)
                problems.errors.append(
                    u"invalid \"%1\": nginx needs whole seconds there (30, 30s, 1m)"_s.arg(p));
            else
                s.failTimeoutSec = static_cast<int>(*ms / 1000);
        } else if (p == u"backup") {
            s.backup = true;
        } else if (p == u"down") {
            s.down = true;
        } else if (p == u"resolve") {
            s.resolve = true;
        } else if (!p.startsWith(u"slow_start=") && !p.startsWith(u"service=") && !p.startsWith(u"route=") &&
                   p != u"drain") {
            problems.errors.append(u"unknown upstream server parameter \"%1\": nginx refuses it"_s.arg(p));
        }
    }
    return s;
}

std::optional<PassModule> passModuleOf(QStringView name)
{
    if (name == u"proxy_pass")
        return PassModule::Proxy;
    if (name == u"fastcgi_pass")
        return PassModule::FastCgi;
    if (name == u"uwsgi_pass")
        return PassModule::Uwsgi;
    if (name == u"scgi_pass")
        return PassModule::Scgi;
    if (name == u"grpc_pass")
        return PassModule::Grpc;
    return std::nullopt;
}

PassParse parsePass(PassModule module, const ConfigDirective &d, ValueProblems &problems)
{
    PassParse out;
    PassTarget &t = out.target;
    t.module = module;
    t.where = d.where;
    if (d.args.size() != 1) {
        problems.errors.append(u"\"%1\" takes exactly one address"_s.arg(d.name));
        if (d.args.isEmpty())
            return out;
    }
    t.raw = d.args.front();
    QStringView rest = t.raw;
    if (const qsizetype sep = rest.indexOf(u"://"); sep >= 0 && !rest.left(sep).contains(QLatin1Char('$'))) {
        t.scheme = rest.left(sep).toString().toLower();
        rest = rest.sliced(sep + 3);
    } else if (module == PassModule::Proxy && !rest.startsWith(QLatin1Char('$'))) {
        problems.errors.append(
            u"invalid URL prefix in \"%1\": proxy_pass needs http:// or https://"_s.arg(t.raw));
    }
    if (rest.startsWith(u"unix:")) {
        // "http://unix:/run/app.sock:/uri": the socket path ends at the next ":".
        const QStringView path = rest.sliced(5);
        const qsizetype colon = path.indexOf(QLatin1Char(':'));
        t.kind = PassTarget::Kind::UnixSocket;
        t.target = (colon < 0 ? path : path.left(colon)).toString();
        t.uri = colon < 0 ? QString() : path.sliced(colon + 1).toString();
        return out;
    }
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    const QStringView host = slash < 0 ? rest : rest.left(slash);
    t.uri = slash < 0 ? QString() : rest.sliced(slash).toString();
    out.host = host.toString();
    out.hostHasPort = hasPort(host);
    if (host.contains(QLatin1Char('$'))) {
        t.kind =
            PassTarget::Kind::Variable; // resolved per request, through `resolver` unless it names a group
        t.target = out.host;
        return out;
    }
    t.kind = PassTarget::Kind::Address;
    t.target = out.host;
    // grpc_pass without scheme means grpc:// (port 80); fastcgi, uwsgi and scgi have no default port.
    const int port =
        defaultPort(t.scheme.isEmpty() && module == PassModule::Grpc ? u"grpc" : QStringView(t.scheme));
    if (!out.hostHasPort && port != 0)
        t.target += QLatin1Char(':') + QString::number(port);
    return out;
}

QString resolveLogPath(const QString &path, const QString &prefix)
{
    if (path.startsWith(u"syslog:") || path.startsWith(u"memory:") || path.startsWith(QLatin1Char('$')) ||
        prefix.isEmpty())
        return path;
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    return QDir::cleanPath(prefix + QLatin1Char('/') + path);
}

AccessLogTarget parseAccessLog(const ConfigDirective &d, const QString &prefix, ValueProblems &problems)
{
    AccessLogTarget t;
    t.where = d.where;
    if (d.args.isEmpty()) {
        problems.errors.append(u"\"access_log\" needs a path or \"off\""_s);
        t.off = true;
        return t;
    }
    if (d.args.front() == u"off") {
        t.off = true;
        if (d.args.size() > 1)
            problems.errors.append(u"\"access_log off\" takes no other parameters"_s);
        return t;
    }
    t.path = resolveLogPath(d.args.front(), prefix);
    t.formatName = d.args.size() >= 2 ? d.args[1] : u"combined"_s;
    for (qsizetype i = 2; i < d.args.size(); ++i) {
        const QString &p = d.args[i];
        if (p.startsWith(u"if="))
            t.condition = p.mid(3);
        else if (!p.startsWith(u"buffer=") && !p.startsWith(u"flush=") && !p.startsWith(u"gzip"))
            problems.errors.append(u"unknown access_log parameter \"%1\": nginx refuses it"_s.arg(p));
    }
    return t;
}

ErrorLogTarget parseErrorLog(const ConfigDirective &d, const QString &prefix, ValueProblems &problems)
{
    static const QStringList levels{u"debug"_s, u"info"_s, u"notice"_s, u"warn"_s,
                                    u"error"_s, u"crit"_s, u"alert"_s,  u"emerg"_s};
    ErrorLogTarget t;
    t.where = d.where;
    if (d.args.isEmpty()) {
        problems.errors.append(u"\"error_log\" needs a path"_s);
        return t;
    }
    const QString &path = d.args.front();
    t.path = path == u"stderr" ? path : resolveLogPath(path, prefix);
    if (path == u"off")
        problems.warnings.append(
            u"\"error_log off\" writes to a file named \"off\": nginx has no off switch for "
            u"error_log; use \"error_log /dev/null crit\" to silence it"_s);
    if (d.args.size() >= 2) {
        if (levels.contains(d.args[1]))
            t.level = d.args[1];
        else
            problems.errors.append(
                u"unknown error_log level \"%1\" (debug, info, notice, warn, error, crit, alert or emerg)"_s
                    .arg(d.args[1]));
    }
    return t;
}

LogFormatDefinition parseLogFormat(const ConfigDirective &d, ValueProblems &problems)
{
    LogFormatDefinition f;
    f.where = d.where;
    if (d.args.size() < 2) {
        problems.errors.append(u"\"log_format\" needs a name and a format"_s);
        f.name = d.args.value(0);
        return f;
    }
    f.name = d.args.front();
    qsizetype first = 1;
    if (d.args[1].startsWith(u"escape=")) {
        f.escape = d.args[1].mid(7);
        if (f.escape != u"default" && f.escape != u"json" && f.escape != u"none") {
            problems.errors.append(
                u"unknown escape \"%1\" in log_format \"%2\": nginx refuses it (default, json or none)"_s.arg(
                    f.escape, f.name));
            f.escape = u"default"_s;
        }
        first = 2;
    }
    if (first >= d.args.size())
        problems.errors.append(u"log_format \"%1\" has no format string"_s.arg(f.name));
    // nginx concatenates the strings without separator: line breaks in the config are not in the log.
    for (qsizetype i = first; i < d.args.size(); ++i)
        f.format += d.args[i];
    return f;
}

} // namespace ConfigValues

} // namespace gwb
