// The configuration against what was observed: timeouts against latencies, buffers against header sizes,
// upstream keepalive against the closes nginx met, retries against requests that were not retried.

#include "checks/builtins.h"
#include "checks/checksupport.h"
#include "checks/probeparsers.h"
#include "diagnosis/investigation.h"

namespace gwb {

namespace {

bool hasPeer(const CheckSubject &s)
{
    return s.kind == CheckSubject::Kind::Peer || s.kind == CheckSubject::Kind::UnixSocket;
}

const UpstreamGroup *groupOf(const CheckContext &context, const CheckSubject &s)
{
    const ConfigModel *config = context.config();
    if (!config || s.upstream.isEmpty())
        return nullptr;
    const int g = config->findUpstream(s.upstream);
    return g >= 0 ? &config->upstreams[size_t(g)] : nullptr;
}

class TimeoutsVsLatency final : public Check
{
public:
    QString id() const override { return QStringLiteral("timeouts-vs-latency"); }
    QString title() const override { return QStringLiteral("Timeouts against the latencies observed"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("A timeout shorter than the backend's slow tail turns slow answers into 504s; a "
                              "client that gives up sooner than the backend answers shows up as 499. Raising a "
                              "timeout only helps when the backend does answer eventually.");
    }
    GuidedStep step() const override { return GuidedStep::Config; }
    bool appliesTo(const CheckSubject &s, const CheckContext &context) const override
    {
        return hasPeer(s) && context.investigation() && context.config();
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &) const override { return {}; }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        const QString prefix = modulePrefix(s);
        const auto readTimeout = effectiveMs(context, s, prefix + QStringLiteral("read_timeout"));
        const auto connectTimeout = effectiveMs(context, s, prefix + QStringLiteral("connect_timeout"));
        const PeerLatency lat = peerLatency(context, s.peer);
        r.facts << describeEffective(context, s, prefix + QStringLiteral("read_timeout"))
                << describeEffective(context, s, prefix + QStringLiteral("connect_timeout"));
        r.facts << QStringLiteral("%1 requests to %2, %3 with a response header").arg(lat.requests).arg(s.peer).arg(lat.withHeader);
        if (lat.withHeader)
            r.facts << QStringLiteral("upstream header time p50 %1, p95 %2, p99 %3, max %4")
                           .arg(formatMs(lat.p50), formatMs(lat.p95), formatMs(lat.p99), formatMs(lat.max));
        if (lat.waitingWhenEnded)
            r.facts << QStringLiteral("%1 clients hung up (499) while nginx waited for the peer, after p50 %2")
                           .arg(lat.waitingWhenEnded)
                           .arg(formatMs(lat.clientGaveUpP50));
        std::uint64_t timedOut = 0, connectTimedOut = 0;
        for (const Finding *f : findingsOfPeer(context, s.peer)) {
            if (f->cause == Cause::ReadTimeout)
                timedOut += f->count;
            if (f->cause == Cause::ConnectTimeout)
                connectTimedOut += f->count;
        }
        if (s.cause == Cause::ClientClosed || (lat.waitingWhenEnded > 0 && s.cause == Cause::None)) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::ClientClosed;
            r.summary = QStringLiteral("clients gave up after %1 while the peer had not answered yet")
                            .arg(formatMs(lat.clientGaveUpP50));
            r.why = lat.withHeader ? QStringLiteral("answers that did arrive took p50 %1: longer than clients wait").arg(formatMs(lat.p50))
                                   : QStringLiteral("no answer arrived before the clients left: the backend is slower "
                                                    "than the clients' patience (their timeout, not nginx's)");
            r.remedy = causeInfo(Cause::ClientClosed).advice;
            return r;
        }
        if (timedOut > 0 && readTimeout) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::ReadTimeout;
            r.summary = QStringLiteral("%1 requests waited the full %2 for a response header").arg(timedOut).arg(formatMs(*readTimeout));
            r.why = lat.withHeader
                        ? QStringLiteral("answers that arrived took p99 %1 (max %2) against a read timeout of %3")
                              .arg(formatMs(lat.p99), formatMs(lat.max), formatMs(*readTimeout))
                        : QStringLiteral("no answer at all arrived within %1: the backend is stuck or much slower than "
                                         "the timeout")
                              .arg(formatMs(*readTimeout));
            r.remedy = causeInfo(Cause::ReadTimeout).advice;
            return r;
        }
        if (connectTimedOut > 0 && connectTimeout) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::ConnectTimeout;
            r.summary = QStringLiteral("%1 connects did not complete within %2").arg(connectTimedOut).arg(formatMs(*connectTimeout));
            r.why = QStringLiteral("a connect that takes that long is dropped on the way (firewall, routing) or the "
                                   "backend's accept queue is full; a longer timeout rarely helps");
            r.remedy = causeInfo(Cause::ConnectTimeout).advice;
            return r;
        }
        if (lat.requests == 0)
            return couldNotRun(std::move(r), QStringLiteral("no request to %1 in the access logs of the window").arg(s.peer),
                               QStringLiteral("widen the time window, or make sure the access log records "
                                              "$upstream_addr and $upstream_header_time"));
        if (lat.withHeader == 0)
            return couldNotRun(std::move(r), QStringLiteral("the access log has no upstream timings for %1").arg(s.peer),
                               QStringLiteral("add $upstream_header_time (or $upstream_response_time) to the log_format"));
        if (readTimeout && lat.p99 * 10 >= *readTimeout * 8) {
            r.verdict = Verdict::Warn;
            r.pointsTo = Cause::ReadTimeout;
            r.summary = QStringLiteral("the slow tail (p99 %1) is within 20 % of the read timeout (%2)")
                            .arg(formatMs(lat.p99), formatMs(*readTimeout));
            r.why = QStringLiteral("a little more load and those requests become 504s");
            r.remedy = QStringLiteral("find out why the slow requests are slow before raising %1read_timeout").arg(prefix);
            return r;
        }
        r.verdict = Verdict::Pass;
        r.summary = QStringLiteral("observed latencies (p99 %1) stay well below the read timeout (%2)")
                        .arg(formatMs(lat.p99), readTimeout ? formatMs(*readTimeout) : QStringLiteral("unknown"));
        r.why = QStringLiteral("p99 below 80 % of the timeout and no timeouts logged");
        return r;
    }
};

