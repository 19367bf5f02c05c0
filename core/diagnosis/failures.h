#pragma once

// Internal to the diagnosis: the failed requests and upstream error entries a run works on.

#include "investigation.h"
#include "nginx/cause.h"

#include <atomic>
#include <vector>

namespace gwb::detail {

// Loops of a run look at the cancel flag once per this many items: often enough to stop within a few
// milliseconds, rarely enough to cost nothing.
inline constexpr std::size_t kCancelStride = 4096;

inline bool stopRequested(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

// True on every kCancelStride-th item when the run was asked to stop.
inline bool stopRequestedAt(std::size_t i, const std::atomic_bool *cancel)
{
    return i % kCancelStride == 0 && stopRequested(cancel);
}

struct UpstreamError
{
    int log = 0;           // index into Investigation::errorLogs
    std::size_t event = 0; // index into its events
    ErrorEntry entry;
    QByteArray peer;
    Cause cause = Cause::Unclassified;
    int request = -1; // index into the failed requests it was joined to
};

struct FailedRequest
{
    int log = 0; // index into Investigation::accessLogs
    std::size_t event = 0;
    AccessRecord record;
    int failing = -1; // attempt that decided the failure
    Cause cause = Cause::Unclassified;
    Phase phase = Phase::Unknown;
    std::vector<int> errors; // joined UpstreamError indices
    bool clientFailed = true; // false when a retry ended well for the client
    int server = -1, location = -1; // where the config routed it
    bool reusable = false;          // the config lets nginx reuse idle connections to its upstream
};

// True when nginx may send this location's requests over cached idle connections: the upstream group has
// `keepalive`, and for proxy_pass the location speaks HTTP/1.1 without a "close" Connection header.
bool connectionsReusable(const ConfigModel &config, int location);

// Text of the line (access) or entry (error) an event points at.
QByteArrayView accessLineText(const AccessLogResult &log, const AccessEvent &e);
QByteArrayView errorEntryText(const ErrorLogResult &log, const ErrorEvent &e);

} // namespace gwb::detail
