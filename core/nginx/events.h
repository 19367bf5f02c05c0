#pragma once

#include "cause.h"
#include "common/strongtypes.h"

#include <cstdint>

namespace gwb {

// One access-log request, kept for every line in the window: 32 bytes. Everything else (client, URI, the full
// retry chain) is re-read from the text at `offset` when someone needs it.
struct AccessEvent
{
    TimeMs time = kNoTime;          // end of the request ($time_local / $time_iso8601 / $msec)
    std::uint64_t offset : 40 = 0;  // byte offset of the line in its TextSource
    std::uint64_t source : 16 = 0;  // SourceId of the file
    std::uint64_t attempts : 8 = 0; // number of upstream attempts ($upstream_addr entries), 0 = none
    DurationMs requestMs = kAbsentMs;
    DurationMs upstreamHeaderMs = kAbsentMs; // last attempt
    HttpStatus status;
    HttpStatus upstreamStatus; // last attempt
    PeerId peer;               // last attempt's $upstream_addr, interned
    HostId host;               // $host / $http_host / $server_name, interned
};
static_assert(sizeof(AccessEvent) == 32);

// One error-log entry (continuation lines included): 32 bytes.
struct ErrorEvent
{
    TimeMs time = kNoTime;
    std::uint64_t offset : 40 = 0;
    std::uint64_t source : 16 = 0;
    std::uint64_t level : 8 = 0; // LogLevel
    std::uint32_t length = 0;    // bytes of the entry, continuation lines included, without the final newline
    std::uint32_t connection = 0; // *N connection number, 0 = none
    Cause cause = Cause::None;
    Phase phase = Phase::Unknown;
    PeerId peer; // upstream: "..." interned (the address part, e.g. "127.0.0.1:8080" or "unix:/x.sock")
    std::uint16_t errnoCode = 0;
};
static_assert(sizeof(ErrorEvent) == 32);

enum class LogLevel : std::uint8_t { Debug, Info, Notice, Warn, Error, Crit, Alert, Emerg };

} // namespace gwb
