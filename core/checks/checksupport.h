#pragma once

// Small helpers the built-in checks share: the config in force for a subject and what the logs observed.

#include "checks/check.h"
#include "nginx/configmodel.h"

#include <optional>

namespace gwb {

const Location *locationOf(const CheckContext &context, const CheckSubject &subject);
// "proxy_", "fastcgi_", "uwsgi_", "scgi_", "grpc_" for the subject's scheme.
QString modulePrefix(const CheckSubject &subject);
// An effective directive of the subject's location (nginx's default when there is no location).
EffectiveValue effectiveOf(const CheckContext &context, const CheckSubject &subject, const QString &directive);
std::optional<qint64> effectiveMs(const CheckContext &context, const CheckSubject &subject, const QString &directive);
std::optional<qint64> effectiveBytes(const CheckContext &context, const CheckSubject &subject, const QString &directive);
// "proxy_read_timeout 1s (nginx.conf:42)" / "(default)".
QString describeEffective(const CheckContext &context, const CheckSubject &subject, const QString &directive);

// Upstream timings of the requests that went to a peer (the last attempt), from the first access log that has any.
struct PeerLatency
{
    std::uint64_t requests = 0;       // requests whose last attempt went to the peer
    std::uint64_t withHeader = 0;     // of which a response header arrived
    std::uint64_t waitingWhenEnded = 0; // 499s: the client left while nginx waited for the peer
    qint64 p50 = -1, p95 = -1, p99 = -1, max = -1; // $upstream_header_time, ms
    qint64 clientGaveUpP50 = -1;      // $request_time of the 499s, ms
};
PeerLatency peerLatency(const CheckContext &context, const QString &peer);

// "1.2 s" / "350 ms".
QString formatMs(qint64 ms);
// The finding that led to the subject; null when it came from no finding (a healthy peer).
const Finding *findingOf(const CheckContext &context, const CheckSubject &subject);
// How to reach the subject the way nginx does (scheme, address or socket, Host header, SNI, probe path).
RemoteCommand::HttpTarget httpTargetOf(const CheckSubject &subject, int timeoutSec);

// The findings of the investigation about this subject's peer (all causes).
std::vector<const Finding *> findingsOfPeer(const CheckContext &context, const QString &peer);

} // namespace gwb
