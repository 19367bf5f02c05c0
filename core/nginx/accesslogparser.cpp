// AccessLogParser::parse: cuts the text into chunks at line boundaries, parses them on worker threads with
// AccessChunkParser, and merges them in file order as soon as they are done, so that only a few chunks' events
// exist twice at any moment.
#include "accesslogparser.h"

#include "accesschunkparser.h"
#include "accessmemory.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

namespace gwb {

namespace {

constexpr std::uint64_t kMinChunkBytes = 1 << 20;
constexpr std::uint64_t kMaxChunkBytes = 32 << 20;
constexpr std::uint64_t kSampleBytes = 256 << 10;

// Average line length from a few samples across the file, to size the event vector once: growing a vector of
// millions of events by doubling costs page faults and, at the moment of the copy, twice the memory.
double averageLineLength(QByteArrayView text)
{
    const auto size = static_cast<std::uint64_t>(text.size());
    std::uint64_t bytes = 0, lines = 0;
    for (const std::uint64_t start : {std::uint64_t(0), size / 2, size > kSampleBytes ? size - kSampleBytes : 0}) {
        const std::uint64_t n = std::min(kSampleBytes, size - start);
        const char *p = text.data() + start;
        for (const char *end = p + n; p < end; ++lines) {
            const auto *nl = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
            if (!nl)
                break;
            p = nl + 1;
        }
        bytes += n;
    }
    return lines ? static_cast<double>(bytes) / static_cast<double>(lines) : static_cast<double>(std::max<std::uint64_t>(size, 1));
}

// Events expected from `bytes` of text: 10% above the sampled estimate (reserved but untouched pages cost
// address space, not memory), and never more than lines of the shortest length the format can match.
std::uint64_t expectedEvents(std::uint64_t bytes, double averageLength, std::size_t minimumLength)
{
    const auto sampled = static_cast<std::uint64_t>(static_cast<double>(bytes) / averageLength * 1.1) + 16;
    return std::min<std::uint64_t>(sampled, bytes / minimumLength + 1);
}

int threadCount(const LogParseOptions &options)
{
    if (options.threads > 0)
        return options.threads;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Byte ranges that start and end at line boundaries.
std::vector<AccessChunk> makeChunks(QByteArrayView text, int threads, std::size_t chunkBytes)
{
    const auto size = static_cast<std::uint64_t>(text.size());
    std::uint64_t target = chunkBytes;
    if (target == 0) {
        // Several chunks per thread keep both cores busy to the end and bound the events held twice.
        target = threads <= 1 ? size : std::clamp<std::uint64_t>(size / (threads * 8), kMinChunkBytes, kMaxChunkBytes);
    }
    target = std::max<std::uint64_t>(target, 1);
    std::vector<AccessChunk> chunks;
    for (std::uint64_t begin = 0; begin < size;) {
        std::uint64_t end = size;
        if (size - begin > target) {
            const char *from = text.data() + begin + target - 1;
            const auto *nl = static_cast<const char *>(std::memchr(from, '\n', static_cast<std::size_t>(size - (begin + target - 1))));
            end = nl ? static_cast<std::uint64_t>(nl - text.data()) + 1 : size;
        }
        chunks.emplace_back();
        chunks.back().begin = begin;
        chunks.back().end = end;
        begin = end;
    }
    return chunks;
}

std::uint16_t remap(const std::vector<std::uint16_t> &map, std::uint16_t id)
{
    return id < map.size() ? map[id] : Interner::kOverflow;
}

// MalformedLines has no bulk add: after the examples, the remaining count is added by merging doubling copies
// of a one-line record, O(log count). Their examples are dropped because the caller has already filled the
// examples of this reason (a chunk only has more lines than examples once it kept the maximum).
void addCount(MalformedLines &into, const QString &file, LineNumber line, const QString &reason, std::uint64_t count)
{
    MalformedLines unit;
    unit.add(file, line, reason);
    while (count) {
        if (count & 1)
            into.merge(unit);
        MalformedLines twice = unit;
        twice.merge(unit);
        unit = std::move(twice);
        count >>= 1;
    }
}

class Merger
{
public:
    Merger(AccessLogResult &result, const AccessChunkParser &parser, std::uint64_t totalBytes)
        : m_result(result), m_parser(parser), m_totalBytes(totalBytes)
    {
    }

    void merge(AccessChunk &chunk);

private:
    void appendEvents(AccessChunk &chunk);
    void mergeMalformed(const AccessChunk &chunk, std::uint32_t lineBase);

    AccessLogResult &m_result;
    const AccessChunkParser &m_parser;
    std::uint64_t m_totalBytes;
};

void Merger::merge(AccessChunk &chunk)
{
    const auto lineBase = static_cast<std::uint32_t>(m_result.lineCount);
    appendEvents(chunk);
    m_result.lines.append(chunk.lines, lineBase);
    mergeMalformed(chunk, lineBase);
    m_result.lineCount += chunk.lineCount;
    m_result.outsideWindow += chunk.outsideWindow;
    if (chunk.hasTz)
        m_result.tzOffsetMinutes = chunk.tzOffsetMinutes;
    // Free the chunk now, not when all are done: this is what keeps the memory at one copy of the events.
    std::vector<AccessEvent>().swap(chunk.events);
    chunk.peers = Interner();
    chunk.hosts = Interner();
    chunk.lines = LineIndex();
}

void Merger::appendEvents(AccessChunk &chunk)
{
    std::vector<AccessEvent> &events = m_result.events;
    // The first chunk wrote into the result's own (fully reserved) vector and interned into empty tables:
    // its ids are already final.
    if (events.empty() && m_result.peers.size() == 0 && m_result.hosts.size() == 0) {
        m_result.peers = std::move(chunk.peers);
        m_result.hosts = std::move(chunk.hosts);
        events = std::move(chunk.events);
        return;
    }
    const std::vector<std::uint16_t> peerMap = m_result.peers.absorb(chunk.peers);
    const std::vector<std::uint16_t> hostMap = m_result.hosts.absorb(chunk.hosts);
    const std::size_t needed = events.size() + chunk.events.size();
    if (needed > events.capacity()) {
        // The estimate was low: re-estimate from what was seen so far rather than doubling.
        const double projected = static_cast<double>(needed) * static_cast<double>(m_totalBytes) /
                                 static_cast<double>(std::max<std::uint64_t>(chunk.end, 1));
        reserveEvents(events, std::max<std::size_t>(needed, static_cast<std::size_t>(projected * 1.1)));
    }
    for (AccessEvent ev : chunk.events) {
        ev.peer = PeerId(remap(peerMap, ev.peer.value));
        ev.host = HostId(remap(hostMap, ev.host.value));
        events.push_back(ev);
    }
}

void Merger::mergeMalformed(const AccessChunk &chunk, std::uint32_t lineBase)
{
    const QString &file = m_result.text->path();
    for (const ChunkMalformed::Reason &r : chunk.malformed.reasons) {
        const QString text = m_parser.reasonText(r.code);
        for (std::uint32_t local : r.lines)
            m_result.malformed.add(file, LineNumber(lineBase + local), text);
        if (r.count > r.lines.size())
            addCount(m_result.malformed, file, LineNumber(lineBase + r.lines.back()), text, r.count - r.lines.size());
    }
}

bool isCancelled(const LogParseOptions &options)
{
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

} // namespace

AccessLogResult AccessLogParser::parse(std::shared_ptr<TextSource> text, SourceId source, const LogFormat &format,
                                       const LogParseOptions &options)
{
    AccessLogResult result;
    result.text = std::move(text);
    result.source = source;
    const QByteArrayView bytes = result.text ? result.text->bytes() : QByteArrayView();
    if (bytes.isEmpty()) {
        result.cancelled = isCancelled(options);
        return result;
    }

    const AccessChunkParser parser(format, source, options);
    const int threads = threadCount(options);
    const double averageLength = averageLineLength(bytes);
    const std::size_t minimumLength = parser.minimumLineLength();
    std::vector<AccessChunk> chunks = makeChunks(bytes, threads, options.chunkBytes);
    for (AccessChunk &c : chunks)
        c.expectedEvents = expectedEvents(c.end - c.begin, averageLength, minimumLength);
    // The first chunk fills the result's vector, reserved for the whole file, so a single chunk is never copied.
    std::vector<AccessEvent> &firstEvents = chunks.front().events;
    reserveEvents(firstEvents, expectedEvents(static_cast<std::uint64_t>(bytes.size()), averageLength, minimumLength));
    accessmemory::preferHugePages(firstEvents.data(), firstEvents.capacity() * sizeof(AccessEvent));

    Merger merger(result, parser, static_cast<std::uint64_t>(bytes.size()));
    std::atomic<std::size_t> next{0};
    std::mutex mergeMutex;
    std::vector<char> done(chunks.size(), 0);
    std::size_t merged = 0;
    bool stopped = false; // a cancelled chunk was merged: what follows it would leave a gap

    auto work = [&] {
        while (!isCancelled(options)) {
            const std::size_t k = next.fetch_add(1);
            if (k >= chunks.size())
                return;
            parser.parse(bytes, chunks[k]);
            const std::lock_guard lock(mergeMutex);
            done[k] = 1;
            for (; !stopped && merged < chunks.size() && done[merged]; ++merged) {
                merger.merge(chunks[merged]);
                stopped = chunks[merged].cancelled;
            }
        }
    };
    {
        std::vector<std::jthread> helpers;
        const auto helperCount = std::min<std::size_t>(static_cast<std::size_t>(threads), chunks.size()) - 1;
        for (std::size_t i = 0; i < helperCount; ++i) {
            try {
                helpers.emplace_back(work);
            } catch (const std::system_error &) {
                break; // no more threads to be had: the ones running (this one at least) do all chunks
            }
        }
        work();
    }
    // On cancel the result holds the lines from the start of the file up to where parsing stopped, no gaps.
    result.cancelled = stopped || merged < chunks.size();
    return result;
}

} // namespace gwb
