#pragma once

#include "common/diagnostic.h"
#include "common/interner.h"
#include "events.h"
#include "io/lineindex.h"
#include "io/textsource.h"
#include "logformat.h"

#include <atomic>
#include <memory>
#include <vector>

namespace gwb {

struct LogParseOptions
{
    TimeMs since = kNoTime; // events before are counted as outside the window, not kept
    TimeMs until = kNoTime;
    int threads = 0;        // 0 = one per core
    const std::atomic_bool *cancel = nullptr;
    // Bytes per piece of work for parallel parsing; 0 = automatic. Tests set it small to exercise the merge.
    std::size_t chunkBytes = 0;
};

struct AccessLogResult
{
    std::shared_ptr<TextSource> text;
    SourceId source;
    std::vector<AccessEvent> events; // in file order
    Interner peers;                  // PeerId → address
    Interner hosts;                  // HostId → host
    LineIndex lines;
    MalformedLines malformed;
    std::uint64_t lineCount = 0;
    std::uint64_t outsideWindow = 0;
    int tzOffsetMinutes = 0; // from $time_local / $time_iso8601 of the last line with one
    bool cancelled = false;
};

namespace AccessLogParser {

// Parses a whole source with the given format, in parallel chunks split at line boundaries.
AccessLogResult parse(std::shared_ptr<TextSource> text, SourceId source, const LogFormat &format,
                      const LogParseOptions &options = {});

} // namespace AccessLogParser

} // namespace gwb
