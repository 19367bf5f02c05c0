#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"

namespace gwb {

// The bytes of a plain (uncompressed) log that hold a time window, found without reading the file: a
// binary search over small slices read at offsets on the host (readRange), each parsed for the time of
// its first whole line. Logs are appended in time order (access logs nearly so — the caller widens the
// window by a slack for that).
struct ByteWindow
{
    quint64 begin = 0; // a line start
    quint64 end = 0;   // a line start, or the file size
    int probes = 0;    // slices read
};

struct WindowSearch
{
    QByteArray path;
    quint64 fileSize = 0;
    SudoUse sudo = SudoUse::No;
    TimeMs since = kNoTime; // already widened by the slack
    TimeMs until = kNoTime;
    int utcOffsetMinutes = 0;
    quint64 slice = 64 * 1024;
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

[[nodiscard]] Result<ByteWindow> findByteWindow(Transport &transport, const WindowSearch &search,
                                                const CancelToken &cancel);

} // namespace gwb
