#include "configmodelbuilder.h"

#include "configregexcache.h"

#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace gwb {

namespace {

bool isBalancingDirective(QStringView name)
{
    return name == u"least_conn" || name == u"ip_hash" || name == u"hash" || name == u"random" ||
           name == u"least_time" || name == u"ntlm";
}

bool isRegexModifier(QStringView modifier)
{
    return modifier == u"~" || modifier == u"~*";
}

} // namespace

ConfigModelBuilder::Directives ConfigModelBuilder::flatten(const std::vector<ConfigDirective> &children)
{
    Directives out;
    out.reserve(children.size());
    for (const ConfigDirective &d : children) {
        if (d.isInclude()) {
            const Directives inner = flatten(d.children);
            out.insert(out.end(), inner.begin(), inner.end());
        } else {
            out.push_back(&d);
        }
    }
    return out;
}

void ConfigModelBuilder::report(Diagnostic::Severity s, const SourceLocation &where, QString message)
{
    m_model.diagnostics.push_back({s, where, std::move(message)});
}

void ConfigModelBuilder::run()
{
    const Directives main = flatten(m_parsed.directives);
    std::vector<ErrorLogTarget> mainErrors;
    for (const ConfigDirective *d : main) {
        ValueProblems problems;
        if (d->name == u"user" && !d->args.isEmpty())
            m_model.workerUser = d->args.front();
        else if (d->name == u"error_log")
            mainErrors.push_back(ConfigValues::parseErrorLog(*d, m_model.prefix, problems));
        problems.reportTo(m_model.diagnostics, d->where);
    }
    if (mainErrors.empty()) {
        ErrorLogTarget fallback;
        fallback.path = ConfigValues::resolveLogPath(u"logs/error.log"_s, m_model.prefix);
        fallback.isDefault = true;
        mainErrors.push_back(fallback);
    }
    m_model.errorLogs = mainErrors;
    const ConfigLevel root = ConfigInheritance::rootLevel(m_model.prefix, mainErrors);
    m_model.httpEffective = root.effective;
    m_model.httpAccessLogs = root.accessLogs;
    for (const ConfigDirective *d : main)
        if (d->name == u"http" && d->hasBlock)
            walkHttp(*d, root);
    resolvePasses();
    checkLogFormatUse();
    checkRegexes();
}

void ConfigModelBuilder::walkHttp(const ConfigDirective &http, const ConfigLevel &root)
{
    if (m_sawHttp) {
        report(Diagnostic::Severity::Error, http.where,
               u"\"http\" is duplicate: nginx allows one http block; merge them"_s);
    }
    m_sawHttp = true;
    const Directives own = flatten(http.children);
    // Formats and groups first: nginx resolves names to them regardless of where they are written.
    for (const ConfigDirective *d : own) {
        if (d->name == u"log_format")
            addLogFormat(*d);
        else if (d->name == u"upstream")
            walkUpstream(*d);
    }
    const ConfigLevel level = ConfigInheritance::inherit(root, own, m_model.prefix, m_model.diagnostics);
    m_model.httpEffective = level.effective;
    m_model.httpAccessLogs = level.accessLogs;
    // error_log in http replaces main's for requests; main's still receive nginx's own messages.
    const bool httpSetsErrorLog =
        std::any_of(own.begin(), own.end(), [](const ConfigDirective *d) { return d->name == u"error_log"; });
    if (httpSetsErrorLog)
        m_model.errorLogs.insert(m_model.errorLogs.end(), level.errorLogs.begin(), level.errorLogs.end());
    for (const ConfigDirective *d : own)
        if (d->name == u"server" && d->hasBlock)
            walkServer(*d, level);
}

