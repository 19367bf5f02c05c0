#include "requestclassifier.h"

namespace gwb::RequestClassifier {

namespace {

constexpr int kClientClosed = 499;

bool looksLikeAddress(const QByteArray &a)
{
    return a.startsWith("unix:") || a.contains(':');
}

} // namespace

bool isInteresting(int status, int upstreamStatus, int attempts)
{
    if (status == 502 || status == 504 || status == kClientClosed || (status > 0 && status < 100))
        return true;
    if ((status == 500 || status == 503) && attempts > 0)
        return true;
    return upstreamStatus >= 500 || attempts > 1;
}

bool attemptFailed(const AccessRecord &r, int index)
{
    const UpstreamAttempt &a = r.attempts[static_cast<std::size_t>(index)];
    const bool last = index + 1 == static_cast<int>(r.attempts.size());
    const int s = a.status.value;
    if (!last)
        return s == 0 || s >= 500 || s == kClientClosed; // nginx moved on: this attempt did not answer well
    const int fin = r.status.value;
    if (fin == kClientClosed || (fin > 0 && fin < 100))
        return true;
    return s >= 500 || s == 0 || fin == 502 || fin == 504;
}

int failingAttempt(const AccessRecord &r)
{
    for (int i = static_cast<int>(r.attempts.size()) - 1; i >= 0; --i)
        if (attemptFailed(r, i))
            return i;
    return -1;
}

AttemptVerdict classifyAttempt(const AccessRecord &r, int index, bool upstreamNameKnown, bool connectionsReusable)
{
    if (r.status.value == kClientClosed && index + 1 == static_cast<int>(r.attempts.size()))
        return {Cause::ClientClosed, Phase::Unknown};
    if (index < 0)
        return {r.status.value == kClientClosed ? Cause::ClientClosed : Cause::Unclassified, Phase::Unknown};
    const UpstreamAttempt &a = r.attempts[static_cast<std::size_t>(index)];
    const bool last = index + 1 == static_cast<int>(r.attempts.size());
    if (last && r.status.value > 0 && r.status.value < 100)
        return {Cause::InvalidResponse, Phase::ReadingResponseHeader}; // non-HTTP answer relayed as HTTP/0.9
    if (upstreamNameKnown || !looksLikeAddress(a.address))
        return {Cause::NoLiveUpstreams, Phase::Connecting};
    const int s = a.status.value;
    const bool connected = a.connectMs != kAbsentMs;
    const bool gotHeader = a.headerMs != kAbsentMs;
    if (gotHeader && s >= 500)
        return {Cause::BackendStatus, Phase::ReadingResponseHeader};
    if (!connected)
        return {s == 504 ? Cause::ConnectTimeout : Cause::Unclassified, Phase::Connecting};
    if (s == 504)
        return {Cause::ReadTimeout, Phase::ReadingResponseHeader};
    if (a.connectMs == 0 && connectionsReusable)
        return {Cause::KeepaliveRace, Phase::ReadingResponseHeader};
    return {Cause::Unclassified, Phase::ReadingResponseHeader};
}

Cause refine(Cause fromErrorLog, const UpstreamAttempt &attempt, bool connectionsReusable)
{
    const bool reused = connectionsReusable && attempt.connectMs == 0;
    if (reused && (fromErrorLog == Cause::PrematureClose || fromErrorLog == Cause::ConnectionReset ||
                   fromErrorLog == Cause::SendFailed))
        return Cause::KeepaliveRace;
    return fromErrorLog;
}

} // namespace gwb::RequestClassifier
