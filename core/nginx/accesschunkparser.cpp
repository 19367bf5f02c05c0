#include "accesschunkparser.h"

#include "accessmemory.h"
#include "logtime.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace gwb {

using accessfields::Span;

void ChunkMalformed::add(std::uint32_t code, std::uint32_t localLine)
{
    auto it = std::find_if(reasons.begin(), reasons.end(), [code](const Reason &r) { return r.code == code; });
    if (it == reasons.end()) {
        reasons.push_back({code, 0, {}});
        it = std::prev(reasons.end());
    }
    ++it->count;
    if (it->lines.size() < MalformedLines::kExamplesPerReason)
        it->lines.push_back(localLine);
}

void reserveEvents(std::vector<AccessEvent> &events, std::size_t n)
{
    try {
        events.reserve(n);
    } catch (const std::bad_alloc &) {
        // Keep going without the reservation.
    }
}

namespace {

// Hosts and peers repeat across lines but not from one line to the next (a dozen hosts, a few peers, mixed):
// a small direct-mapped cache of recent values avoids hashing and probing the Interner for each. Entries
// point into the mapped text, which outlives the chunk parse.
class CachedInterner
{
public:
    CachedInterner(Interner &interner, LogFormat::Escape escape) : m_interner(interner), m_escape(escape) {}

    std::uint16_t intern(Span s)
    {
        if (s.isAbsent())
            return Interner::kAbsent;
        Entry &entry = m_entries[slot(s)];
        if (entry.length == s.size() && accessfields::equalBytes(entry.text, s.b, s.size()))
            return entry.id;
        // Escaped bytes are decoded so that the id names the same address the full decoder shows.
        const bool escaped = accessfields::mayNeedDecoding(s, m_escape);
        const std::uint16_t id = escaped ? m_interner.intern(accessfields::decode(s, m_escape)) : m_interner.intern(s.view());
        entry = {s.b, s.size(), id};
        return id;
    }

private:
    static constexpr std::size_t kSlots = 64;
    struct Entry
    {
        const char *text = nullptr;
        std::size_t length = SIZE_MAX;
        std::uint16_t id = Interner::kAbsent;
    };
    // Length and the last bytes tell host names and peer addresses apart well enough for a cache.
    static std::size_t slot(Span s)
    {
        std::uint64_t tail = 0;
        if (s.size() >= 8)
            std::memcpy(&tail, s.e - 8, 8);
        else
            for (const char *p = s.b; p < s.e; ++p)
                tail = tail << 8 | static_cast<unsigned char>(*p);
        const std::uint64_t h = (tail ^ s.size()) * 0x9E3779B97F4A7C15ULL;
        return static_cast<std::size_t>(h >> 58);
    }
    Interner &m_interner;
    LogFormat::Escape m_escape;
    Entry m_entries[kSlots];
};

} // namespace

struct AccessChunkParser::LineContext
{
    AccessChunk &chunk;
    const char *base;        // start of the buffer holding the piece
    std::uint64_t baseOffset; // the file offset of `base`: event offsets are absolute
    std::vector<Span> values;
    CachedInterner peers, hosts;
    const char *lineStart = nullptr;
    // Lines of the same second carry the same time text; re-parsing it is the costliest part of a line.
    Span lastTimeText;
    TimeMs lastTime = kNoTime;
    int lastTz = 0;
};

AccessChunkParser::AccessChunkParser(const LogFormat &format, SourceId source, const LogParseOptions &options)
    : m_splitter(format), m_roles(m_splitter.roles()), m_escape(format.escape()), m_source(source),
      m_since(options.since), m_until(options.until), m_cancel(options.cancel)
{
}

std::uint32_t AccessChunkParser::reasonCode(Problem p, int index)
{
    // Problem in the high bits, the value index (mismatch: AccessLineSplitter failure + 2) in the low bits.
    return (static_cast<std::uint32_t>(p) << 24) | static_cast<std::uint32_t>(index + 2);
}