class BuffersVsHeaders final : public Check
{
public:
    QString id() const override { return QStringLiteral("buffers-vs-headers"); }
    QString title() const override { return QStringLiteral("Buffer size against the response headers"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("nginx reads the whole upstream response header into one buffer of *_buffer_size "
                              "(4k or 8k by default). Big cookies or many headers overflow it, and nginx answers "
                              "502 however healthy the backend is.");
    }
    GuidedStep step() const override { return GuidedStep::Config; }
    bool appliesTo(const CheckSubject &s, const CheckContext &context) const override
    {
        return hasPeer(s) && context.config() &&
               (s.scheme.isEmpty() || s.scheme == QLatin1StringView("http") || s.scheme == QLatin1StringView("https"));
    }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        return {commandText(RemoteCommand::httpProbe(httpTargetOf(s, int(context.options().probeTimeout.count() / 1000))))};
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        const QString directive = modulePrefix(s) + QStringLiteral("buffer_size");
        const auto buffer = effectiveBytes(context, s, directive);
        r.facts << describeEffective(context, s, directive);
        const Finding *f = findingOf(context, s);
        const bool logged = f && f->cause == Cause::HeaderTooBig;
        qint64 headerBytes = -1;
        if (context.hasHost() && context.hasTool(QStringLiteral("curl"), r)) {
            if (auto out = context.run(RemoteCommand::httpProbe(httpTargetOf(s, int(context.options().probeTimeout.count() / 1000))), r)) {
                const HttpProbeOutcome p = parseCurlProbe(*out);
                if (p.completed)
                    headerBytes = p.headerBytes;
            }
        }
        if (headerBytes >= 0)
            r.facts << QStringLiteral("the peer's response header to GET %1: %2 bytes").arg(s.uri).arg(headerBytes);
        if (buffer && headerBytes > *buffer) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::HeaderTooBig;
            r.summary = QStringLiteral("the response header (%1 bytes) does not fit in %2 (%3 bytes)")
                            .arg(headerBytes)
                            .arg(directive)
                            .arg(*buffer);
            r.why = QStringLiteral("nginx needs the whole header in one buffer of that size");
            r.remedy = causeInfo(Cause::HeaderTooBig).advice;
            return r;
        }
        if (logged) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::HeaderTooBig;
            r.summary = QStringLiteral("nginx logged \"upstream sent too big header\" %1 times with %2")
                            .arg(f->count)
                            .arg(describeEffective(context, s, directive));
            r.why = headerBytes >= 0 ? QStringLiteral("a plain GET gets a smaller header now; the failing responses "
                                                      "carry more (cookies, redirects with long URLs)")
                                     : QStringLiteral("the error log shows the overflow; the header could not be "
                                                      "measured from here");
            r.remedy = causeInfo(Cause::HeaderTooBig).advice;
            return r;
        }
        if (headerBytes < 0)
            return couldNotRun(std::move(r), QStringLiteral("the response header could not be measured"),
                               context.hasHost() ? QStringLiteral("install curl on the nginx host, or make sure the peer answers")
                                                 : QStringLiteral("open the target with --ssh or --local to measure it"));
        r.verdict = buffer && headerBytes * 10 > *buffer * 8 ? Verdict::Warn : Verdict::Pass;
        r.summary = QStringLiteral("the response header (%1 bytes) fits in %2 (%3 bytes)")
                        .arg(headerBytes)
                        .arg(directive)
                        .arg(buffer ? *buffer : -1);
        r.why = r.verdict == Verdict::Warn ? QStringLiteral("it uses more than 80 % of the buffer: one more cookie and it overflows")
                                           : QStringLiteral("plenty of room left");
        return r;
    }

};

