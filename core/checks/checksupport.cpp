#include "checks/checksupport.h"

#include "diagnosis/investigation.h"

#include <algorithm>

namespace gwb {

const Location *locationOf(const CheckContext &context, const CheckSubject &subject)
{
    const ConfigModel *config = context.config();
    if (!config || subject.locationIndex < 0 || size_t(subject.locationIndex) >= config->locations.size())
        return nullptr;
    return &config->locations[size_t(subject.locationIndex)];
}

QString modulePrefix(const CheckSubject &subject)
{
    if (subject.scheme == QLatin1StringView("fastcgi"))
        return QStringLiteral("fastcgi_");
    if (subject.scheme == QLatin1StringView("uwsgi"))
        return QStringLiteral("uwsgi_");
    if (subject.scheme == QLatin1StringView("scgi"))
        return QStringLiteral("scgi_");
    if (subject.scheme.startsWith(QLatin1StringView("grpc")))
        return QStringLiteral("grpc_");
    return QStringLiteral("proxy_");
}

EffectiveValue effectiveOf(const CheckContext &context, const CheckSubject &subject, const QString &directive)
{
    if (const Location *loc = locationOf(context, subject)) {
        const auto it = loc->effective.find(directive);
        if (it != loc->effective.end())
            return it->second;
    }
    if (const ConfigModel *config = context.config()) {
        const auto it = config->httpEffective.find(directive);
        if (it != config->httpEffective.end())
            return it->second;
    }
    return {};
}

std::optional<qint64> effectiveMs(const CheckContext &context, const CheckSubject &subject, const QString &directive)
{
    const EffectiveValue v = effectiveOf(context, subject, directive);
    if (v.args.isEmpty())
        return std::nullopt;
    return parseNginxDurationMs(v.args.constFirst());
}

std::optional<qint64> effectiveBytes(const CheckContext &context, const CheckSubject &subject, const QString &directive)
{
    const EffectiveValue v = effectiveOf(context, subject, directive);
    if (v.args.isEmpty())
        return std::nullopt;
    return parseNginxSizeBytes(v.args.constLast());
}

QString describeEffective(const CheckContext &context, const CheckSubject &subject, const QString &directive)
{
    const EffectiveValue v = effectiveOf(context, subject, directive);
    if (v.args.isEmpty())
        return QStringLiteral("%1 (unknown)").arg(directive);
    const QString where = v.isDefault || !v.where.isValid() ? QStringLiteral("nginx default") : v.where.toString();
    return QStringLiteral("%1 %2 (%3)").arg(directive, v.text(), where);
}

namespace {

qint64 percentile(std::vector<qint64> &values, double p)
{
    if (values.empty())
        return -1;
    const size_t k = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
    return values[k];
}

} // namespace

PeerLatency peerLatency(const CheckContext &context, const QString &peer)
{
    PeerLatency out;
    const Investigation *inv = context.investigation();
    if (!inv)
        return out;
    const QByteArray key = peer.toUtf8();
    for (const AccessLogResult &log : inv->accessLogs) {
        const std::uint16_t id = log.peers.find(key);
        if (id == Interner::kAbsent)
            continue;
        std::vector<qint64> header, gaveUp;
        for (const AccessEvent &e : log.events) {
            if (e.peer.value != id)
                continue;
            ++out.requests;
            if (e.upstreamHeaderMs != kAbsentMs) {
                ++out.withHeader;
                header.push_back(e.upstreamHeaderMs);
            } else if (e.status.value == 499) {
                ++out.waitingWhenEnded;
                if (e.requestMs != kAbsentMs)
                    gaveUp.push_back(e.requestMs);
            }
        }
        if (out.requests == 0)
            continue;
        if (!header.empty()) {
            out.max = *std::max_element(header.begin(), header.end());
            out.p50 = percentile(header, 0.50);
            out.p95 = percentile(header, 0.95);
            out.p99 = percentile(header, 0.99);
        }
        out.clientGaveUpP50 = percentile(gaveUp, 0.50);
        break; // the same requests are often logged to several files: one is enough
    }
    return out;
}

QString formatMs(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("n/a");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', ms < 10000 ? 2 : 1);
}

const Finding *findingOf(const CheckContext &context, const CheckSubject &subject)
{
    const DiagnosisResult *d = context.diagnosis();
    if (!d || subject.finding < 0 || size_t(subject.finding) >= d->findings.size())
        return nullptr;
    return &d->findings[size_t(subject.finding)];
}

RemoteCommand::HttpTarget httpTargetOf(const CheckSubject &s, int timeoutSec)
{
    RemoteCommand::HttpTarget t;
    t.scheme = s.scheme == QLatin1StringView("https") ? QByteArray("https") : QByteArray("http");
    t.connectHost = s.host.toUtf8();
    t.port = s.port;
    t.socketPath = s.kind == CheckSubject::Kind::UnixSocket ? s.socketPath.toUtf8() : QByteArray();
    t.hostHeader = s.hostHeader.toUtf8();
    t.sni = s.sni.toUtf8();
    t.path = (s.uri.isEmpty() ? QStringLiteral("/") : s.uri).toUtf8();
    t.timeoutSec = timeoutSec;
    return t;
}

std::vector<const Finding *> findingsOfPeer(const CheckContext &context, const QString &peer)
{
    std::vector<const Finding *> out;
    if (const DiagnosisResult *d = context.diagnosis())
        for (const Finding &f : d->findings)
            if (f.peer == peer)
                out.push_back(&f);
    return out;
}

} // namespace gwb
