// LogTableModel's text filter: a case-insensitive substring of the raw line, searched in the mapped file.

#include "logtablemodel.h"
#include "textfinder.h"

#include <algorithm>
#include <cstring>

namespace gwb {

namespace {

bool cancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

// Searches ahead in windows so that a search over a gigabyte with few matches still sees the cancel flag.
// Returns `end` when there is no further match (or on cancel).
const char *findAhead(const TextFinder &finder, const char *from, const char *end,
                      const std::atomic_bool *cancel)
{
    constexpr qsizetype kWindow = 32 * 1024 * 1024;
    while (end - from >= finder.size()) {
        const char *windowEnd =
            end - from > kWindow + finder.size() ? from + kWindow + finder.size() - 1 : end;
        if (const char *hit = finder.find(from, windowEnd))
            return hit;
        if (windowEnd == end || cancelled(cancel))
            return end;
        from = windowEnd - finder.size() + 1;
    }
    return end;
}

// Index of the last event starting at or before `offset`, searching forward from `hint` (matches come in file
// order, usually a few lines apart: a galloping search stays near the previous one instead of starting over).
std::size_t lastEventAtOrBefore(const std::vector<AccessEvent> &events, std::uint64_t offset,
                                std::size_t hint)
{
    auto after = [&](std::size_t i) { return std::uint64_t(events[i].offset) > offset; };
    std::size_t lo = hint, step = 1; // invariant: events[lo] starts at or before offset
    while (lo + step < events.size() && !after(lo + step)) {
        lo += step;
        step *= 2;
    }
    std::size_t hi = std::min(lo + step, events.size()); // first index known to start after offset (or end)
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        (after(mid) ? hi : lo) = mid;
    }
    return lo;
}

const char *lineEndOf(const char *from, const char *end)
{
    const void *nl = std::memchr(from, '\n', std::size_t(end - from));
    return nl ? static_cast<const char *>(nl) : end;
}

} // namespace

// Keeps the rows in [first, end) of `rows` (candidates of one log, in file order) whose text matches. When
// the candidates are a good share of the log, one forward search over the file serves every row (a row is
// decided by comparing its span with the next match); when they are few, each line is searched on its own.
void LogTableModel::keepText(const LogFilter &f, std::vector<Row> &rows, std::size_t first,
                             const std::atomic_bool *cancel) const
{
    if (first == rows.size())
        return;
    const std::uint32_t log = rows[first].log;
    const bool isError = log & kErrorLogBit;
    const AccessLogResult *alog = isError ? nullptr : &m_inv->accessLogs[log];
    const ErrorLogResult *elog = isError ? &m_inv->errorLogs[log & ~kErrorLogBit] : nullptr;
    const QByteArrayView text = isError ? elog->text->bytes() : alog->text->bytes();
    const std::size_t events = isError ? elog->events.size() : alog->events.size();
    const TextFinder finder(f.text.toUtf8(), text);
    const char *const base = text.data(), *const end = base + text.size();
    const bool dense = (rows.size() - first) * 8 >= events;

    const char *next = nullptr; // first match at or after the current row, once searched
    std::size_t kept = first;
    for (std::size_t k = first; k < rows.size(); ++k) {
        if (((k - first) & 0xFFFF) == 0 && cancelled(cancel))
            return;
        const Row r = rows[k];
        const char *b = base + (isError ? elog->events[r.event].offset : alog->events[r.event].offset);
        if (b >= end)
            continue;
        if (dense && (!next || next < b)) {
            next = findAhead(finder, b, end, cancel);
            if (next == end)
                break; // no match further on: no later row can match
        }
        bool match = false;
        if (isError) {
            const char *entryEnd = b + std::min<qsizetype>(elog->events[r.event].length, end - b);
            match = dense ? next + finder.size() <= entryEnd : finder.find(b, entryEnd) != nullptr;
        } else if (dense) {
            const char *nextLine = r.event + 1 < events ? base + alog->events[r.event + 1].offset : end;
            match = next < nextLine && !std::memchr(b, '\n', std::size_t(next + finder.size() - b));
        } else {
            match = finder.find(b, lineEndOf(b, end)) != nullptr;
        }
        if (match)
            rows[kept++] = r;
    }
    rows.resize(kept);
}

// A whole access log under a text filter alone: search the file once and map each match to its line's
// event, so that no candidate list of every line is ever built.
void LogTableModel::textOnly(const LogFilter &f, std::uint32_t log, std::vector<Row> &out,
                             const std::atomic_bool *cancel) const
{
    const AccessLogResult &alog = m_inv->accessLogs[log];
    const QByteArrayView text = alog.text->bytes();
    const TextFinder finder(f.text.toUtf8(), text);
    const char *const base = text.data(), *const end = base + text.size();
    const auto &events = alog.events;
    if (events.empty())
        return;
    const char *p = base;
    std::size_t hint = 0;
    while (p < end) {
        const char *hit = findAhead(finder, p, end, cancel);
        if (hit == end)
            return;
        const auto offset = std::uint64_t(hit - base);
        if (offset >= std::uint64_t(events.front().offset)) {
            hint = lastEventAtOrBefore(events, offset, hint);
            const auto index = static_cast<std::uint32_t>(hint);
            const char *lineEnd = lineEndOf(base + events[index].offset, end);
            if (hit + finder.size() <= lineEnd) {
                out.push_back({log, index});
                p = lineEnd;
                continue;
            }
        }
        p = lineEndOf(hit, end); // a line that is no event: malformed, or outside the time window
        if (p == hit)
            ++p;
    }
}

} // namespace gwb