void ConfigModelBuilder::walkServer(const ConfigDirective &d, const ConfigLevel &http)
{
    const int index = static_cast<int>(m_model.servers.size());
    m_model.servers.emplace_back();
    const Directives own = flatten(d.children);
    const ConfigLevel level = ConfigInheritance::inherit(http, own, m_model.prefix, m_model.diagnostics);
    {
        Server &s = m_model.servers.back();
        s.where = d.where;
        s.effective = level.effective;
        s.accessLogs = level.accessLogs;
        s.errorLogs = level.errorLogs;
    }
    bool http2 = false;
    for (const ConfigDirective *c : own) {
        ValueProblems problems;
        Server &s = m_model.servers[static_cast<std::size_t>(index)];
        if (c->name == u"listen") {
            s.listens.push_back(ConfigValues::parseListen(*c, problems));
        } else if (c->name == u"server_name") {
            s.serverNames += c->args;
        } else if (c->name == u"http2") {
            http2 = c->args.value(0) == u"on";
        } else if (c->name == u"location" && c->hasBlock) {
            const int child = walkLocation(*c, index, -1, level);
            m_model.servers[static_cast<std::size_t>(index)].locations.push_back(child);
        }
        problems.reportTo(m_model.diagnostics, c->where);
    }
    Server &s = m_model.servers[static_cast<std::size_t>(index)];
    if (s.listens.empty()) {
        ListenAddress l;
        l.raw = u"*:80"_s;
        l.address = u"*"_s;
        l.isDefault = true;
        l.where = d.where;
        s.listens.push_back(l);
    }
    if (http2)
        for (ListenAddress &l : s.listens)
            l.http2 = true;
}

void ConfigModelBuilder::setLocationPattern(Location &loc, const ConfigDirective &d)
{
    static const QStringList modifiers{u"="_s, u"~"_s, u"~*"_s, u"^~"_s};
    if (d.args.size() == 2) {
        loc.modifier = d.args[0];
        loc.pattern = d.args[1];
        if (!modifiers.contains(loc.modifier))
            report(
                Diagnostic::Severity::Error, d.where,
                u"invalid location modifier \"%1\": nginx refuses it (=, ~, ~* or ^~)"_s.arg(loc.modifier));
        return;
    }
    if (d.args.size() != 1) {
        report(Diagnostic::Severity::Error, d.where,
               u"\"location\" takes a pattern, optionally after a modifier; this one has %1 arguments"_s.arg(
                   d.args.size()));
        loc.pattern = d.args.value(0);
        return;
    }
    // nginx also accepts the modifier glued to the pattern: "location =/x", "location ~*\.png$".
    const QString &a = d.args.front();
    for (const char *m : {"^~", "~*", "=", "~"}) {
        const QLatin1StringView mod(m);
        if (a.startsWith(mod)) {
            loc.modifier = mod;
            loc.pattern = a.mid(mod.size());
            return;
        }
    }
    loc.pattern = a;
    if (a.startsWith(QLatin1Char('@')))
        loc.modifier = u"@"_s;
}

void ConfigModelBuilder::checkNesting(const Location &loc, int parent)
{
    if (parent < 0)
        return;
    const Location &p = m_model.locations[static_cast<std::size_t>(parent)];
    QString problem;
    if (loc.modifier == u"@")
        problem = u"named location \"%1\" can only be on the server level"_s.arg(loc.pattern);
    else if (p.modifier == u"=" || p.modifier == u"@")
        problem = u"\"%1\" cannot be inside \"%2\""_s.arg(loc.displayName(), p.displayName());
    else if (!isRegexModifier(loc.modifier) && !loc.pattern.startsWith(p.pattern))
        problem = u"\"%1\" is outside \"%2\": a nested prefix must start with the enclosing one"_s.arg(
            loc.displayName(), p.displayName());
    if (!problem.isEmpty())
        report(Diagnostic::Severity::Error, loc.where, problem + u"; nginx refuses this configuration"_s);
}

