#include "findingbuilder.h"

#include <QSet>

#include <algorithm>
#include <numeric>

namespace gwb {

using detail::FailedRequest;
using detail::UpstreamError;

namespace {

const char *const kModulePrefixes[] = {"proxy_", "fastcgi_", "uwsgi_", "scgi_", "grpc_"};

QString modulePrefix(const Location *loc)
{
    if (!loc || !loc->pass)
        return QStringLiteral("proxy_");
    return passModuleName(loc->pass->module) + QLatin1Char('_');
}

// "proxy_read_timeout" becomes "fastcgi_read_timeout" in a location that uses fastcgi_pass.
QString forModule(const QString &directive, const QString &prefix)
{
    for (const char *p : kModulePrefixes) {
        const QLatin1StringView lp(p);
        if (directive.startsWith(lp))
            return prefix + directive.mid(lp.size());
    }
    return directive;
}

bool isUpstreamLevel(const QString &d)
{
    return d == QLatin1StringView("keepalive") || d == QLatin1StringView("keepalive_timeout") ||
           d == QLatin1StringView("keepalive_requests") || d == QLatin1StringView("max_fails") ||
           d == QLatin1StringView("fail_timeout");
}

QByteArray normaliseHost(QByteArray host)
{
    host = host.toLower();
    if (!host.startsWith('[')) {
        const qsizetype colon = host.lastIndexOf(':');
        if (colon > 0)
            host.truncate(colon);
    }
    return host;
}

QString phaseRank(const Finding &f)
{
    return QString::fromLatin1(causeId(f.cause));
}

} // namespace

QByteArray pathOfRequest(const QByteArray &requestOrUri, bool isRequestLine)
{
    QByteArray uri = requestOrUri;
    if (isRequestLine) {
        const qsizetype sp = uri.indexOf(' ');
        uri = sp < 0 ? QByteArray() : uri.mid(sp + 1);
        const qsizetype sp2 = uri.lastIndexOf(' ');
        if (sp2 > 0)
            uri.truncate(sp2);
    }
    const qsizetype q = uri.indexOf('?');
    if (q >= 0)
        uri.truncate(q);
    return uri;
}

FindingBuilder::FindingBuilder(const Investigation &inv, const DiagnoseOptions &opt)
    : m_inv(inv), m_config(inv.config ? &*inv.config : nullptr), m_opt(opt)
{
}

std::pair<int, int> FindingBuilder::route(const QByteArray &host, const QByteArray &requestOrUri, bool isRequestLine)
{
    if (!m_config || m_config->servers.empty())
        return {-1, -1};
    const QByteArray h = normaliseHost(host);
    auto sit = m_serverCache.constFind(h);
    int server = sit != m_serverCache.constEnd() ? *sit : -2;
    if (server == -2) {
        server = m_config->findServer(QString::fromUtf8(h));
        m_serverCache.insert(h, server);
    }
    if (server < 0)
        return {-1, -1};
    const QByteArray path = pathOfRequest(requestOrUri, isRequestLine);
    if (path.isEmpty())
        return {server, -1};
    const QString key = QString::number(server) + QLatin1Char(' ') + QString::fromUtf8(path);
    auto lit = m_locationCache.constFind(key);
    if (lit != m_locationCache.constEnd())
        return {server, *lit};
    const int location = m_config->matchLocation(server, QString::fromUtf8(path));
    if (m_locationCache.size() < 100'000)
        m_locationCache.insert(key, location);
    return {server, location};
}

FindingBuilder::Place FindingBuilder::placeOf(const QByteArray &host, const QByteArray &requestOrUri,
                                              bool isRequestLine, const QByteArray &peer)
{
    const auto [server, location] = route(host, requestOrUri, isRequestLine);
    return placeAt(server, location, peer);
}

FindingBuilder::Place FindingBuilder::placeAt(int server, int location, const QByteArray &peer) const
{
    Place p;
    p.peer = QString::fromUtf8(peer);
    p.server = server;
    p.location = location;
    if (!m_config)
        return p;
    if (p.location >= 0) {
        const Location &loc = m_config->locations[static_cast<std::size_t>(p.location)];
        if (loc.pass && loc.pass->kind == PassTarget::Kind::UpstreamGroup)
            p.upstream = loc.pass->target;
    }
    if (p.location < 0 && !p.peer.isEmpty()) { // a location with a literal address names no group
        for (const UpstreamGroup &g : m_config->upstreams) {
            const bool member = std::any_of(g.servers.begin(), g.servers.end(),
                                            [&](const UpstreamServer &s) { return s.address == p.peer; });
            if (member || g.name == p.peer) {
                p.upstream = g.name;
                break;
            }
        }
    }
    if (p.peer == p.upstream)
        p.peer.clear(); // no live upstreams: nginx names the group, not a peer
    return p;
}

Finding &FindingBuilder::findingFor(Cause cause, Phase phase, const Place &place)
{
    const QString key = QString::fromLatin1(causeId(cause)) + QLatin1Char('\x1f') + place.upstream + QLatin1Char('\x1f') +
                        place.peer + QLatin1Char('\x1f') + QString::number(place.server) + QLatin1Char('\x1f') +
                        QString::number(place.location);
    auto it = m_index.constFind(key);
    if (it != m_index.constEnd())
        return m_findings[static_cast<std::size_t>(*it)];
    Finding f;
    f.cause = cause;
    f.phase = phase;
    f.upstream = place.upstream;
    f.peer = place.peer;
    f.serverIndex = place.server;
    f.locationIndex = place.location;
    if (m_config && place.server >= 0)
        f.server = m_config->servers[static_cast<std::size_t>(place.server)].displayName();
    if (m_config && place.location >= 0)
        f.location = m_config->locations[static_cast<std::size_t>(place.location)].displayName();
    const CauseInfo &info = causeInfo(cause);
    f.title = info.title;
    f.explanation = info.explanation;
    f.advice = info.advice;
    f.nextCheck = info.nextCheck;
    f.config = configFor(cause, place.location, place.server, place.upstream);
    m_index.insert(key, static_cast<int>(m_findings.size()));
    m_findings.push_back(std::move(f));
    return m_findings.back();
}

SourceLocation FindingBuilder::accessWhere(const FailedRequest &r) const
{
    const AccessLogResult &log = m_inv.accessLogs[static_cast<std::size_t>(r.log)];
    return {log.text->path(), log.lines.lineAt(log.text->bytes(), ByteOffset(log.events[r.event].offset))};
}

SourceLocation FindingBuilder::errorWhere(const UpstreamError &e) const
{
    const ErrorLogResult &log = m_inv.errorLogs[static_cast<std::size_t>(e.log)];
    return {log.text->path(), log.lines.lineAt(log.text->bytes(), ByteOffset(log.events[e.event].offset))};
}

bool FindingBuilder::wantsEvidence(const Finding &f) const
{
    return static_cast<int>(f.evidence.size()) < m_opt.evidencePerFinding;
}

void FindingBuilder::addEvidence(Finding &f, const SourceLocation &where, QByteArrayView text) const
{
    constexpr qsizetype kMaxEvidenceChars = 2000;
    f.evidence.push_back({where, QString::fromUtf8(text.first(std::min(text.size(), kMaxEvidenceChars)))});
}

std::vector<ConfigEvidence> FindingBuilder::configFor(Cause cause, int location, int server, const QString &upstream) const
{
    std::vector<ConfigEvidence> out;
    if (!m_config)
        return out;
    const Location *loc = location >= 0 ? &m_config->locations[static_cast<std::size_t>(location)] : nullptr;
    const Server *srv = server >= 0 ? &m_config->servers[static_cast<std::size_t>(server)] : nullptr;
    const int gi = upstream.isEmpty() ? -1 : m_config->findUpstream(upstream);
    const UpstreamGroup *group = gi >= 0 ? &m_config->upstreams[static_cast<std::size_t>(gi)] : nullptr;
    const QString prefix = modulePrefix(loc);
    QSet<QString> seen;
    for (const QString &raw : causeInfo(cause).directives) {
        if (isUpstreamLevel(raw)) {
            if (!group || seen.contains(raw))
                continue;
            seen.insert(raw);
            const QString ctx = QStringLiteral("upstream %1").arg(group->name);
            if (raw == QLatin1StringView("keepalive"))
                out.push_back({raw, group->keepalive ? QString::number(group->keepalive) : QStringLiteral("(not set)"),
                               group->where, group->keepalive == 0, ctx});
            else if (raw == QLatin1StringView("keepalive_timeout"))
                out.push_back({raw, group->keepaliveTimeout.text(), group->keepaliveTimeout.where,
                               group->keepaliveTimeout.isDefault, ctx});
            else if (raw == QLatin1StringView("max_fails") || raw == QLatin1StringView("fail_timeout")) {
                for (const UpstreamServer &s : group->servers)
                    out.push_back({QStringLiteral("server %1").arg(s.address),
                                   QStringLiteral("max_fails=%1 fail_timeout=%2s%3")
                                       .arg(s.maxFails).arg(s.failTimeoutSec)
                                       .arg(s.backup ? QStringLiteral(" backup") : QString()),
                                   s.where, false, ctx});
                seen.insert(QStringLiteral("max_fails"));
                seen.insert(QStringLiteral("fail_timeout"));
            }
            continue;
        }
        const QString d = forModule(raw, prefix);
        if (seen.contains(d))
            continue;
        seen.insert(d);
        const EffectiveSettings *levels[] = {loc ? &loc->effective : nullptr, srv ? &srv->effective : nullptr,
                                             &m_config->httpEffective};
        for (const EffectiveSettings *lv : levels) {
            if (!lv)
                continue;
            auto it = lv->find(d);
            if (it == lv->end())
                continue;
            const QString ctx = loc ? loc->displayName() : srv ? QStringLiteral("server %1").arg(srv->displayName()) : QStringLiteral("http");
            out.push_back({d, it->second.isDefault ? it->second.text() + QStringLiteral(" (nginx default)") : it->second.text(),
                           it->second.where, it->second.isDefault, ctx});
            break;
        }
    }
    return out;
}

std::vector<Finding> FindingBuilder::build(const std::vector<FailedRequest> &failed, const std::vector<UpstreamError> &errors,
                                           std::vector<FailureEvent> *failures)
{
    std::vector<FailureEvent> events;
    auto findingIndex = [&](const Finding &f) { return static_cast<int>(&f - m_findings.data()); };
    for (const FailedRequest &r : failed) {
        // The diagnoser throws away what a cancelled build returns; stopping is all that matters here.
        if (detail::stopRequestedAt(static_cast<std::size_t>(&r - failed.data()), m_opt.cancel))
            return {};
        QByteArray peer = r.failing >= 0 ? r.record.attempts[static_cast<std::size_t>(r.failing)].address : QByteArray();
        if (peer.isEmpty() && !r.errors.empty())
            peer = errors[static_cast<std::size_t>(r.errors.back())].peer; // a format without $upstream_addr
        Place place;
        if (r.server < 0 && r.location < 0 && r.record.host.isEmpty() && !r.errors.empty()) {
            const UpstreamError &e = errors[static_cast<std::size_t>(r.errors.front())];
            place = placeOf(e.entry.host.isEmpty() ? e.entry.server : e.entry.host, e.entry.request, true, peer);
        } else {
            place = placeAt(r.server, r.location, peer);
        }
        Finding &f = findingFor(r.cause, r.phase, place);
        const AccessEvent &ae = m_inv.accessLogs[static_cast<std::size_t>(r.log)].events[r.event];
        events.push_back({r.record.time, r.cause, r.record.status.value, false, static_cast<std::uint16_t>(ae.source),
                          static_cast<std::uint64_t>(ae.offset), findingIndex(f)});
        ++f.count;
        ++f.requests;
        // An error line joined to the same request in several access logs is counted once, with the first.
        const int self = static_cast<int>(&r - failed.data());
        f.errorLines += static_cast<std::uint64_t>(std::count_if(r.errors.begin(), r.errors.end(), [&](int ei) {
            return errors[static_cast<std::size_t>(ei)].request == self;
        }));
        ++f.clientStatus[r.record.status.value];
        if (!r.clientFailed)
            ++f.retriedOk;
        const qint64 t = r.record.time;
        f.firstMs = f.count == 1 ? t : std::min(f.firstMs, t);
        f.lastMs = f.count == 1 ? t : std::max(f.lastMs, t);
        // Evidence is the first few failures; finding a line number costs a scan, so only for those kept.
        if (wantsEvidence(f) && !r.errors.empty()) {
            const UpstreamError &e = errors[static_cast<std::size_t>(r.errors.front())];
            const ErrorLogResult &log = m_inv.errorLogs[static_cast<std::size_t>(e.log)];
            addEvidence(f, errorWhere(e), detail::errorEntryText(log, log.events[e.event])); // one error line is enough
        }
        if (wantsEvidence(f)) {
            const AccessLogResult &alog = m_inv.accessLogs[static_cast<std::size_t>(r.log)];
            addEvidence(f, accessWhere(r), detail::accessLineText(alog, alog.events[r.event]));
        }
        if (f.exampleChain.empty() || (f.exampleChain.size() < 2 && r.record.attempts.size() >= 2)) {
            f.exampleChain.clear();
            for (const UpstreamAttempt &a : r.record.attempts)
                f.exampleChain.push_back({QString::fromUtf8(a.address), a.status.value, a.connectMs, a.headerMs});
        }
    }
    for (const UpstreamError &e : errors) {
        if (e.request >= 0)
            continue;
        const ErrorLogResult &log = m_inv.errorLogs[static_cast<std::size_t>(e.log)];
        const ErrorEvent &ev = log.events[e.event];
        const QByteArray host = e.entry.host.isEmpty() ? e.entry.server : e.entry.host;
        const Place place = placeOf(host, e.entry.request, true, e.peer);
        Finding &f = findingFor(e.cause, e.entry.phase, place);
        events.push_back({ev.time, e.cause, 0, true, static_cast<std::uint16_t>(ev.source),
                          static_cast<std::uint64_t>(ev.offset), findingIndex(f)});
        ++f.count;
        ++f.errorLines;
        f.firstMs = f.count == 1 ? ev.time : std::min(f.firstMs, ev.time);
        f.lastMs = f.count == 1 ? ev.time : std::max(f.lastMs, ev.time);
        if (wantsEvidence(f))
            addEvidence(f, errorWhere(e), detail::errorEntryText(log, ev));
    }
    auto clientFailures = [](const Finding &f) {
        std::uint64_t n = 0;
        for (const auto &[status, count] : f.clientStatus)
            if (status >= 500 || status == 499 || status < 100)
                n += count;
        return n;
    };
    std::vector<int> order(m_findings.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int ia, int ib) {
        const Finding &a = m_findings[static_cast<std::size_t>(ia)], &b = m_findings[static_cast<std::size_t>(ib)];
        const auto ca = clientFailures(a), cb = clientFailures(b);
        if (ca != cb)
            return ca > cb;
        if (a.count != b.count)
            return a.count > b.count;
        return phaseRank(a) < phaseRank(b);
    });
    std::vector<int> newIndex(order.size());
    std::vector<Finding> sorted;
    sorted.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        newIndex[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
        sorted.push_back(std::move(m_findings[static_cast<std::size_t>(order[i])]));
    }
    if (failures) {
        for (FailureEvent &e : events)
            e.finding = newIndex[static_cast<std::size_t>(e.finding)];
        std::stable_sort(events.begin(), events.end(), [](const FailureEvent &a, const FailureEvent &b) { return a.timeMs < b.timeMs; });
        *failures = std::move(events);
    }
    m_findings.clear();
    m_index.clear();
    return sorted;
}

} // namespace gwb
