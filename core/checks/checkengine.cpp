#include "checks/checkengine.h"

#include "checks/builtins.h"
#include "diagnosis/investigation.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QSet>

namespace gwb {

// --- registry ----------------------------------------------------------------------------------------------

CheckRegistry CheckRegistry::withBuiltins()
{
    CheckRegistry r;
    for (auto &check : builtinChecks())
        r.add(std::move(check));
    return r;
}

bool CheckRegistry::add(std::unique_ptr<Check> check, const QString &origin)
{
    if (!check)
        return false;
    if (find(check->id())) {
        m_warnings << QStringLiteral("%1: a check with the id \"%2\" exists already (%3); this one is ignored")
                          .arg(origin, check->id(), originOf(check->id()));
        return false;
    }
    m_entries.push_back({std::move(check), origin});
    return true;
}

const Check *CheckRegistry::find(QStringView id) const
{
    for (const Entry &e : m_entries)
        if (e.check->id() == id)
            return e.check.get();
    return nullptr;
}

std::vector<const Check *> CheckRegistry::all() const
{
    std::vector<const Check *> out;
    for (const Entry &e : m_entries)
        out.push_back(e.check.get());
    return out;
}

QString CheckRegistry::originOf(QStringView id) const
{
    for (const Entry &e : m_entries)
        if (e.check->id() == id)
            return e.origin;
    return {};
}

// --- decision trees ----------------------------------------------------------------------------------------

namespace {

// Builds a tree where every verdict leads to the next node unless a jump says otherwise.
class TreeBuilder
{
public:
    TreeBuilder &then(const char *id, const char *reason)
    {
        const int next = int(m_nodes.size()) + 1;
        m_nodes.push_back({QString::fromLatin1(id), next, next, next, next, QString::fromUtf8(reason)});
        return *this;
    }
    // After the last added node: where a given verdict leads (by check id; must come later in the tree).
    TreeBuilder &onPassSkipTo(const char *id) { return jump(&DecisionNode::onPass, id); }
    TreeBuilder &onFailSkipTo(const char *id) { return jump(&DecisionNode::onFail, id); }
    TreeBuilder &onPassStop() { m_nodes.back().onPass = -1; return *this; }

