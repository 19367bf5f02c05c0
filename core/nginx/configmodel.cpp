#include "configmodel.h"

#include "configmodelbuilder.h"

#include <QHash>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace gwb {

QString passModuleName(PassModule m)
{
    switch (m) {
    case PassModule::Proxy:
        return u"proxy"_s;
    case PassModule::FastCgi:
        return u"fastcgi"_s;
    case PassModule::Uwsgi:
        return u"uwsgi"_s;
    case PassModule::Scgi:
        return u"scgi"_s;
    case PassModule::Grpc:
        return u"grpc"_s;
    }
    return u"proxy"_s;
}

QString Location::displayName() const
{
    if (modifier.isEmpty() || modifier == u"@")
        return u"location "_s + pattern;
    return u"location "_s + modifier + QLatin1Char(' ') + pattern;
}

QString Server::displayName() const
{
    for (const QString &name : serverNames)
        if (!name.isEmpty())
            return name;
    if (!listens.empty())
        return listens.front().raw;
    return u"server"_s;
}

namespace {

// The builder finds problems in walk order (passes are resolved last); present them in file order, then
// line order, after the parser's.
void sortByPlace(std::vector<Diagnostic> &diagnostics, std::size_t from,
                 const std::vector<ConfigFileText> &files)
{
    QHash<QString, std::size_t> order;
    for (std::size_t i = 0; i < files.size(); ++i)
        order.insert(files[i].path, i);
    const auto rank = [&](const Diagnostic &d) {
        return std::pair(order.value(d.where.file, files.size()), d.where.line.value);
    };
    std::stable_sort(diagnostics.begin() + static_cast<std::ptrdiff_t>(from), diagnostics.end(),
                     [&](const Diagnostic &a, const Diagnostic &b) { return rank(a) < rank(b); });
}

} // namespace

ConfigModel ConfigModel::build(const ParsedConfig &parsed)
{
    ConfigModel model;
    model.prefix = parsed.prefix;
    model.diagnostics = parsed.diagnostics;
    LogFormatDefinition combined;
    combined.name = u"combined"_s;
    combined.format = u"$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                      u"\"$http_referer\" \"$http_user_agent\""_s;
    model.logFormats.push_back(combined);
    ConfigModelBuilder(parsed, model).run();
    sortByPlace(model.diagnostics, parsed.diagnostics.size(), parsed.files);
    return model;
}

int ConfigModel::findUpstream(QStringView name) const
{
    // nginx compares upstream names case-insensitively (ngx_http_upstream_add).
    for (std::size_t i = 0; i < upstreams.size(); ++i)
        if (name.compare(upstreams[i].name, Qt::CaseInsensitive) == 0)
            return static_cast<int>(i);
    return -1;
}

const LogFormatDefinition *ConfigModel::logFormat(QStringView name) const
{
    for (const LogFormatDefinition &f : logFormats)
        if (f.name == name)
            return &f;
    return nullptr;
}

std::vector<AccessLogTarget> ConfigModel::allAccessLogs() const
{
    // Every request is handled by some server (and maybe a location): what they have in force is what
    // gets written. http's own list only matters when there is no server at all.
    std::vector<AccessLogTarget> out;
    QSet<QString> seen;
    auto collect = [&](const std::vector<AccessLogTarget> &logs) {
        for (const AccessLogTarget &t : logs) {
            const QString key = t.path + QLatin1Char('\n') + t.formatName;
            if (!t.off && !seen.contains(key)) {
                seen.insert(key);
                out.push_back(t);
            }
        }
    };
    if (servers.empty())
        collect(httpAccessLogs);
    for (const Server &s : servers)
        collect(s.accessLogs);
    for (const Location &l : locations)
        collect(l.accessLogs);
    return out;
}

std::vector<ErrorLogTarget> ConfigModel::allErrorLogs() const
{
    std::vector<ErrorLogTarget> out;
    QSet<QString> seen;
    auto collect = [&](const std::vector<ErrorLogTarget> &logs) {
        for (const ErrorLogTarget &t : logs) {
            if (!seen.contains(t.path)) {
                seen.insert(t.path);
                out.push_back(t);
            }
        }
    };
    collect(errorLogs);
    for (const Server &s : servers)
        collect(s.errorLogs);
    for (const Location &l : locations)
        collect(l.errorLogs);
    return out;
}

} // namespace gwb
