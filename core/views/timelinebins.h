#pragma once

#include "diagnosis/diagnosisresult.h"
#include "diagnosis/investigation.h"

#include <array>
#include <optional>
#include <vector>

namespace gwb {

// One bin of the error timeline.
struct TimelineBin
{
    TimeMs start = 0;
    std::array<std::uint32_t, kCauseCount> failuresByCause{}; // index = Cause
    std::uint32_t requests = 0;
    std::uint32_t serverErrors = 0; // client status >= 500
    // Upstream response time of the requests in the bin ($upstream_header_time of the last attempt, else
    // $request_time); -1 when the bin has no timed request.
    std::int32_t p50Ms = -1, p95Ms = -1, p99Ms = -1;
    std::uint32_t failures() const;
};

// Restricts the timeline to what another view selected.
struct TimelineFilter
{
    std::optional<Cause> cause;
    int finding = -1;    // index into DiagnosisResult::findings
    QString peer;        // requests and failures of this peer only
    int location = -1;   // failures at this ConfigModel location only (requests are not routed one by one)
};

// Precomputed, time-ordered view of an investigation from which bins for any range and bin size are made
// fast enough to redraw on every zoom step (target: < 50 ms for 5 M events).
class TimelineIndex
{
public:
    static TimelineIndex build(const Investigation &inv, const DiagnosisResult &result);

    TimeMs first() const { return m_first; }
    TimeMs last() const { return m_last; }
    bool isEmpty() const { return m_first > m_last; }

    // A "nice" bin size (1 s, 5 s, 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, 3 h, 6 h, 12 h, 1 d, then
    // whole days) giving at most `maxBins` bins over [from, to).
    static qint64 binSizeFor(TimeMs from, TimeMs to, int maxBins = 150);

    // Bins of `binMs` starting exactly at `from`, the last one cut at `to`; events in [from, to). Cause,
    // finding and location filters restrict the failures only; the peer filter restricts requests and
    // failures. At most 100 000 bins: a smaller `binMs` is raised to fit.
    std::vector<TimelineBin> bins(TimeMs from, TimeMs to, qint64 binMs,
                                  const TimelineFilter &filter = {}) const;
    // `t` rounded down to a multiple of `binMs` (epoch-aligned, so 1 min bins start on the minute).
    static TimeMs alignDown(TimeMs t, qint64 binMs);

    const std::vector<Marker> &markers() const { return m_markers; }
    const std::vector<QString> &peers() const { return m_peers; } // every peer address seen, [0] = none
    std::size_t requestCount() const { return m_requests.size(); }
    std::size_t failureCount() const { return m_failures.size(); }
    std::uint64_t untimedRequests() const { return m_untimed; } // lines without a time, not on the timeline
    std::size_t memoryBytes() const; // what the index holds, for the benchmarks
    static constexpr std::size_t bytesPerRequest() { return sizeof(Request); }

private:
    template <bool kByPeer>
    void addRequests(std::vector<TimelineBin> &out, TimeMs from, TimeMs to, qint64 binMs,
                     std::uint16_t peer) const;
    void addFailures(std::vector<TimelineBin> &out, TimeMs from, TimeMs to, qint64 binMs,
                     const TimelineFilter &filter) const;

    struct Request
    {
        TimeMs time;
        // The latency as its LatencyHistogram bucket (LatencyHistogram::kNone when unknown): bins() only
        // ever counts buckets, and taking the bucket once here keeps the work out of every redraw.
        std::uint16_t latencyBucket;
        std::uint16_t status;
        std::uint16_t peer; // index into m_peers
    };
    static_assert(sizeof(Request) <= 16, "the timeline keeps at most 16 bytes per request");
    std::vector<Request> m_requests;       // sorted by time
    std::vector<FailureEvent> m_failures;  // sorted by time
    std::vector<int> m_failureLocation;    // per failure: the finding's location
    std::vector<QString> m_failurePeer;    // per finding: peer
    std::vector<QString> m_peers;
    std::vector<Marker> m_markers;
    TimeMs m_first = 1, m_last = 0;
    std::uint64_t m_untimed = 0;
};

} // namespace gwb
