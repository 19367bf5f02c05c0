#include "errorlogscanner.h"

#include "errorclassifier.h"
#include "errorentryview.h"

#include <cstring>
#include <limits>

namespace gwb {

using namespace errorlog;

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

QString reasonText(HeaderStatus s)
{
    switch (s) {
    case HeaderStatus::BadTimestamp:
        return QStringLiteral("impossible date or time in the timestamp");
    case HeaderStatus::BadHeader:
        return QStringLiteral("no \"[level] PID#TID: \" after the timestamp");
    case HeaderStatus::NoTimestamp:
    case HeaderStatus::Ok:
        break;
    }
    return QStringLiteral("entry does not start with a timestamp");
}

} // namespace

// The entry being collected: its first line and every continuation line up to the next timestamp.
struct ErrorLogScanner::Pending
{
    const char *begin = nullptr; // nullptr = no entry yet
    const char *end = nullptr;   // end of its last non-empty line, without the line break
    std::uint32_t line = 0;      // chunk-local line of its first line
};

ErrorLogScanner::ErrorLogScanner(QByteArrayView text, QString path, SourceId source,
                                 const LogParseOptions &options)
    : m_text(text), m_path(std::move(path)), m_source(source), m_since(options.since), m_until(options.until),
      m_cancel(options.cancel)
{
}

bool ErrorLogScanner::isCancelled() const
{
    return m_cancel && m_cancel->load(std::memory_order_relaxed);
}

std::uint64_t ErrorLogScanner::nextEntryStart(std::uint64_t from) const
{
    const char *base = m_text.data();
    const char *end = base + m_text.size();
    for (const char *p = base + std::min<std::uint64_t>(from, static_cast<std::uint64_t>(m_text.size()));
         p < end;) {
        const auto *nl = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!nl)
            break;
        p = nl + 1;
        if (looksLikeTimestamp(p, end))
            return static_cast<std::uint64_t>(p - base);
    }
    return static_cast<std::uint64_t>(m_text.size());
}

void ErrorLogScanner::scan(ErrorChunk &chunk) const
{
    const char *base = m_text.data();
    const char *p = base + chunk.begin;
    const char *end = base + chunk.end;
    Pending entry;
    std::uint32_t line = 0;
    while (p < end) {
        ++line;
        if ((line - 1) % LineIndex::kStride == 0)
            chunk.lines.addCheckpoint(LineNumber(line), ByteOffset(static_cast<std::uint64_t>(p - base)));
        const auto *nl = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char *lineEnd = nl ? nl : end;
        const char *contentEnd = lineEnd > p && lineEnd[-1] == '\r' ? lineEnd - 1 : lineEnd;
        const char *start = p;
        if (p == base && contentEnd - p >= 3 && std::memcmp(p, kBom, 3) == 0)
            start += 3; // a byte-order mark some editors leave at the start of the file
        if (looksLikeTimestamp(start, contentEnd)) {
            finishEntry(entry, chunk);
            entry = {start, contentEnd, line};
        } else if (contentEnd == start) {
            // An empty line carries nothing; inside a multi-line message it is kept with the next line.
        } else if (!nl && looksLikeCutTimestamp(start, contentEnd)) {
            chunk.malformed.add(m_path, LineNumber(line),
                                QStringLiteral("the file ends inside the timestamp of an entry (truncated)"));
        } else if (entry.begin) {
            entry.end = contentEnd; // a continuation: Lua traceback, FastCGI stderr, njs stack
        } else {
            chunk.malformed.add(m_path, LineNumber(line),
                                QStringLiteral("continuation line before the first entry (no timestamp)"));
        }
        p = nl ? nl + 1 : end;
        if (line % kCancelCheckLines == 0 && isCancelled()) {
            chunk.cancelled = true;
            break;
        }
    }
    finishEntry(entry, chunk);
    chunk.lineCount = line;
}

void ErrorLogScanner::finishEntry(Pending &entry, ErrorChunk &chunk) const
{
    if (!entry.begin)
        return;
    const QByteArrayView text(entry.begin, entry.end - entry.begin);
    const LineNumber line(entry.line);
    entry = {};
    EntryView v;
    const HeaderStatus header = decodeHeader(text, v);
    if (header != HeaderStatus::Ok) {
        chunk.malformed.add(m_path, line, reasonText(header));
        return;
    }
    if ((m_since != kNoTime && v.time < m_since) || (m_until != kNoTime && v.time >= m_until)) {
        ++chunk.outsideWindow;
        return;
    }
    const auto offset = static_cast<std::uint64_t>(text.data() - m_text.data());
    if (offset >= kOffsetLimit) {
        chunk.malformed.add(m_path, line, QStringLiteral("entry beyond the first TiB of the file"));
        return;
    }
    decodeBody(text, v, ContextFields::UpToUpstream);

    ErrorEvent ev;
    ev.time = v.time;
    ev.offset = offset;
    ev.source = m_source.value;
    ev.level = static_cast<std::uint8_t>(v.level);
    // A multi-gigabyte entry is kept, cut at 4 GiB: its start is what evidence needs.
    ev.length = static_cast<std::uint32_t>(
        std::min<qsizetype>(text.size(), std::numeric_limits<std::uint32_t>::max()));
    ev.connection = v.connection;
    ev.phase = v.phase;
    ev.cause =
        classifyMessage({v.level, v.message, v.errnoCode, v.errnoText, v.phase, v.phaseText, v.upstream});
    ev.peer = PeerId(chunk.peers.intern(peerAddress(v.upstream)));
    ev.errnoCode = v.errnoCode > 0 && v.errnoCode <= std::numeric_limits<std::uint16_t>::max()
                       ? static_cast<std::uint16_t>(v.errnoCode)
                       : 0;
    chunk.events.push_back(ev);
    ++chunk.perLevel[static_cast<std::size_t>(v.level)];
}

} // namespace gwb