int ConfigModelBuilder::walkLocation(const ConfigDirective &d, int server, int parent,
                                     const ConfigLevel &parentLevel)
{
    const int index = static_cast<int>(m_model.locations.size());
    m_model.locations.emplace_back();
    const Directives own = flatten(d.children);
    const ConfigLevel level =
        ConfigInheritance::inherit(parentLevel, own, m_model.prefix, m_model.diagnostics);
    {
        Location &loc = m_model.locations.back();
        loc.server = server;
        loc.parent = parent;
        loc.where = d.where;
        setLocationPattern(loc, d);
        loc.effective = level.effective;
        loc.accessLogs = level.accessLogs;
        loc.errorLogs = level.errorLogs;
        checkNesting(loc, parent);
    }
    findPass(index, own);
    for (const ConfigDirective *c : own) {
        if (c->name == u"location" && c->hasBlock) {
            const int child = walkLocation(*c, server, index, level);
            m_model.locations[static_cast<std::size_t>(index)].children.push_back(child);
        }
    }
    return index;
}

void ConfigModelBuilder::findPass(int location, const Directives &own)
{
    const ConfigDirective *pass = nullptr;
    for (const ConfigDirective *d : own) {
        if (!ConfigValues::passModuleOf(d->name))
            continue;
        if (pass)
            report(Diagnostic::Severity::Error, d->where,
                   u"a second \"%1\" in the same location: nginx refuses this (\"%2\" is already set on line "
                   u"%3)"_s.arg(d->name, pass->name)
                       .arg(pass->where.line.value));
        else
            pass = d;
    }
    // Without a direct one, a pass inside `if` or `limit_except` is what the location forwards to.
    for (const ConfigDirective *d : own) {
        if (pass || !d->hasBlock || (d->name != u"if" && d->name != u"limit_except"))
            continue;
        for (const ConfigDirective *c : flatten(d->children))
            if (!pass && ConfigValues::passModuleOf(c->name))
                pass = c;
    }
    if (!pass)
        return;
    ValueProblems problems;
    ConfigValues::PassParse parsed =
        ConfigValues::parsePass(*ConfigValues::passModuleOf(pass->name), *pass, problems);
    problems.reportTo(m_model.diagnostics, pass->where);
    m_passes.emplace_back(location, std::move(parsed));
}

void ConfigModelBuilder::walkUpstream(const ConfigDirective &d)
{
    UpstreamGroup g;
    g.where = d.where;
    g.name = d.args.value(0);
    g.balancing = u"round-robin"_s;
    g.keepaliveTimeout = {{u"60s"_s}, {}, true};
    g.keepaliveRequests = {{u"1000"_s}, {}, true};
    if (d.args.size() != 1 || !d.hasBlock)
        report(Diagnostic::Severity::Error, d.where, u"\"upstream\" needs exactly one name and a block"_s);
    for (const ConfigDirective *c : flatten(d.children)) {
        ValueProblems problems;
        if (c->name == u"server") {
            g.servers.push_back(ConfigValues::parseUpstreamServer(*c, problems));
        } else if (c->name == u"keepalive") {
            bool ok = false;
            g.keepalive = c->args.value(0).toInt(&ok);
            if (!ok || g.keepalive < 1 || c->args.size() != 1)
                problems.errors.append(u"\"keepalive\" takes one positive number of connections"_s);
        } else if (c->name == u"keepalive_timeout") {
            g.keepaliveTimeout = {c->args, c->where, false};
        } else if (c->name == u"keepalive_requests") {
            g.keepaliveRequests = {c->args, c->where, false};
        } else if (isBalancingDirective(c->name)) {
            if (g.balancing != u"round-robin")
                problems.warnings.append(u"load balancing method redefined (was \"%1\")"_s.arg(g.balancing));
            g.balancing = QString(c->name + QLatin1Char(' ') + c->args.join(QLatin1Char(' '))).trimmed();
        }
        problems.reportTo(m_model.diagnostics, c->where);
    }
    // With a shared-memory zone the group may be filled at run time (NGINX Plus API, `server ... resolve`).
    const Directives inside = flatten(d.children);
    const bool hasZone = std::any_of(inside.begin(), inside.end(),
                                     [](const ConfigDirective *c) { return c->name == u"zone"; });
    if (g.servers.empty() && d.hasBlock && !hasZone)
        report(Diagnostic::Severity::Error, d.where,
               u"no servers are inside upstream \"%1\": nginx refuses this; add a \"server\" line"_s.arg(
                   g.name));
    if (m_model.findUpstream(g.name) >= 0)
        report(Diagnostic::Severity::Error, d.where,
               u"duplicate upstream \"%1\": nginx refuses this; the first definition is used"_s.arg(g.name));
    m_model.upstreams.push_back(std::move(g));
}