class KeepaliveSettings final : public Check
{
public:
    QString id() const override { return QStringLiteral("keepalive-settings"); }
    QString title() const override { return QStringLiteral("Upstream keepalive settings"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("With upstream keepalive nginx reuses idle connections; when the backend closes an "
                              "idle connection just as nginx sends on it, the request fails. Without keepalive, "
                              "every request opens a new connection and ports run out under load.");
    }
    GuidedStep step() const override { return GuidedStep::Config; }
    bool appliesTo(const CheckSubject &s, const CheckContext &context) const override
    {
        return hasPeer(s) && context.config() &&
               (groupOf(context, s) || s.cause == Cause::KeepaliveRace || s.cause == Cause::AddressExhausted ||
                s.cause == Cause::PrematureClose || s.cause == Cause::ConnectionReset);
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &) const override { return {}; }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        const UpstreamGroup *group = groupOf(context, s);
        const int keepalive = group ? group->keepalive : 0;
        const QString version = effectiveOf(context, s, QStringLiteral("proxy_http_version")).text();
        const EffectiveValue connection = effectiveOf(context, s, QStringLiteral("proxy_set_header Connection"));
        const bool clearsConnection = !connection.args.isEmpty() && connection.args.constLast().isEmpty();
        const bool reusable = keepalive > 0 && (s.scheme != QLatin1StringView("http") && s.scheme != QLatin1StringView("https")
                                                    ? true
                                                    : version == QLatin1StringView("1.1") && clearsConnection);
        r.facts << (group ? QStringLiteral("upstream %1: keepalive %2").arg(group->name).arg(keepalive)
                          : QStringLiteral("no upstream group: no connection reuse possible"));
        if (group && keepalive > 0)
            r.facts << QStringLiteral("keepalive_timeout %1").arg(group->keepaliveTimeout.text().isEmpty() ? QStringLiteral("60s (default)") : group->keepaliveTimeout.text());
        r.facts << describeEffective(context, s, QStringLiteral("proxy_http_version"));
        r.facts << QStringLiteral("Connection header sent upstream: %1")
                       .arg(connection.args.isEmpty() ? QStringLiteral("close (default)") : QStringLiteral("\"%1\"").arg(connection.args.constLast()));
        if (s.cause == Cause::KeepaliveRace || (reusable && (s.cause == Cause::PrematureClose || s.cause == Cause::ConnectionReset))) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::KeepaliveRace;
            r.summary = QStringLiteral("the backend closes connections nginx keeps for reuse (keepalive %1, timeout %2)")
                            .arg(keepalive)
                            .arg(group && !group->keepaliveTimeout.text().isEmpty() ? group->keepaliveTimeout.text() : QStringLiteral("60s"));
            r.why = QStringLiteral("the failures happen on reused connections: the backend's idle timeout is shorter than "
                                   "nginx's, or it limits requests per connection");
            r.remedy = QStringLiteral("set keepalive_timeout in the upstream block below the backend's idle timeout (and "
                                      "keepalive_requests below its per-connection limit); %1")
                           .arg(causeInfo(Cause::KeepaliveRace).advice);
            return r;
        }
        if (s.cause == Cause::AddressExhausted && !reusable) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::AddressExhausted;
            r.summary = QStringLiteral("every request opens a new connection to the peer");
            r.why = keepalive > 0 ? QStringLiteral("keepalive is configured but proxy_http_version 1.1 and an empty "
                                                   "Connection header are missing, so connections are closed anyway")
                                  : QStringLiteral("no keepalive in the upstream block: each request leaves a socket in "
                                                   "TIME_WAIT");
            r.remedy = QStringLiteral("add `keepalive 32;` to the upstream, with proxy_http_version 1.1 and "
                                      "proxy_set_header Connection \"\" in the location");
            return r;
        }
        if (keepalive > 0 && !reusable) {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("keepalive is configured but has no effect");
            r.why = QStringLiteral("HTTP/1.0 or a \"Connection: close\" header makes every upstream connection close "
                                   "after one request");
            r.remedy = QStringLiteral("set proxy_http_version 1.1 and proxy_set_header Connection \"\" where this "
                                      "upstream is used");
            return r;
        }
        r.verdict = Verdict::Pass;
        r.summary = reusable ? QStringLiteral("connections are reused and no close on a reused connection was logged")
                             : QStringLiteral("no connection reuse, and nothing logged that it would cause");
        r.why = QStringLiteral("the failures here do not follow the pattern of a keepalive race");
        return r;
    }
};