QString AccessChunkParser::reasonText(std::uint32_t code) const
{
    const int index = static_cast<int>(code & 0xFFFFFF) - 2;
    switch (static_cast<Problem>(code >> 24)) {
    case Problem::EmptyLine:
        return QStringLiteral("empty line");
    case Problem::Mismatch:
        return m_splitter.mismatchReason(index);
    case Problem::BadValue:
        return m_splitter.badValueReason(index);
    case Problem::BeyondOffsetLimit:
        return QStringLiteral("beyond the first TiB of the file, which is as far as events can point; "
                              "split the file to read the rest");
    }
    return QStringLiteral("malformed line");
}

void AccessChunkParser::parse(QByteArrayView piece, std::uint64_t pieceOffset, AccessChunk &chunk) const
{
    if (chunk.events.capacity() < chunk.expectedEvents)
        reserveEvents(chunk.events, chunk.expectedEvents);
    LineContext ctx{chunk, piece.data(), pieceOffset, std::vector<Span>(m_splitter.valueCount()),
                    CachedInterner(chunk.peers, m_escape), CachedInterner(chunk.hosts, m_escape), nullptr, {}, kNoTime, 0};

    // Offsets are turned into pointers only within the piece; a range outside it is a caller's bug that must
    // not become a read outside the buffer.
    const auto pieceEnd = pieceOffset + static_cast<std::uint64_t>(piece.size());
    const std::uint64_t first = std::clamp(chunk.begin, pieceOffset, pieceEnd);
    const std::uint64_t last = std::clamp(chunk.end, first, pieceEnd);
    const char *p = piece.data() + (first - pieceOffset);
    const char *end = piece.data() + (last - pieceOffset);
    const char *prefaulted = p;
    std::uint32_t line = 0;
    while (p < end) {
        if (line % LineIndex::kStride == 0) {
            // kStride is a multiple of kCancelCheckLines: one branch serves both.
            static_assert(LineIndex::kStride % kCancelCheckLines == 0);
            if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
                chunk.cancelled = true;
                break;
            }
            chunk.lines.addCheckpoint(LineNumber(line + 1),
                                      ByteOffset(static_cast<std::uint64_t>(p - piece.data()) + pieceOffset));
            // A window ahead at a time: all of a file bigger than memory at once would evict its own start.
            if (end - prefaulted > 0 && prefaulted - p < kPrefaultWindow / 2) {
                const char *from = std::max(prefaulted, p);
                prefaulted = from + std::min<std::ptrdiff_t>(kPrefaultWindow, end - from);
                accessmemory::prefault(from, static_cast<std::size_t>(prefaulted - from));
            }
        }
        const auto *newline = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        const char *lineEnd = newline ? newline : end;
        ++line;
        parseLine(p, lineEnd, line, ctx);
        p = newline ? newline + 1 : end;
    }
    chunk.lineCount = line;
}

bool AccessChunkParser::readTime(Span s, LineContext &ctx, TimeMs &time) const
{
    if (!s.isEmpty() && s.size() == ctx.lastTimeText.size() && accessfields::equalBytes(s.b, ctx.lastTimeText.b, s.size())) {
        time = ctx.lastTime;
    } else {
        int tz = 0;
        bool ok = false;
        switch (m_roles.timeVar) {
        case LogVar::TimeLocal: ok = logtime::parseTimeLocal(s.b, s.e, time, tz); break;
        case LogVar::TimeIso8601: ok = logtime::parseTimeIso8601(s.b, s.e, time, tz); break;
        default: ok = logtime::parseMsec(s.b, s.e, time); break;
        }
        if (!ok)
            return false;
        ctx.lastTimeText = s;
        ctx.lastTime = time;
        ctx.lastTz = tz;
    }
    return true;
}

// The zone of the result is that of the last line read whole (kept or outside the window), not of a line
// that turned out malformed after its time.
void AccessChunkParser::noteZone(LineContext &ctx) const
{
    if (m_roles.time != AccessFieldRoles::kNone && m_roles.timeVar != LogVar::Msec) {
        ctx.chunk.tzOffsetMinutes = ctx.lastTz;
        ctx.chunk.hasTz = true;
    }
}

