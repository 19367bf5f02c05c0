#include "configinheritance.h"

#include "configvalues.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace gwb::ConfigInheritance {

namespace {

const QString kHeaderKeyPrefix = u"proxy_set_header "_s;

std::vector<Tracked> buildTracked()
{
    std::vector<Tracked> t;
    auto add = [&t](const QString &name, const QString &value) {
        t.push_back({name, value.isEmpty() ? QStringList() : value.split(QLatin1Char(' '))});
    };
    for (const char *m : {"proxy", "fastcgi", "uwsgi", "scgi", "grpc"}) {
        const QString p = QString::fromLatin1(m) + QLatin1Char('_');
        add(p + u"connect_timeout"_s, u"60s"_s);
        add(p + u"send_timeout"_s, u"60s"_s);
        add(p + u"read_timeout"_s, u"60s"_s);
        add(p + u"buffer_size"_s, u"4k"_s);
        // The gRPC module has no *_buffers / *_busy_buffers_size: it never buffers the response body.
        if (p != u"grpc_") {
            add(p + u"buffers"_s, u"8 4k"_s);
            add(p + u"busy_buffers_size"_s, u"8k"_s);
        }
        add(p + u"next_upstream"_s, u"error timeout"_s);
        add(p + u"next_upstream_tries"_s, u"0"_s);
        add(p + u"next_upstream_timeout"_s, u"0"_s);
        add(p + u"intercept_errors"_s, u"off"_s);
    }
    add(u"proxy_http_version"_s, u"1.0"_s);
    add(u"proxy_ssl_server_name"_s, u"off"_s);
    add(u"proxy_ssl_verify"_s, u"off"_s);
    add(u"proxy_ssl_name"_s, u"$proxy_host"_s);
    add(u"proxy_buffering"_s, u"on"_s);
    add(u"proxy_request_buffering"_s, u"on"_s);
    add(u"proxy_ignore_client_abort"_s, u"off"_s);
    add(u"fastcgi_keep_conn"_s, u"off"_s);
    add(u"resolver"_s, QString());
    add(u"resolver_timeout"_s, u"30s"_s);
    add(u"large_client_header_buffers"_s, u"4 8k"_s);
    add(u"client_max_body_size"_s, u"1m"_s);
    add(u"client_body_timeout"_s, u"60s"_s);
    add(u"send_timeout"_s, u"60s"_s);
    add(u"keepalive_timeout"_s, u"75s"_s);
    return t;
}

bool isTracked(const QString &name)
{
    static const QSet<QString> names = [] {
        QSet<QString> s;
        for (const Tracked &t : tracked())
            s.insert(t.name);
        return s;
    }();
    return names.contains(name);
}

QString canonicalHeaderName(const QString &name)
{
    if (name.compare(u"connection", Qt::CaseInsensitive) == 0)
        return u"Connection"_s;
    if (name.compare(u"host", Qt::CaseInsensitive) == 0)
        return u"Host"_s;
    return name;
}

} // namespace

const std::vector<Tracked> &tracked()
{
    static const std::vector<Tracked> t = buildTracked();
    return t;
}

ConfigLevel rootLevel(const QString &prefix, std::vector<ErrorLogTarget> mainErrorLogs)
{
    ConfigLevel root;
    for (const Tracked &t : tracked())
        root.effective[t.name] = {t.defaultArgs, {}, true};
    AccessLogTarget access;
    access.path = ConfigValues::resolveLogPath(u"logs/access.log"_s, prefix);
    access.formatName = u"combined"_s;
    access.isDefault = true;
    root.accessLogs.push_back(access);
    root.errorLogs = std::move(mainErrorLogs);
    deriveHeaderKeys(root);
    return root;
}

ConfigLevel inherit(const ConfigLevel &parent, const std::vector<const ConfigDirective *> &own,
                    const QString &prefix, std::vector<Diagnostic> &diagnostics)
{
    ConfigLevel level = parent;
    QSet<QString> setHere;
    bool headersHere = false, accessHere = false, errorHere = false;
    for (const ConfigDirective *d : own) {
        ValueProblems problems;
        if (isTracked(d->name)) {
            if (setHere.contains(d->name)) {
                problems.errors.append(
                    u"\"%1\" is duplicate in this block: nginx refuses this; the first one is "
                    u"used here"_s.arg(d->name));
            } else {
                setHere.insert(d->name);
                level.effective[d->name] = {d->args, d->where, false};
            }
        } else if (d->name == u"proxy_set_header") {
            if (!headersHere)
                level.proxyHeaders.clear();
            headersHere = true;
            if (d->args.size() == 2)
                level.proxyHeaders.push_back({d->args[0], {d->args[1]}, d->where});
            else
                problems.errors.append(u"\"proxy_set_header\" takes a header name and a value"_s);
        } else if (d->name == u"access_log") {
            if (!accessHere)
                level.accessLogs.clear();
            accessHere = true;
            level.accessLogs.push_back(ConfigValues::parseAccessLog(*d, prefix, problems));
        } else if (d->name == u"error_log") {
            if (!errorHere)
                level.errorLogs.clear();
            errorHere = true;
            level.errorLogs.push_back(ConfigValues::parseErrorLog(*d, prefix, problems));
        }
        problems.reportTo(diagnostics, d->where);
    }
    if (headersHere)
        deriveHeaderKeys(level);
    return level;
}

void deriveHeaderKeys(ConfigLevel &level)
{
    for (auto it = level.effective.begin(); it != level.effective.end();) {
        if (it->first.startsWith(kHeaderKeyPrefix))
            it = level.effective.erase(it);
        else
            ++it;
    }
    for (const ConfigLevel::Header &h : level.proxyHeaders) {
        const QString key = kHeaderKeyPrefix + canonicalHeaderName(h.name);
        level.effective.try_emplace(key, EffectiveValue{h.value, h.where, false});
    }
    // nginx's own defaults, sent unless a proxy_set_header in force names the header.
    level.effective.try_emplace(kHeaderKeyPrefix + u"Connection"_s, EffectiveValue{{u"close"_s}, {}, true});
    level.effective.try_emplace(kHeaderKeyPrefix + u"Host"_s, EffectiveValue{{u"$proxy_host"_s}, {}, true});
}

} // namespace gwb::ConfigInheritance
