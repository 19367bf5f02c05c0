#pragma once

#include "accesslinesplitter.h"
#include "accesslogparser.h"

#include <cstdint>
#include <vector>

namespace gwb {

// Malformed lines of one chunk with chunk-local line numbers: the chunk's first line number in the file is
// only known once the chunks before it are counted, so locations are fixed when the chunk is merged.
struct ChunkMalformed
{
    struct Reason
    {
        std::uint32_t code = 0; // AccessChunkParser::reasonCode()
        std::uint64_t count = 0;
        std::vector<std::uint32_t> lines; // the first MalformedLines::kExamplesPerReason local line numbers
    };
    std::vector<Reason> reasons;

    void add(std::uint32_t code, std::uint32_t localLine);
};

// Reserves room for `n` events; an estimate the allocator refuses is dropped (the vector then grows as needed)
// rather than failing the parse.
void reserveEvents(std::vector<AccessEvent> &events, std::size_t n);

// One piece of the text, starting and ending at line boundaries, parsed on its own (one thread, no locks) and
// merged into the AccessLogResult afterwards.
struct AccessChunk
{
    std::uint64_t begin = 0, end = 0; // byte range in the file (absolute offsets)
    std::uint64_t expectedEvents = 0;  // estimate used to size `events` once instead of growing it
    std::vector<AccessEvent> events;
    Interner peers, hosts;
    LineIndex lines; // chunk-local line numbers (1 = the chunk's first line) at absolute offsets
    ChunkMalformed malformed;
    std::uint64_t lineCount = 0;
    std::uint64_t outsideWindow = 0;
    int tzOffsetMinutes = 0;
    bool hasTz = false;
    bool cancelled = false;
};

// The fast path: turns lines into 32-byte AccessEvents working on the raw bytes (no QString, no allocation per
// line). Holds only read-only state, so one parser serves every thread.
class AccessChunkParser
{
public:
    static constexpr std::uint64_t kOffsetLimit = std::uint64_t(1) << 40; // AccessEvent::offset has 40 bits
    static constexpr std::uint32_t kCancelCheckLines = 4096;
    static constexpr std::ptrdiff_t kPrefaultWindow = 16 << 20;

    AccessChunkParser(const LogFormat &format, SourceId source, const LogParseOptions &options);

    // `text` is the whole file: chunk.begin and chunk.end are offsets in it.
    void parse(QByteArrayView text, AccessChunk &chunk) const { parse(text, 0, chunk); }
    // `piece` holds the file's bytes from offset `pieceOffset` on, in a buffer of its own (bytes still arriving
    // from a host): chunk.begin and chunk.end are absolute and must lie within the piece.
    void parse(QByteArrayView piece, std::uint64_t pieceOffset, AccessChunk &chunk) const;
    std::size_t minimumLineLength() const { return m_splitter.minimumLineLength(); }

    // The sentence for a ChunkMalformed code.
    QString reasonText(std::uint32_t code) const;

private:
    enum class Problem : std::uint32_t { EmptyLine, Mismatch, BadValue, BeyondOffsetLimit };
    static std::uint32_t reasonCode(Problem p, int index = 0);

    struct LineContext;
    void parseLine(const char *b, const char *e, std::uint32_t localLine, LineContext &ctx) const;
    bool readTime(accessfields::Span s, LineContext &ctx, TimeMs &time) const;
    void noteZone(LineContext &ctx) const;
    static void growEvents(AccessChunk &chunk, std::uint64_t offset);
    void readUpstream(const accessfields::Span *values, LineContext &ctx, AccessEvent &ev) const;

    AccessLineSplitter m_splitter;
    AccessFieldRoles m_roles;
    LogFormat::Escape m_escape;
    SourceId m_source;
    TimeMs m_since, m_until;
    const std::atomic_bool *m_cancel;
};

} // namespace gwb
