#include "timelinebins.h"

#include "latencyhistogram.h"
#include "peertable.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace gwb {

namespace {

// A bin count the views can still draw; finer requests are coarsened rather than allocating without bound.
constexpr qint64 kMaxBins = 100'000;

constexpr std::array<qint64, 13> kNiceSteps{1'000,      5'000,      10'000,    30'000,    60'000,
                                            300'000,    900'000,    1'800'000, 3'600'000, 10'800'000,
                                            21'600'000, 43'200'000, 86'400'000};

// Access logs are written when requests end, so they are sorted except where a long request finishes after
// shorter ones that started later: an insertion sort fixes that in about one pass. A budget keeps a log
// that is not nearly sorted (merged by hand, clock jumps) from turning quadratic; then a stable sort takes
// over.
template <typename T, typename Key> void sortNearlySorted(T *begin, T *end, Key key)
{
    if (std::is_sorted(begin, end, [&](const T &a, const T &b) { return key(a) < key(b); }))
        return;
    const std::size_t budget = 8 * static_cast<std::size_t>(end - begin) + 4096;
    std::size_t moves = 0;
    for (T *i = begin + 1; i < end; ++i) {
        if (!(key(*i) < key(*(i - 1))))
            continue;
        const T item = *i;
        T *j = i;
        for (; j > begin && key(item) < key(*(j - 1)); --j)
            *j = *(j - 1);
        *j = item;
        moves += static_cast<std::size_t>(i - j);
        if (moves > budget) {
            std::stable_sort(begin, end, [&](const T &a, const T &b) { return key(a) < key(b); });
            return;
        }
    }
}

} // namespace

std::uint32_t TimelineBin::failures() const
{
    return std::accumulate(failuresByCause.begin(), failuresByCause.end(), std::uint32_t(0));
}

TimelineIndex TimelineIndex::build(const Investigation &inv, const DiagnosisResult &result)
{
    TimelineIndex idx;
    std::size_t total = 0;
    for (const AccessLogResult &log : inv.accessLogs)
        total += log.events.size();
    idx.m_requests.reserve(total);

    PeerTable peers;
    for (const AccessLogResult &log : inv.accessLogs) {
        const std::vector<std::uint16_t> toGlobal = peers.absorb(log.peers);
        const std::size_t before = idx.m_requests.size();
        for (const AccessEvent &e : log.events) {
            if (e.time == kNoTime) {
                ++idx.m_untimed;
                continue;
            }
            const std::int32_t latency = e.upstreamHeaderMs >= 0 ? e.upstreamHeaderMs : e.requestMs;
            const auto bucket = static_cast<std::uint16_t>(LatencyHistogram::bucketOf(latency));
            idx.m_requests.push_back({e.time, bucket, e.status.value, toGlobal[e.peer.value]});
        }
        Request *mid = idx.m_requests.data() + before;
        Request *end = idx.m_requests.data() + idx.m_requests.size();
        sortNearlySorted(mid, end, [](const Request &r) { return r.time; });
        // Several logs (rotations, vhosts) are each sorted: merging is linear.
        std::inplace_merge(idx.m_requests.data(), mid, end,
                           [](const Request &a, const Request &b) { return a.time < b.time; });
    }
    idx.m_peers = peers.takeNames();

    idx.m_failures = result.failures; // in time order already; sorted again only if not
    auto byTime = [](const FailureEvent &a, const FailureEvent &b) { return a.timeMs < b.timeMs; };
    if (!std::is_sorted(idx.m_failures.begin(), idx.m_failures.end(), byTime))
        std::stable_sort(idx.m_failures.begin(), idx.m_failures.end(), byTime);
    idx.m_failureLocation.reserve(idx.m_failures.size());
    for (const FailureEvent &f : idx.m_failures) {
        const bool known = f.finding >= 0 && std::size_t(f.finding) < result.findings.size();
        idx.m_failureLocation.push_back(known ? result.findings[std::size_t(f.finding)].locationIndex : -1);
    }
    for (const Finding &f : result.findings)
        idx.m_failurePeer.push_back(f.peer.isEmpty() ? f.upstream : f.peer); // no live upstreams: the group
    idx.m_markers = result.markers;

    auto widen = [&](TimeMs t) {
        idx.m_first = std::min(idx.m_first, t);
        idx.m_last = std::max(idx.m_last, t);
    };
    idx.m_first = std::numeric_limits<TimeMs>::max();
    idx.m_last = std::numeric_limits<TimeMs>::min();
    if (!idx.m_requests.empty()) {
        widen(idx.m_requests.front().time);
        widen(idx.m_requests.back().time);
    }
    // Failures of lines without a time sort first and stay off the timeline.
    const auto timed = std::find_if(idx.m_failures.begin(), idx.m_failures.end(),
                                    [](const FailureEvent &f) { return f.timeMs != kNoTime; });
    if (timed != idx.m_failures.end()) {
        widen(timed->timeMs);
        widen(idx.m_failures.back().timeMs);
    }
    for (const Marker &m : idx.m_markers)
        if (m.timeMs != kNoTime)
            widen(m.timeMs);
    if (idx.m_first > idx.m_last) {
        idx.m_first = 1;
        idx.m_last = 0;
    }
    return idx;
}