void AccessChunkParser::readUpstream(const Span *values, LineContext &ctx, AccessEvent &ev) const
{
    if (m_roles.upstreamAddr != AccessFieldRoles::kNone) {
        unsigned count = 0;
        const Span last = accessfields::lastListEntry(values[m_roles.upstreamAddr], count, ctx.lineStart);
        ev.attempts = std::min(count, 255u);
        ev.peer = PeerId(ctx.peers.intern(last));
    }
    if (m_roles.upstreamStatus != AccessFieldRoles::kNone) {
        unsigned count = 0;
        const Span last = accessfields::lastListEntry(values[m_roles.upstreamStatus], count, ctx.lineStart);
        ev.upstreamStatus = HttpStatus(accessfields::parseUpstreamStatus(last));
        if (m_roles.upstreamAddr == AccessFieldRoles::kNone)
            ev.attempts = std::min(count, 255u);
    }
    if (m_roles.upstreamHeaderTime != AccessFieldRoles::kNone) {
        unsigned count = 0;
        const Span last = accessfields::lastListEntry(values[m_roles.upstreamHeaderTime], count, ctx.lineStart);
        ev.upstreamHeaderMs = count ? accessfields::parseDurationMs(last) : kAbsentMs;
    }
}

// The estimate was low: project the count from the part of the chunk already read instead of letting the
// vector double, which would hold up to twice the memory and copy everything more than once.
void AccessChunkParser::growEvents(AccessChunk &chunk, std::uint64_t offset)
{
    const double done = static_cast<double>(offset - chunk.begin + 1) / static_cast<double>(chunk.end - chunk.begin);
    const auto projected = static_cast<std::size_t>(static_cast<double>(chunk.events.size()) / done * 1.1);
    reserveEvents(chunk.events, std::max(projected, chunk.events.size() + chunk.events.size() / 4 + 1024));
}

void AccessChunkParser::parseLine(const char *b, const char *e, std::uint32_t localLine, LineContext &ctx) const
{
    AccessChunk &chunk = ctx.chunk;
    if (e > b && e[-1] == '\r')
        --e;
    if (b == e) {
        chunk.malformed.add(reasonCode(Problem::EmptyLine), localLine);
        return;
    }
    const auto offset = static_cast<std::uint64_t>(b - ctx.base) + ctx.baseOffset;
    if (offset >= kOffsetLimit) {
        chunk.malformed.add(reasonCode(Problem::BeyondOffsetLimit), localLine);
        return;
    }
    ctx.lineStart = b;
    Span *values = ctx.values.data();
    const int failure = m_splitter.split(b, e, values);
    if (failure != AccessLineSplitter::kMatched) {
        chunk.malformed.add(reasonCode(Problem::Mismatch, failure), localLine);
        return;
    }

    AccessEvent ev;
    if (m_roles.time != AccessFieldRoles::kNone) {
        if (!readTime(values[m_roles.time], ctx, ev.time)) {
            chunk.malformed.add(reasonCode(Problem::BadValue, m_roles.time), localLine);
            return;
        }
        // Outside the window: counted, not validated further, not kept.
        if ((m_since != kNoTime && ev.time < m_since) || (m_until != kNoTime && ev.time >= m_until)) {
            ++chunk.outsideWindow;
            noteZone(ctx);
            return;
        }
    }
    if (m_roles.status != AccessFieldRoles::kNone) {
        std::uint16_t status = 0;
        if (!accessfields::parseStatus(values[m_roles.status], status)) {
            chunk.malformed.add(reasonCode(Problem::BadValue, m_roles.status), localLine);
            return;
        }
        ev.status = HttpStatus(status);
    }
    if (m_roles.requestTime != AccessFieldRoles::kNone)
        ev.requestMs = accessfields::parseDurationMs(values[m_roles.requestTime]);
    readUpstream(values, ctx, ev);
    if (m_roles.host != AccessFieldRoles::kNone)
        ev.host = HostId(ctx.hosts.intern(values[m_roles.host]));
    ev.offset = offset;
    ev.source = m_source.value;
    if (chunk.events.size() == chunk.events.capacity())
        growEvents(chunk, offset);
    chunk.events.push_back(ev);
    noteZone(ctx);
}

} // namespace gwb
