#include "lint.h"

#include "findingbuilder.h"

#include <QHostAddress>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace gwb::Lint {

namespace {

ConfigEvidence evidenceOf(const QString &directive, const EffectiveSettings &s, const QString &context)
{
    auto it = s.find(directive);
    if (it == s.end())
        return {directive, QStringLiteral("(not set)"), {}, true, context};
    return {directive, it->second.isDefault ? it->second.text() + QStringLiteral(" (nginx default)") : it->second.text(),
            it->second.where, it->second.isDefault, context};
}

QString effectiveText(const EffectiveSettings &s, const QString &directive)
{
    auto it = s.find(directive);
    return it == s.end() ? QString() : it->second.text();
}

std::uint64_t countFindings(const std::vector<Finding> &findings, int location, std::initializer_list<Cause> causes,
                            std::vector<EvidenceLine> *evidence = nullptr)
{
    std::uint64_t n = 0;
    for (const Finding &f : findings) {
        if (f.locationIndex != location || std::find(causes.begin(), causes.end(), f.cause) == causes.end())
            continue;
        n += f.count;
        if (evidence && evidence->size() < 3 && !f.evidence.empty())
            evidence->push_back(f.evidence.front());
    }
    return n;
}

void keepaliveWithoutHttp11(const ConfigModel &cfg, const std::vector<Finding> &findings, std::vector<LintResult> &out)
{
    for (std::size_t li = 0; li < cfg.locations.size(); ++li) {
        const Location &loc = cfg.locations[li];
        if (!loc.pass || loc.pass->module != PassModule::Proxy || loc.pass->upstreamIndex < 0)
            continue;
        const UpstreamGroup &g = cfg.upstreams[static_cast<std::size_t>(loc.pass->upstreamIndex)];
        if (g.keepalive <= 0)
            continue;
        const bool http11 = effectiveText(loc.effective, QStringLiteral("proxy_http_version")) == QLatin1StringView("1.1");
        const QString connection = effectiveText(loc.effective, QStringLiteral("proxy_set_header Connection"));
        if (http11 && connection.isEmpty())
            continue;
        LintResult r;
        r.rule = QStringLiteral("keepalive-without-http11");
        r.context = loc.displayName();
        r.config = {{QStringLiteral("keepalive"), QString::number(g.keepalive), g.where, false, QStringLiteral("upstream %1").arg(g.name)},
                    evidenceOf(QStringLiteral("proxy_http_version"), loc.effective, loc.displayName()),
                    evidenceOf(QStringLiteral("proxy_set_header Connection"), loc.effective, loc.displayName())};
        r.evidenceCount = countFindings(findings, static_cast<int>(li),
                                        {Cause::PrematureClose, Cause::ConnectionReset, Cause::KeepaliveRace}, &r.evidence);
        r.severity = r.evidenceCount ? QStringLiteral("warning") : QStringLiteral("note");
        r.message = QStringLiteral("upstream %1 keeps idle connections (keepalive %2), but %3 talks to it with %4 and "
                                   "Connection \"%5\", so no connection is ever reused; set proxy_http_version 1.1 and "
                                   "proxy_set_header Connection \"\" in this location")
                        .arg(g.name).arg(g.keepalive).arg(loc.displayName(),
                             http11 ? QStringLiteral("HTTP/1.1") : QStringLiteral("HTTP/1.0"), connection);
        out.push_back(std::move(r));
    }
}

void passWithoutResolver(const ConfigModel &cfg, const std::vector<Finding> &findings, std::vector<LintResult> &out)
{
    for (std::size_t li = 0; li < cfg.locations.size(); ++li) {
        const Location &loc = cfg.locations[li];
        if (!loc.pass)
            continue;
        bool needsResolver = loc.pass->kind == PassTarget::Kind::Variable;
        if (loc.pass->kind == PassTarget::Kind::UpstreamGroup && loc.pass->upstreamIndex >= 0) {
            const UpstreamGroup &g = cfg.upstreams[static_cast<std::size_t>(loc.pass->upstreamIndex)];
            needsResolver = std::any_of(g.servers.begin(), g.servers.end(), [](const UpstreamServer &s) { return s.resolve; });
        }
        if (!needsResolver || !effectiveText(loc.effective, QStringLiteral("resolver")).isEmpty())
            continue;
        LintResult r;
        r.rule = QStringLiteral("pass-without-resolver");
        r.context = loc.displayName();
        r.config = {{passModuleName(loc.pass->module) + QStringLiteral("_pass"), loc.pass->raw, loc.pass->where, false, loc.displayName()},
                    evidenceOf(QStringLiteral("resolver"), loc.effective, loc.displayName())};
        r.evidenceCount = countFindings(findings, static_cast<int>(li), {Cause::DnsFailure}, &r.evidence);
        r.severity = r.evidenceCount ? QStringLiteral("warning") : QStringLiteral("note");
        r.message = QStringLiteral("%1 resolves its target at request time (%2) but no resolver is configured: every "
                                   "request fails with 502; add a resolver directive (e.g. the host's DNS server)")
                        .arg(loc.displayName(), loc.pass->raw);
        out.push_back(std::move(r));
    }
}

void readTimeoutNearP99(const Investigation &inv, const ConfigModel &cfg, const std::vector<Finding> &findings,
                        std::vector<LintResult> &out, const std::atomic_bool *cancel)
{
    QSet<QString> done;
    for (std::size_t li = 0; li < cfg.locations.size(); ++li) {
        const Location &loc = cfg.locations[li];
        if (!loc.pass)
            continue;
        QStringList peers;
        if (loc.pass->upstreamIndex >= 0)
            for (const UpstreamServer &s : cfg.upstreams[static_cast<std::size_t>(loc.pass->upstreamIndex)].servers)
                peers << s.address;
        else if (loc.pass->kind != PassTarget::Kind::Variable)
            peers << loc.pass->target;
        const QString timeoutKey = passModuleName(loc.pass->module) + QStringLiteral("_read_timeout");
        const auto timeoutMs = parseNginxDurationMs(effectiveText(loc.effective, timeoutKey));
        const QString dedupe = peers.join(QLatin1Char(',')) + QLatin1Char('|') + effectiveText(loc.effective, timeoutKey);
        if (!timeoutMs || *timeoutMs <= 0 || peers.isEmpty() || done.contains(dedupe))
            continue;
        done.insert(dedupe);
        std::vector<qint32> headerTimes;
        for (const AccessLogResult &log : inv.accessLogs) {
            QSet<std::uint16_t> ids;
            for (const QString &p : peers)
                if (const auto id = log.peers.find(p.toUtf8()); id != Interner::kAbsent)
                    ids.insert(id);
            if (ids.isEmpty())
                continue;
            for (std::size_t i = 0; i < log.events.size(); ++i) {
                if (detail::stopRequestedAt(i, cancel))
                    return;
                const AccessEvent &e = log.events[i];
                if (e.upstreamHeaderMs >= 0 && ids.contains(e.peer.value))
                    headerTimes.push_back(e.upstreamHeaderMs);
            }
        }
        const std::size_t samples = headerTimes.size();
        const qint64 p99 = percentile(headerTimes, 0.99);
        const std::uint64_t timeouts = countFindings(findings, static_cast<int>(li), {Cause::ReadTimeout});
        if (samples < 20 || p99 < *timeoutMs * 8 / 10) {
            if (timeouts == 0)
                continue;
        }
        LintResult r;
        r.rule = QStringLiteral("read-timeout-near-p99");
        r.context = loc.displayName();
        r.config = {evidenceOf(timeoutKey, loc.effective, loc.displayName())};
        r.evidenceCount = countFindings(findings, static_cast<int>(li), {Cause::ReadTimeout}, &r.evidence);
        r.severity = QStringLiteral("warning");
        r.message = samples
            ? QStringLiteral("upstream header time p99 is %1 ms over %2 answered requests, against %3 %4 (%5 ms): slow "
                             "answers are close to being cut off with 504; find out why the backend is slow before "
                             "raising the timeout")
                  .arg(p99).arg(samples).arg(timeoutKey, effectiveText(loc.effective, timeoutKey)).arg(*timeoutMs)
            : QStringLiteral("%1 requests hit %2 %3 and no answered request gives a latency to compare: the backend "
                             "did not answer in time at all")
                  .arg(timeouts).arg(timeoutKey, effectiveText(loc.effective, timeoutKey));
        out.push_back(std::move(r));
    }
}

void nonIdempotentNoRetry(const ConfigModel &cfg, const std::vector<detail::FailedRequest> &failed,
                          FindingBuilder &router, std::vector<LintResult> &out)
{
    std::map<int, std::pair<std::uint64_t, std::vector<EvidenceLine>>> perLocation;
    for (const detail::FailedRequest &r : failed) {
        const QByteArray &m = r.record.method;
        if (!(m == "POST" || m == "PATCH" || m == "LOCK") || r.record.attempts.size() != 1 || !r.clientFailed ||
            r.cause == Cause::ClientClosed || r.cause == Cause::BackendStatus)
            continue;
        const bool haveUri = !r.record.uri.isEmpty();
        const int li = router.route(r.record.host, haveUri ? r.record.uri : r.record.request, !haveUri).second;
        if (li < 0)
            continue;
        const Location &loc = cfg.locations[static_cast<std::size_t>(li)];
        if (!loc.pass || loc.pass->upstreamIndex < 0)
            continue;
        const UpstreamGroup &g = cfg.upstreams[static_cast<std::size_t>(loc.pass->upstreamIndex)];
        const auto usable = std::count_if(g.servers.begin(), g.servers.end(), [](const UpstreamServer &s) { return !s.down; });
        const QString nextUpstream = effectiveText(loc.effective, passModuleName(loc.pass->module) + QStringLiteral("_next_upstream"));
        if (usable < 2 || nextUpstream.contains(QLatin1StringView("non_idempotent")))
            continue;
        ++perLocation[li].first;
    }
    for (const auto &[li, entry] : perLocation) {
        const Location &loc = cfg.locations[static_cast<std::size_t>(li)];
        const QString key = passModuleName(loc.pass->module) + QStringLiteral("_next_upstream");
        LintResult r;
        r.rule = QStringLiteral("non-idempotent-no-retry");
        r.context = loc.displayName();
        r.severity = QStringLiteral("note");
        r.config = {evidenceOf(key, loc.effective, loc.displayName())};
        r.evidenceCount = entry.first;
        r.message = QStringLiteral("%1 non-idempotent requests (POST/PATCH/LOCK) failed on their only attempt although "
                                   "other peers were available: nginx does not retry them unless %2 includes "
                                   "non_idempotent — add it only if the backend tolerates a request sent twice")
                        .arg(entry.first).arg(key);
        out.push_back(std::move(r));
    }
}

void bufferSmallerThanHeaders(const ConfigModel &cfg, const std::vector<Finding> &findings, std::vector<LintResult> &out)
{
    for (const Finding &f : findings) {
        if (f.cause != Cause::HeaderTooBig)
            continue;
        LintResult r;
        r.rule = QStringLiteral("buffer-smaller-than-headers");
        r.context = f.location.isEmpty() ? f.server : f.location;
        r.severity = QStringLiteral("warning");
        r.config = f.config;
        r.evidenceCount = f.count;
        r.evidence = f.evidence;
        QString buffer;
        for (const ConfigEvidence &c : f.config)
            if (c.directive.endsWith(QLatin1StringView("_buffer_size")))
                buffer = c.directive + QLatin1Char(' ') + c.value;
        r.message = QStringLiteral("%1 responses from %2 had headers larger than %3; raise the buffer to the size of "
                                   "the largest header (large Set-Cookie headers are the usual reason) or shrink them")
                        .arg(f.count).arg(f.peer.isEmpty() ? f.upstream : f.peer,
                                          buffer.isEmpty() ? QStringLiteral("the response buffer") : buffer);
        out.push_back(std::move(r));
    }
    Q_UNUSED(cfg);
}

} // namespace

qint64 percentile(std::vector<qint32> &values, double p)
{
    if (values.empty())
        return -1;
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    const std::size_t idx = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(idx), values.end());
    return values[idx];
}

std::vector<LintResult> run(const Investigation &inv, const std::vector<detail::FailedRequest> &failed,
                            const std::vector<Finding> &findings, const std::atomic_bool *cancel)
{
    std::vector<LintResult> out;
    if (!inv.config)
        return out;
    const ConfigModel &cfg = *inv.config;
    keepaliveWithoutHttp11(cfg, findings, out);
    passWithoutResolver(cfg, findings, out);
    readTimeoutNearP99(inv, cfg, findings, out, cancel);
    FindingBuilder router(inv, {});
    nonIdempotentNoRetry(cfg, failed, router, out);
    bufferSmallerThanHeaders(cfg, findings, out);
    std::stable_sort(out.begin(), out.end(), [](const LintResult &a, const LintResult &b) {
        if ((a.severity == QLatin1StringView("warning")) != (b.severity == QLatin1StringView("warning")))
            return a.severity == QLatin1StringView("warning");
        return a.evidenceCount > b.evidenceCount;
    });
    return out;
}

} // namespace gwb::Lint