    std::vector<DecisionNode> build()
    {
        for (DecisionNode &n : m_nodes) {
            for (int DecisionNode::*f : {&DecisionNode::onPass, &DecisionNode::onWarn, &DecisionNode::onFail,
                                         &DecisionNode::onCouldNotRun}) {
                if (n.*f >= int(m_nodes.size()))
                    n.*f = -1;
            }
        }
        for (auto &[node, id] : m_pending) {
            int target = -1;
            for (int i = 0; i < int(m_nodes.size()); ++i)
                if (m_nodes[size_t(i)].checkId == id)
                    target = i;
            m_nodes[size_t(node.first)].*node.second = target;
        }
        return m_nodes;
    }

private:
    TreeBuilder &jump(int DecisionNode::*field, const char *id)
    {
        m_pending.push_back({{int(m_nodes.size()) - 1, field}, QString::fromLatin1(id)});
        return *this;
    }
    std::vector<DecisionNode> m_nodes;
    std::vector<std::pair<std::pair<int, int DecisionNode::*>, QString>> m_pending;
};

TreeBuilder start()
{
    TreeBuilder t;
    t.then("status-meaning", "first settle what the status means here and who produced it")
        .then("log-evidence", "then read what nginx itself logged about these failures");
    return t;
}

std::vector<DecisionNode> treeFor(Cause cause)
{
    switch (cause) {
    case Cause::BackendRefused:
        return start()
            .then("probe-peer", "connect to the peer from the nginx host, exactly as nginx does")
            .then("listening-socket", "a refusal means nothing listens there: look at the listening sockets")
            .onPassSkipTo("backend-service")
            .then("backend-service", "find out why the service is not listening: its state and recent errors")
            .then("oom-kills", "a backend that vanished may have been killed for memory")
            .then("firewall", "a REJECT rule also answers with a refusal")
            .then("tcpdump-capture", "see the SYN answered by RST on the wire")
            .build();
    case Cause::BackendUnreachable:
    case Cause::ConnectTimeout:
        return start()
            .then("dns", "make sure the name still points where you think")
            .then("probe-peer", "try to connect from the nginx host")
            .then("firewall", "a DROP rule makes a connect hang until the timeout")
            .then("mac-policy", "SELinux or AppArmor can stop nginx from connecting at all")
            .then("timeouts-vs-latency", "compare proxy_connect_timeout with what was observed")
            .then("tcpdump-capture", "see SYNs that get no answer")
            .build();
    case Cause::SocketMissing:
        return start()
            .then("unix-socket", "check that the socket file exists where nginx looks")
            .then("php-fpm-pool", "compare the pool's listen with fastcgi_pass")
            .then("backend-service", "see whether the service that creates the socket runs")
            .build();
    case Cause::SocketPermission:
    case Cause::ConnectPermission:
        return start()
            .then("unix-socket", "compare the socket's owner and mode with the nginx worker user")
            .then("mac-policy", "SELinux denies connects that file permissions allow")
            .then("php-fpm-pool", "listen.owner/listen.mode decide the socket's permissions")
            .then("probe-peer", "try to connect from the nginx host")
            .build();
    case Cause::SocketBacklogFull:
        return start()
            .then("listening-socket", "compare the listen queue with its backlog")
            .then("backend-service", "a backend that accepts too slowly is overloaded or stuck")
            .then("php-fpm-max-children", "php-fpm runs out of children before its queue fills")
            .then("worker-limits", "check the limits on both sides")
            .build();
    case Cause::AddressExhausted:
        return start()
            .then("ephemeral-ports", "count TIME_WAIT sockets against the ephemeral port range")
            .then("keepalive-settings", "upstream keepalive reuses connections instead of opening new ones")
            .then("worker-limits", "check open-file limits of the workers")
            .build();
    case Cause::NoLiveUpstreams:
    case Cause::PeerDisabled:
        return start()
            .then("probe-peer", "every peer of the group was marked failed: probe each one")
            .then("listening-socket", "see which peers listen at all")
            .then("backend-service", "find out why they fail")
            .then("timeouts-vs-latency", "max_fails/fail_timeout decide how fast peers are taken out")
            .build();
    case Cause::DnsFailure:
        return start().then("dns", "resolve the upstream name from the nginx host").then("probe-peer", "then try it").build();
    case Cause::TlsHandshake:
    case Cause::TlsVerify:
    case Cause::TlsTimeout:
        return start()
            .then("tls-probe", "do the TLS handshake nginx does, with the same server name")
            .then("probe-peer", "see what the port answers over HTTP")
            .build();
    case Cause::SendTimeout:
    case Cause::SendFailed:
        return start()
            .then("probe-peer", "see whether the backend accepts a request at all")
            .then("backend-service", "a backend that stops reading is stuck or overloaded")
            .then("timeouts-vs-latency", "compare the send timeout with what was observed")
            .then("tcpdump-capture", "see the window shrink to zero on the wire")
            .build();
    case Cause::ReadTimeout:
    case Cause::ClientClosed:
        return start()
            .then("timeouts-vs-latency", "compare the timeouts with the latencies in the access log")
            .then("probe-peer", "time a request from the nginx host")
            .then("backend-service", "find out what the backend is waiting for")
            .then("oom-kills", "memory pressure makes backends slow before it kills them")
            .then("strace-worker", "see what the nginx worker waits on")
            .build();
    case Cause::PrematureClose:
    case Cause::ConnectionReset:
        return start()
            .then("probe-peer", "see whether the backend answers a simple request")
            .then("keepalive-settings", "closes on reused connections are a keepalive race")
            .then("backend-service", "a crashing or restarting backend closes connections")
            .then("oom-kills", "a worker killed for memory drops its connections")
            .then("tcpdump-capture", "see who sends FIN or RST first")
            .build();
    case Cause::KeepaliveRace:
        return start()
            .then("keepalive-settings", "compare nginx's upstream keepalive with the backend's idle timeout")
            .then("retries-non-idempotent", "non-idempotent requests are not retried after such a close")
            .then("probe-peer", "make sure the backend is otherwise healthy")
            .then("tcpdump-capture", "see the backend close an idle connection as nginx reuses it")
            .build();
    case Cause::HeaderTooBig:
        return start()
            .then("buffers-vs-headers", "compare the response header size with proxy_buffer_size")
            .then("probe-peer", "see the headers the backend sends")
            .build();
    case Cause::InvalidResponse:
        return start()
            .then("probe-peer", "see what the backend answers: it is not valid HTTP")
            .then("tls-probe", "a TLS port answering a plain request also looks invalid")
            .then("listening-socket", "make sure the port belongs to the service you think")
            .build();
    case Cause::FastcgiError:
        return start()
            .then("php-fpm-max-children", "php-fpm logs why it could not serve")
            .then("backend-service", "see the service state and its recent errors")
            .build();
    case Cause::BackendStatus:
        return start()
            .then("probe-peer", "the backend itself answered 5xx: ask it directly")
            .then("backend-service", "its own logs say why")
            .build();
    case Cause::None:
        return TreeBuilder()
            .then("status-meaning", "what the logs say about this location")
            .then("probe-peer", "probe the peer from the nginx host")
            .then("listening-socket", "make sure the service listens")
            .build();
    default:
        return start()
            .then("probe-peer", "probe the peer from the nginx host")
            .then("backend-service", "see the service state and its recent errors")
            .build();
    }
}

} // namespace

const std::vector<DecisionNode> &decisionTree(Cause cause)
{
    static const std::vector<std::vector<DecisionNode>> trees = [] {
        std::vector<std::vector<DecisionNode>> t;
        for (int i = 0; i < kCauseCount; ++i)
            t.push_back(treeFor(static_cast<Cause>(i)));
        return t;
    }();
    return trees[size_t(cause)];
}

// --- subjects ----------------------------------------------------------------------------------------------

namespace {

QString schemeOf(const PassTarget &pass)
{
    switch (pass.module) {
    case PassModule::FastCgi:
        return QStringLiteral("fastcgi");
    case PassModule::Uwsgi:
        return QStringLiteral("uwsgi");
    case PassModule::Scgi:
        return QStringLiteral("scgi");
    case PassModule::Grpc:
        return pass.scheme.isEmpty() ? QStringLiteral("grpc") : pass.scheme;
    case PassModule::Proxy:
        break;
    }
    return pass.scheme.isEmpty() ? QStringLiteral("http") : pass.scheme;
}

// The Host header nginx sends: proxy_set_header Host when it is a literal or $host-like, else $proxy_host.
QString hostHeaderFor(const ConfigModel &config, const Location &loc, const QString &proxyHost)
{
    const auto it = loc.effective.find(QStringLiteral("proxy_set_header Host"));
    if (it == loc.effective.end() || it->second.isDefault || it->second.args.isEmpty())
        return proxyHost;
    const QString v = it->second.args.constLast();
    if (v == QLatin1StringView("$proxy_host"))
        return proxyHost;
    if (v == QLatin1StringView("$host") || v == QLatin1StringView("$http_host") ||
        v == QLatin1StringView("$server_name")) {
        if (loc.server >= 0 && size_t(loc.server) < config.servers.size()) {
            const QString name = config.servers[size_t(loc.server)].displayName();
            if (!name.startsWith(QLatin1Char('_')) && !name.contains(QLatin1Char(':')))
                return name;
        }
        return proxyHost;
    }
    return v.contains(QLatin1Char('$')) ? proxyHost : v;
}

QString effectiveText(const Location &loc, const QString &key)
{
    const auto it = loc.effective.find(key);
    return it == loc.effective.end() ? QString() : it->second.text();
}

void splitHostPort(const QString &peer, QString &host, int &port, int defaultPort)
{
    host = peer;
    port = defaultPort;
    if (peer.startsWith(QLatin1Char('['))) {
        const qsizetype close = peer.indexOf(QLatin1Char(']'));
        host = peer.mid(1, close - 1);
        if (close + 1 < peer.size() && peer[close + 1] == QLatin1Char(':'))
            port = peer.mid(close + 2).toInt();
        return;
    }
    const qsizetype colon = peer.lastIndexOf(QLatin1Char(':'));
    if (colon > 0 && peer.indexOf(QLatin1Char(':')) == colon) {
        host = peer.left(colon);
        port = peer.mid(colon + 1).toInt();
    }
}

bool locationMatches(const QString &filter, const Location &loc)
{
    if (filter.isEmpty())
        return true;
    return filter == loc.pattern || filter == loc.displayName();
}

// Fills the subject's connection facts (scheme, Host, SNI, probe path) from the location that sends there.
void fillFromLocation(CheckSubject &s, const ConfigModel &config, int locationIndex)
{
    if (locationIndex < 0 || size_t(locationIndex) >= config.locations.size())
        return;
    const Location &loc = config.locations[size_t(locationIndex)];
    s.locationIndex = locationIndex;
    s.serverIndex = loc.server;
    s.location = loc.displayName();
    if (loc.modifier.isEmpty() || loc.modifier == QLatin1StringView("=") || loc.modifier == QLatin1StringView("^~"))
        s.uri = loc.pattern;
    if (s.uri.isEmpty() || !s.uri.startsWith(QLatin1Char('/')))
        s.uri = QStringLiteral("/");
    if (!loc.pass)
        return;
    s.scheme = schemeOf(*loc.pass);
    // $proxy_host is the proxy_pass host as written: the group name for an upstream, host[:port] otherwise.
    QString proxyHost = loc.pass->target;
    if (loc.pass->kind == PassTarget::Kind::UnixSocket)
        proxyHost = QStringLiteral("localhost");
    if (loc.pass->kind == PassTarget::Kind::Address) {
        QString h;
        int p = 0;
        splitHostPort(proxyHost, h, p, 0);
        const int defaultPort = s.scheme == QLatin1StringView("https") ? 443 : 80;
        if (p == defaultPort || p == 0)
            proxyHost = h;
    }
    s.hostHeader = hostHeaderFor(config, loc, proxyHost);
    if (s.scheme == QLatin1StringView("https") && effectiveText(loc, QStringLiteral("proxy_ssl_server_name")) == QLatin1StringView("on")) {
        QString name = effectiveText(loc, QStringLiteral("proxy_ssl_name"));
        if (name.isEmpty() || name == QLatin1StringView("$proxy_host"))
            name = proxyHost;
        s.sni = name.contains(QLatin1Char('$')) ? proxyHost : name;
        QString h;
        int p = 0;
        splitHostPort(s.sni, h, p, 0);
        s.sni = h;
    }
    if (loc.pass->kind == PassTarget::Kind::UpstreamGroup)
        s.upstream = loc.pass->target;
}

void setPeer(CheckSubject &s, const QString &peer)
{
    s.peer = peer;
    if (peer.startsWith(QLatin1StringView("unix:"))) {
        s.kind = CheckSubject::Kind::UnixSocket;
        s.socketPath = peer.mid(5);
        return;
    }
    s.kind = CheckSubject::Kind::Peer;
    const int defaultPort = s.scheme == QLatin1StringView("https") ? 443 : 80;
    splitHostPort(peer, s.host, s.port, defaultPort);
}

// The peers a location sends to, as nginx names them.
QStringList peersOfLocation(const ConfigModel &config, const Location &loc)
{
    QStringList out;
    if (!loc.pass)
        return out;
    switch (loc.pass->kind) {
    case PassTarget::Kind::UpstreamGroup:
        if (loc.pass->upstreamIndex >= 0 && size_t(loc.pass->upstreamIndex) < config.upstreams.size())
            for (const UpstreamServer &srv : config.upstreams[size_t(loc.pass->upstreamIndex)].servers)
                out << srv.address;
        break;
    case PassTarget::Kind::UnixSocket:
        out << QStringLiteral("unix:") + loc.pass->target;
        break;
    case PassTarget::Kind::Address: {
        QString h;
        int p = 0;
        splitHostPort(loc.pass->target, h, p, 0);
        if (p == 0)
            out << loc.pass->target + (schemeOf(*loc.pass) == QLatin1StringView("https") ? QStringLiteral(":443") : QStringLiteral(":80"));
        else
            out << loc.pass->target;
        break;
    }
    case PassTarget::Kind::Variable:
        break;
    }
    return out;
}

} // namespace

std::vector<CheckSubject> subjectsFor(const Investigation &investigation, const DiagnosisResult &diagnosis,
                                      const PlanFilter &filter)
{
    std::vector<CheckSubject> out;
    QSet<QString> seen;
    const ConfigModel *config = investigation.config ? &*investigation.config : nullptr;
    auto push = [&](CheckSubject s) {
        const QString key = QStringLiteral("%1|%2|%3|%4").arg(s.peer).arg(int(s.cause)).arg(s.locationIndex).arg(s.upstream);
        if (seen.contains(key))
            return;
        if (!filter.peer.isEmpty() && s.peer != filter.peer)
            return;
        seen.insert(key);
        out.push_back(std::move(s));
    };
    QSet<int> locationsWithFindings;
    for (size_t i = 0; i < diagnosis.findings.size(); ++i) {
        const Finding &f = diagnosis.findings[i];
        if (filter.cause && f.cause != *filter.cause)
            continue;
        if (!filter.location.isEmpty() && f.location != filter.location &&
            !(config && f.locationIndex >= 0 && size_t(f.locationIndex) < config->locations.size() &&
              locationMatches(filter.location, config->locations[size_t(f.locationIndex)])))
            continue;
        locationsWithFindings.insert(f.locationIndex);
        CheckSubject base;
        base.cause = f.cause;
        base.finding = int(i);
        base.location = f.location;
        base.upstream = f.upstream;
        base.serverIndex = f.serverIndex;
        if (config)
            fillFromLocation(base, *config, f.locationIndex);
        if (!f.upstream.isEmpty())
            base.upstream = f.upstream;
        QStringList peers;
        // "no live upstreams" names the group, not a peer: every peer of the group is a subject.
        const bool groupOnly = f.peer.isEmpty() || f.peer == f.upstream;
        if (groupOnly && config && !f.upstream.isEmpty()) {
            const int g = config->findUpstream(f.upstream);
            if (g >= 0)
                for (const UpstreamServer &srv : config->upstreams[size_t(g)].servers)
                    peers << srv.address;
        } else if (!f.peer.isEmpty()) {
            peers << f.peer;
        }
        if (peers.isEmpty()) {
            CheckSubject s = base;
            s.kind = f.locationIndex >= 0 ? CheckSubject::Kind::Location : CheckSubject::Kind::Host;
            push(std::move(s));
        }
        for (const QString &peer : peers) {
            CheckSubject s = base;
            setPeer(s, peer);
            push(std::move(s));
        }
    }
    if ((filter.includeHealthy || !filter.location.isEmpty()) && config && !filter.cause) {
        for (size_t li = 0; li < config->locations.size(); ++li) {
            const Location &loc = config->locations[li];
            if (!loc.pass || locationsWithFindings.contains(int(li)) || !locationMatches(filter.location, loc))
                continue;
            for (const QString &peer : peersOfLocation(*config, loc)) {
                CheckSubject s;
                fillFromLocation(s, *config, int(li));
                setPeer(s, peer);
                push(std::move(s));
            }
        }
    }
    return out;
}

// --- planning and running ----------------------------------------------------------------------------------

namespace {

bool usable(const Check *check, const CheckSubject &subject, const CheckContext &context, const PlanFilter &filter)
{
    return check && (filter.includeConsentChecks || !check->needsConsent()) && check->appliesTo(subject, context);
}

} // namespace

std::vector<PlannedCheck> planChecks(const CheckRegistry &registry, const std::vector<CheckSubject> &subjects,
                                     const CheckContext &context, const PlanFilter &filter)
{
    std::vector<PlannedCheck> out;
    for (const CheckSubject &s : subjects) {
        const auto &tree = decisionTree(s.cause);
        for (int i = 0; i < int(tree.size()); ++i) {
            const Check *check = registry.find(tree[size_t(i)].checkId);
            if (usable(check, s, context, filter))
                out.push_back({check, s, tree[size_t(i)].reason, i});
        }
    }
    return out;
}

std::optional<PlannedCheck> nextCheck(const CheckRegistry &registry, const PlannedCheck &done,
                                      const CheckResult &result, const CheckContext &context)
{
    const auto &tree = decisionTree(done.subject.cause);
    if (done.treeNode < 0 || done.treeNode >= int(tree.size()))
        return std::nullopt;
    const DecisionNode &node = tree[size_t(done.treeNode)];
    int next = -1;
    switch (result.verdict) {
    case Verdict::Pass:
        next = node.onPass;
        break;
    case Verdict::Warn:
        next = node.onWarn;
        break;
    case Verdict::Fail:
        next = node.onFail;
        break;
    case Verdict::CouldNotRun:
        next = node.onCouldNotRun;
        break;
    }
    // Nodes whose check is missing (a plugin not installed) or does not apply are passed over in order.
    while (next >= 0 && next < int(tree.size())) {
        const Check *check = registry.find(tree[size_t(next)].checkId);
        if (usable(check, done.subject, context, {}))
            return PlannedCheck{check, done.subject, tree[size_t(next)].reason, next};
        ++next;
    }
    return std::nullopt;
}

CheckResult runPlanned(const PlannedCheck &planned, CheckContext &context)
{
    const Check &check = *planned.check;
    QElapsedTimer clock;
    clock.start();
    CheckResult r;
    if (check.needsConsent()) {
        const CaptureConsent &c = context.options().consent;
        const bool allowed = (check.id() == QLatin1StringView("tcpdump-capture") && c.tcpdump) ||
                             (check.id() == QLatin1StringView("strace-worker") && c.strace) ||
                             (check.id() != QLatin1StringView("tcpdump-capture") &&
                              check.id() != QLatin1StringView("strace-worker") && c.tcpdump && c.strace);
        if (!allowed) {
            CheckResult refused;
            refused.checkId = check.id();
            refused.title = check.title();
            refused.step = check.step();
            refused.subject = planned.subject;
            refused.startedUtcMs = QDateTime::currentMSecsSinceEpoch();
            refused.why = QStringLiteral("captures can see request data, so they never run without explicit consent");
            return couldNotRun(std::move(refused),
                               QStringLiteral("not run: this capture needs your consent"),
                               QStringLiteral("allow it with `gwb check --allow-capture` (or tick \"allow "
                                              "captures\" in the Checks panel); it runs at most %1 s and %2 "
                                              "packets, under sudo -n or as root")
                                   .arg(c.maxSeconds)
                                   .arg(c.maxPackets));
        }
    }
    if (context.isCancelled()) {
        CheckResult cancelled;
        cancelled.checkId = check.id();
        cancelled.title = check.title();
        cancelled.step = check.step();
        cancelled.subject = planned.subject;
        return couldNotRun(std::move(cancelled), QStringLiteral("cancelled before it ran"),
                           QStringLiteral("run the checks again"));
    }
    r = check.run(planned.subject, context);
    r.durationMs = clock.elapsed();
    if (context.isCancelled() && r.verdict == Verdict::Pass)
        r = couldNotRun(std::move(r), QStringLiteral("cancelled while running"), QStringLiteral("run the check again"));
    return r;
}

std::vector<CheckResult> runGuided(const CheckRegistry &registry, const std::vector<CheckSubject> &subjects,
                                   CheckContext &context, const std::function<void(const CheckResult &)> &onResult)
{
    std::vector<CheckResult> out;
    for (const CheckSubject &s : subjects) {
        const auto &tree = decisionTree(s.cause);
        std::optional<PlannedCheck> step;
        for (int i = 0; i < int(tree.size()) && !step; ++i) {
            const Check *check = registry.find(tree[size_t(i)].checkId);
            if (usable(check, s, context, {}))
                step = PlannedCheck{check, s, tree[size_t(i)].reason, i};
        }
        while (step && !context.isCancelled()) {
            CheckResult r = runPlanned(*step, context);
            if (onResult)
                onResult(r);
            out.push_back(r);
            step = nextCheck(registry, *step, out.back(), context);
        }
    }
    return out;
}

// --- JSON and text -----------------------------------------------------------------------------------------

namespace {

QJsonObject subjectToJson(const CheckSubject &s)
{
    static const char *kinds[] = {"host", "peer", "unix-socket", "location", "upstream"};
    QJsonObject o{{QStringLiteral("kind"), QString::fromLatin1(kinds[int(s.kind)])}};
    auto put = [&o](const char *key, const QString &v) {
        if (!v.isEmpty())
            o.insert(QLatin1StringView(key), v);
    };
    put("peer", s.peer);
    put("host", s.host);
    if (s.port)
        o.insert(QStringLiteral("port"), s.port);
    put("socket", s.socketPath);
    put("scheme", s.scheme);
    put("hostHeader", s.hostHeader);
    put("sni", s.sni);
    put("uri", s.uri);
    put("upstream", s.upstream);
    put("location", s.location);
    o.insert(QStringLiteral("locationIndex"), s.locationIndex);
    o.insert(QStringLiteral("serverIndex"), s.serverIndex);
    if (s.cause != Cause::None)
        o.insert(QStringLiteral("cause"), QString(causeId(s.cause)));
    o.insert(QStringLiteral("finding"), s.finding);
    return o;
}

CheckSubject subjectFromJson(const QJsonObject &o)
{
    static const QStringList kinds{QStringLiteral("host"), QStringLiteral("peer"), QStringLiteral("unix-socket"),
                                   QStringLiteral("location"), QStringLiteral("upstream")};
    CheckSubject s;
    s.kind = static_cast<CheckSubject::Kind>(qMax(0, kinds.indexOf(o.value(QStringLiteral("kind")).toString())));
    s.peer = o.value(QStringLiteral("peer")).toString();
    s.host = o.value(QStringLiteral("host")).toString();
    s.port = o.value(QStringLiteral("port")).toInt();
    s.socketPath = o.value(QStringLiteral("socket")).toString();
    s.scheme = o.value(QStringLiteral("scheme")).toString();
    s.hostHeader = o.value(QStringLiteral("hostHeader")).toString();
    s.sni = o.value(QStringLiteral("sni")).toString();
    s.uri = o.value(QStringLiteral("uri")).toString();
    s.upstream = o.value(QStringLiteral("upstream")).toString();
    s.location = o.value(QStringLiteral("location")).toString();
    s.locationIndex = o.value(QStringLiteral("locationIndex")).toInt(-1);
    s.serverIndex = o.value(QStringLiteral("serverIndex")).toInt(-1);
    s.cause = causeFromId(o.value(QStringLiteral("cause")).toString()).value_or(Cause::None);
    s.finding = o.value(QStringLiteral("finding")).toInt(-1);
    return s;
}

QString text(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

} // namespace

QJsonObject checkResultToJson(const CheckResult &r)
{
    QJsonArray commands;
    for (const CommandRecord &c : r.commands) {
        QJsonObject o{{QStringLiteral("label"), c.label},
                      {QStringLiteral("command"), c.text},
                      {QStringLiteral("sudo"), c.sudo},
                      {QStringLiteral("exitCode"), c.exitCode},
                      {QStringLiteral("stdout"), text(c.out)},
                      {QStringLiteral("stderr"), text(c.err)},
                      {QStringLiteral("durationMs"), c.durationMs}};
        if (!c.error.isEmpty())
            o.insert(QStringLiteral("error"), c.error);
        commands.append(o);
    }
    QJsonObject o{{QStringLiteral("check"), r.checkId},
                  {QStringLiteral("title"), r.title},
                  {QStringLiteral("step"), QString(guidedStepId(r.step))},
                  {QStringLiteral("subject"), subjectToJson(r.subject)},
                  {QStringLiteral("verdict"), QString(verdictId(r.verdict))},
                  {QStringLiteral("summary"), r.summary},
                  {QStringLiteral("why"), r.why},
                  {QStringLiteral("remedy"), r.remedy},
                  {QStringLiteral("facts"), QJsonArray::fromStringList(r.facts)},
                  {QStringLiteral("commands"), commands},
                  {QStringLiteral("startedUtcMs"), r.startedUtcMs},
                  {QStringLiteral("durationMs"), r.durationMs}};
    if (r.pointsTo)
        o.insert(QStringLiteral("pointsTo"), QString(causeId(*r.pointsTo)));
    return o;
}

Result<CheckResult> checkResultFromJson(const QJsonObject &o)
{
    CheckResult r;
    r.checkId = o.value(QStringLiteral("check")).toString();
    const auto verdict = verdictFromId(o.value(QStringLiteral("verdict")).toString());
    if (r.checkId.isEmpty() || !verdict)
        return Error::parse(QStringLiteral("a check result without a check id or a known verdict"));
    r.verdict = *verdict;
    r.title = o.value(QStringLiteral("title")).toString();
    const QString step = o.value(QStringLiteral("step")).toString();
    for (GuidedStep s : {GuidedStep::Meaning, GuidedStep::Logs, GuidedStep::Probe, GuidedStep::Config, GuidedStep::Deeper})
        if (step == guidedStepId(s))
            r.step = s;
    r.subject = subjectFromJson(o.value(QStringLiteral("subject")).toObject());
    r.summary = o.value(QStringLiteral("summary")).toString();
    r.why = o.value(QStringLiteral("why")).toString();
    r.remedy = o.value(QStringLiteral("remedy")).toString();
    for (const QJsonValue &f : o.value(QStringLiteral("facts")).toArray())
        r.facts << f.toString();
    if (o.contains(QStringLiteral("pointsTo")))
        r.pointsTo = causeFromId(o.value(QStringLiteral("pointsTo")).toString());
    for (const QJsonValue &v : o.value(QStringLiteral("commands")).toArray()) {
        const QJsonObject c = v.toObject();
        CommandRecord rec;
        rec.label = c.value(QStringLiteral("label")).toString();
        rec.text = c.value(QStringLiteral("command")).toString();
        rec.sudo = c.value(QStringLiteral("sudo")).toBool();
        rec.exitCode = c.value(QStringLiteral("exitCode")).toInt(-1);
        rec.out = c.value(QStringLiteral("stdout")).toString().toUtf8();
        rec.err = c.value(QStringLiteral("stderr")).toString().toUtf8();
        rec.error = c.value(QStringLiteral("error")).toString();
        rec.durationMs = c.value(QStringLiteral("durationMs")).toInteger();
        r.commands.push_back(std::move(rec));
    }
    r.startedUtcMs = o.value(QStringLiteral("startedUtcMs")).toInteger();
    r.durationMs = o.value(QStringLiteral("durationMs")).toInteger();
    return r;
}

QJsonObject checkRunToJson(const CheckRun &run)
{
    QJsonArray results;
    for (const CheckResult &r : run.results)
        results.append(checkResultToJson(r));
    QJsonObject counts;
    for (Verdict v : {Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::CouldNotRun}) {
        int n = 0;
        for (const CheckResult &r : run.results)
            n += r.verdict == v;
        counts.insert(QString(verdictId(v)), n);
    }
    return {{QStringLiteral("schema"), QStringLiteral("gwb.checks/1")},
            {QStringLiteral("host"), run.host},
            {QStringLiteral("startedUtc"), QDateTime::fromMSecsSinceEpoch(run.startedUtcMs, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("startedUtcMs"), run.startedUtcMs},
            {QStringLiteral("verdicts"), counts},
            {QStringLiteral("results"), results},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(run.warnings)}};
}

Result<CheckRun> checkRunFromJson(const QJsonObject &o)
{
    if (o.value(QStringLiteral("schema")).toString() != QLatin1StringView("gwb.checks/1"))
        return Error::parse(QStringLiteral("not a check run (schema gwb.checks/1 expected)"));
    CheckRun run;
    run.host = o.value(QStringLiteral("host")).toString();
    run.startedUtcMs = o.value(QStringLiteral("startedUtcMs")).toInteger();
    for (const QJsonValue &v : o.value(QStringLiteral("results")).toArray()) {
        auto r = checkResultFromJson(v.toObject());
        if (!r)
            return r.error();
        run.results.push_back(std::move(*r));
    }
    for (const QJsonValue &w : o.value(QStringLiteral("warnings")).toArray())
        run.warnings << w.toString();
    return run;
}

QString checkRunToText(const CheckRun &run)
{
    QString out;
    out += QStringLiteral("Checks run on %1\n").arg(run.host);
    for (const QString &w : run.warnings)
        out += QStringLiteral("warning: %1\n").arg(w);
    QString lastSubject;
    for (const CheckResult &r : run.results) {
        const QString subject = r.subject.label() +
                                (r.subject.cause != Cause::None ? QStringLiteral(" (%1").arg(causeId(r.subject.cause)) +
                                                                      (r.subject.location.isEmpty() ? QString() : QStringLiteral(", ") + r.subject.location) +
                                                                      QLatin1Char(')')
                                                                : (r.subject.location.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r.subject.location)));
        if (subject != lastSubject) {
            out += QStringLiteral("\n== %1\n").arg(subject);
            lastSubject = subject;
        }
        QString verdict = QString(verdictId(r.verdict)).toUpper();
        out += QStringLiteral("  [%1] %2: %3\n").arg(verdict, -13).arg(r.checkId, r.summary);
        if (!r.why.isEmpty() && r.verdict != Verdict::Pass)
            out += QStringLiteral("        why: %1\n").arg(r.why);
        if (!r.remedy.isEmpty())
            out += QStringLiteral("        %1: %2\n")
                       .arg(r.verdict == Verdict::CouldNotRun ? QStringLiteral("to run it") : QStringLiteral("do"), r.remedy);
        if (r.pointsTo)
            out += QStringLiteral("        points to: %1\n").arg(causeId(*r.pointsTo));
        for (const CommandRecord &c : r.commands)
            if (!c.text.isEmpty())
                out += QStringLiteral("        $ %1\n").arg(c.text);
    }
    int counts[4] = {};
    for (const CheckResult &r : run.results)
        ++counts[int(r.verdict)];
    out += QStringLiteral("\n%1 checks: %2 pass, %3 warn, %4 fail, %5 could not run\n")
               .arg(run.results.size())
               .arg(counts[0])
               .arg(counts[1])
               .arg(counts[2])
               .arg(counts[3]);
    return out;
}

std::vector<ReportCheck> reportChecksOf(const CheckRun &run)
{
    std::vector<ReportCheck> out;
    for (const CheckResult &r : run.results) {
        QString detail = r.summary;
        if (r.pointsTo)
            detail += QStringLiteral(" → %1").arg(causeId(*r.pointsTo));
        if (!r.remedy.isEmpty() && r.verdict != Verdict::Pass)
            detail += QStringLiteral(". ") + r.remedy;
        out.push_back({r.checkId, r.subject.label() + (r.subject.location.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r.subject.location)),
                       QString(verdictId(r.verdict)), detail});
    }
    return out;
}

} // namespace gwb