void ConfigModelBuilder::addLogFormat(const ConfigDirective &d)
{
    ValueProblems problems;
    LogFormatDefinition f = ConfigValues::parseLogFormat(d, problems);
    problems.reportTo(m_model.diagnostics, d.where);
    if (m_model.logFormat(f.name)) {
        report(Diagnostic::Severity::Error, d.where,
               u"duplicate log_format name \"%1\": nginx refuses this; rename one of them"_s.arg(f.name));
        return;
    }
    m_model.logFormats.push_back(std::move(f));
}

void ConfigModelBuilder::resolvePasses()
{
    for (auto &[index, parsed] : m_passes) {
        PassTarget t = parsed.target;
        if (t.kind == PassTarget::Kind::Address) {
            QString name = parsed.host;
            if (parsed.hostHasPort)
                name = name.left(name.lastIndexOf(QLatin1Char(':')));
            const int group = m_model.findUpstream(name);
            if (group >= 0) {
                t.kind = PassTarget::Kind::UpstreamGroup;
                t.target = m_model.upstreams[static_cast<std::size_t>(group)].name;
                t.upstreamIndex = group;
                if (parsed.hostHasPort)
                    report(Diagnostic::Severity::Error, t.where,
                           u"upstream \"%1\" may not have a port in \"%2\": nginx refuses this; remove the "
                           u"port"_s.arg(name, t.raw));
            } else if (!parsed.hostHasPort && t.module != PassModule::Proxy && t.module != PassModule::Grpc) {
                report(
                    Diagnostic::Severity::Error, t.where,
                    u"no port in \"%1\" and no upstream of that name: nginx refuses this; add the port"_s.arg(
                        t.raw));
            }
        }
        m_model.locations[static_cast<std::size_t>(index)].pass = std::move(t);
    }
}

void ConfigModelBuilder::checkLogFormatUse()
{
    QSet<QString> checked;
    auto check = [&](const std::vector<AccessLogTarget> &logs) {
        for (const AccessLogTarget &t : logs) {
            if (t.off || t.isDefault || checked.contains(t.where.toString()))
                continue;
            checked.insert(t.where.toString());
            if (!m_model.logFormat(t.formatName))
                report(
                    Diagnostic::Severity::Error, t.where,
                    u"access_log uses log_format \"%1\", which is not defined: nginx refuses this; define it "
                    u"with log_format in the http block"_s.arg(t.formatName));
        }
    };
    check(m_model.httpAccessLogs);
    for (const Server &s : m_model.servers)
        check(s.accessLogs);
    for (const Location &l : m_model.locations)
        check(l.accessLogs);
}

void ConfigModelBuilder::checkRegexes()
{
    auto check = [&](const QString &pattern, bool caseInsensitive, const SourceLocation &where,
                     QStringView what) {
        const QRegularExpression re = m_model.regexCache->get(pattern, caseInsensitive);
        if (!re.isValid())
            report(
                Diagnostic::Severity::Error, where,
                u"invalid regular expression in %1 \"%2\": %3 at offset %4; nginx refuses this, and it never "
                u"matches here"_s.arg(what, pattern, re.errorString())
                    .arg(re.patternErrorOffset()));
    };
    for (const Server &s : m_model.servers)
        for (const QString &name : s.serverNames)
            if (name.startsWith(QLatin1Char('~')))
                check(name.mid(1), true, s.where, u"server_name");
    for (const Location &l : m_model.locations)
        if (isRegexModifier(l.modifier))
            check(l.pattern, l.modifier == u"~*", l.where, u"location");
}

} // namespace gwb