class RetriesNonIdempotent final : public Check
{
public:
    QString id() const override { return QStringLiteral("retries-non-idempotent"); }
    QString title() const override { return QStringLiteral("Retries against the failures that were not retried"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("nginx retries a failed attempt on the next peer (proxy_next_upstream), but not a "
                              "POST, PATCH or LOCK once the request was sent, unless non_idempotent is set — "
                              "those failures reach the client.");
    }
    GuidedStep step() const override { return GuidedStep::Config; }
    bool appliesTo(const CheckSubject &s, const CheckContext &context) const override
    {
        return context.config() && findingOf(context, s) &&
               (s.cause == Cause::KeepaliveRace || s.cause == Cause::PrematureClose || s.cause == Cause::ConnectionReset ||
                s.cause == Cause::ReadTimeout);
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &) const override { return {}; }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        const Finding *f = findingOf(context, s);
        const QString directive = modulePrefix(s) + QStringLiteral("next_upstream");
        const QStringList next = effectiveOf(context, s, directive).args;
        r.facts << describeEffective(context, s, directive);
        const std::uint64_t reachedClients = f->requests > f->retriedOk ? f->requests - f->retriedOk : 0;
        r.facts << QStringLiteral("%1 failed attempts retried successfully, %2 reached the client").arg(f->retriedOk).arg(reachedClients);
        if (next.contains(QLatin1StringView("off"))) {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("retries are off: every failed attempt reaches the client");
            r.why = QStringLiteral("%1 off").arg(directive);
            r.remedy = QStringLiteral("enable %1 error timeout for idempotent requests").arg(directive);
            return r;
        }
        if (reachedClients > 0 && f->retriedOk > 0 && !next.contains(QLatin1StringView("non_idempotent"))) {
            r.verdict = Verdict::Warn;
            r.pointsTo = s.cause;
            r.summary = QStringLiteral("%1 failures reached clients while %2 others were retried: most likely the "
                                       "non-idempotent ones (POST)")
                            .arg(reachedClients)
                            .arg(f->retriedOk);
            r.why = QStringLiteral("nginx does not resend a POST once it was sent, and %1 does not include "
                                   "non_idempotent")
                        .arg(directive);
            r.remedy = QStringLiteral("fix the cause (for a keepalive race: the idle timeouts) rather than adding "
                                      "non_idempotent, which can execute a POST twice");
            return r;
        }
        if (reachedClients > 0) {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("%1 failures reached clients; none was retried").arg(reachedClients);
            r.why = upstreamPeers(context, s) > 1
                        ? QStringLiteral("the group has other peers, but these failures were not retried (a non-idempotent "
                                         "method, or a condition not in %1)").arg(directive)
                        : QStringLiteral("there is no other peer to retry on");
            return r;
        }
        r.verdict = Verdict::Pass;
        r.summary = QStringLiteral("every failed attempt was retried and ended well");
        r.why = QStringLiteral("no failure of this kind reached a client");
        return r;
    }

private:
    static int upstreamPeers(const CheckContext &context, const CheckSubject &s)
    {
        const UpstreamGroup *g = groupOf(context, s);
        return g ? int(g->servers.size()) : 1;
    }
};

} // namespace

void addConfigChecks(CheckList &out)
{
    out.push_back(std::make_unique<TimeoutsVsLatency>());
    out.push_back(std::make_unique<BuffersVsHeaders>());
    out.push_back(std::make_unique<KeepaliveSettings>());
    out.push_back(std::make_unique<RetriesNonIdempotent>());
}

} // namespace gwb