std::size_t TimelineIndex::memoryBytes() const
{
    return m_requests.capacity() * sizeof(Request) + m_failures.capacity() * sizeof(FailureEvent) +
           m_failureLocation.capacity() * sizeof(int) +
           (m_failurePeer.capacity() + m_peers.capacity()) * sizeof(QString) +
           m_markers.capacity() * sizeof(Marker);
}

qint64 TimelineIndex::binSizeFor(TimeMs from, TimeMs to, int maxBins)
{
    const qint64 span = std::max<qint64>(to - from, 1);
    const qint64 bins = std::max(maxBins, 1);
    for (qint64 step : kNiceSteps)
        if ((span + step - 1) / step <= bins)
            return step;
    const qint64 day = kNiceSteps.back();
    const qint64 days = ((span + day - 1) / day + bins - 1) / bins;
    return days * day;
}

TimeMs TimelineIndex::alignDown(TimeMs t, qint64 binMs)
{
    if (binMs <= 0)
        return t;
    const TimeMs r = t % binMs;
    return r < 0 ? t - r - binMs : t - r;
}

std::vector<TimelineBin> TimelineIndex::bins(TimeMs from, TimeMs to, qint64 binMs,
                                             const TimelineFilter &filter) const
{
    if (binMs <= 0 || to <= from || from == kNoTime)
        return {};
    binMs = std::max(binMs, (to - from + kMaxBins - 1) / kMaxBins);
    const auto count = static_cast<std::size_t>((to - from + binMs - 1) / binMs);
    std::vector<TimelineBin> out(count);
    for (std::size_t i = 0; i < count; ++i)
        out[i].start = from + static_cast<TimeMs>(i) * binMs;

    int peer = -1;
    if (!filter.peer.isEmpty()) {
        const auto it = std::find(m_peers.begin(), m_peers.end(), filter.peer);
        peer = it == m_peers.end() ? -2 : static_cast<int>(it - m_peers.begin()); // -2: nothing matches
    }
    if (peer == -1)
        addRequests<false>(out, from, to, binMs, 0);
    else if (peer >= 0)
        addRequests<true>(out, from, to, binMs, static_cast<std::uint16_t>(peer));
    addFailures(out, from, to, binMs, filter);
    return out;
}

// The hot loop: one pass over the requests of the range, which are sorted, so a bin is finished when the
// first request past its end shows up. No division per request, one histogram reused for every bin.
template <bool kByPeer>
void TimelineIndex::addRequests(std::vector<TimelineBin> &out, TimeMs from, TimeMs to, qint64 binMs,
                                std::uint16_t peer) const
{
    auto byTime = [](const Request &r, TimeMs t) { return r.time < t; };
    const Request *it =
        std::lower_bound(m_requests.data(), m_requests.data() + m_requests.size(), from, byTime);
    const Request *end = std::lower_bound(it, m_requests.data() + m_requests.size(), to, byTime);
    if (it == end)
        return;

    LatencyHistogram hist;
    std::size_t bin = static_cast<std::size_t>((it->time - from) / binMs);
    TimeMs binEnd = out[bin].start + binMs;
    std::uint32_t requests = 0, serverErrors = 0;
    auto flush = [&] {
        TimelineBin &b = out[bin];
        b.requests += requests;
        b.serverErrors += serverErrors;
        const auto p = hist.percentiles(std::array<double, 3>{50.0, 95.0, 99.0});
        b.p50Ms = p[0];
        b.p95Ms = p[1];
        b.p99Ms = p[2];
        hist.clear();
        requests = serverErrors = 0;
    };
    for (; it != end; ++it) {
        if (it->time >= binEnd) {
            flush();
            bin = static_cast<std::size_t>((it->time - from) / binMs);
            binEnd = out[bin].start + binMs;
        }
        if constexpr (kByPeer) {
            if (it->peer != peer)
                continue;
        }
        ++requests;
        serverErrors += it->status >= 500;
        hist.addBucket(it->latencyBucket);
    }
    flush();
}

void TimelineIndex::addFailures(std::vector<TimelineBin> &out, TimeMs from, TimeMs to, qint64 binMs,
                                const TimelineFilter &filter) const
{
    std::vector<char> findingPasses; // per finding, for the peer filter: compared once, not per failure
    if (!filter.peer.isEmpty()) {
        findingPasses.reserve(m_failurePeer.size());
        for (const QString &p : m_failurePeer)
            findingPasses.push_back(p == filter.peer);
    }
    auto byTime = [](const FailureEvent &f, TimeMs t) { return f.timeMs < t; };
    const auto first = std::lower_bound(m_failures.begin(), m_failures.end(), from, byTime);
    const auto last = std::lower_bound(first, m_failures.end(), to, byTime);
    for (auto it = first; it != last; ++it) {
        if (filter.cause && it->cause != *filter.cause)
            continue;
        if (filter.finding >= 0 && it->finding != filter.finding)
            continue;
        if (filter.location >= 0 &&
            m_failureLocation[std::size_t(it - m_failures.begin())] != filter.location)
            continue;
        if (!filter.peer.isEmpty() && (it->finding < 0 || std::size_t(it->finding) >= findingPasses.size() ||
                                       !findingPasses[std::size_t(it->finding)]))
            continue;
        const auto bin = static_cast<std::size_t>((it->timeMs - from) / binMs);
        ++out[bin].failuresByCause[static_cast<std::size_t>(it->cause)];
    }
}

} // namespace gwb
