#pragma once

// Internal to ErrorLogParser: the fast path that turns one piece of an error log into 32-byte ErrorEvents,
// working on the mapped bytes (no allocation per line).

#include "errorlogparser.h"

#include <cstdint>
#include <vector>

namespace gwb {

// A piece of the text that starts at an entry (a line with a timestamp) or at the start of the file, and ends
// where the next piece starts, so that no entry is split. Parsed on one thread, merged afterwards.
// Cache-line aligned: neighbouring chunks are scanned at the same time, and their per-entry counters and
// vector ends must not share a line (false sharing made two threads slower than one).
struct alignas(64) ErrorChunk
{
    std::uint64_t begin = 0, end = 0; // byte range in the text
    std::vector<ErrorEvent> events;
    Interner peers;
    LineIndex lines;          // chunk-local line numbers (1 = the chunk's first line) at absolute offsets
    MalformedLines malformed; // chunk-local line numbers too: rebased when merged
    std::uint64_t lineCount = 0;
    std::uint64_t outsideWindow = 0;
    std::array<std::uint64_t, 8> perLevel{};
    bool cancelled = false;
};

// Holds only read-only state, so one scanner serves every thread.
class ErrorLogScanner
{
public:
    static constexpr std::uint64_t kOffsetLimit = std::uint64_t(1) << 40; // ErrorEvent::offset has 40 bits
    static constexpr std::uint32_t kCancelCheckLines = 4096;

    ErrorLogScanner(QByteArrayView text, QString path, SourceId source, const LogParseOptions &options);

    void scan(ErrorChunk &chunk) const;

    // Where a chunk may start: offset of the first line at or after `from` that starts with a timestamp and
    // follows a newline; the text size when there is none.
    std::uint64_t nextEntryStart(std::uint64_t from) const;

private:
    struct Pending;
    void finishEntry(Pending &entry, ErrorChunk &chunk) const;
    bool isCancelled() const;

    QByteArrayView m_text;
    QString m_path;
    SourceId m_source;
    TimeMs m_since, m_until;
    const std::atomic_bool *m_cancel;
};

} // namespace gwb
