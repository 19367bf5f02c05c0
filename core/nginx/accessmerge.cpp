#include "accessmerge.h"

#include <algorithm>
#include <cstring>
#include <thread>

namespace gwb::accessmerge {

namespace {

constexpr std::uint64_t kSampleBytes = 256 << 10;

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

} // namespace

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

std::uint64_t expectedEvents(std::uint64_t bytes, double averageLength, std::size_t minimumLength)
{
    const auto sampled = static_cast<std::uint64_t>(static_cast<double>(bytes) / averageLength * 1.1) + 16;
    return std::min<std::uint64_t>(sampled, bytes / std::max<std::size_t>(minimumLength, 1) + 1);
}

int threadCount(const LogParseOptions &options)
{
    if (options.threads > 0)
        return options.threads;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

bool isCancelled(const LogParseOptions &options)
{
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

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
        // The estimate was low: re-estimate from what was seen so far rather than doubling. Without a total
        // (the text still arrives), grow by half, which still keeps the copies linear in the number of events.
        double projected = static_cast<double>(needed) * 1.5;
        if (m_totalBytes > 0)
            projected = static_cast<double>(needed) * static_cast<double>(m_totalBytes) /
                        static_cast<double>(std::max<std::uint64_t>(chunk.end, 1)) * 1.1;
        reserveEvents(events, std::max<std::size_t>(needed, static_cast<std::size_t>(projected)));
    }
    for (AccessEvent ev : chunk.events) {
        ev.peer = PeerId(remap(peerMap, ev.peer.value));
        ev.host = HostId(remap(hostMap, ev.host.value));
        events.push_back(ev);
    }
}

void Merger::mergeMalformed(const AccessChunk &chunk, std::uint32_t lineBase)
{
    for (const ChunkMalformed::Reason &r : chunk.malformed.reasons) {
        const QString text = m_parser.reasonText(r.code);
        for (std::uint32_t local : r.lines)
            m_result.malformed.add(m_file, LineNumber(lineBase + local), text);
        if (r.count > r.lines.size())
            addCount(m_result.malformed, m_file, LineNumber(lineBase + r.lines.back()), text, r.count - r.lines.size());
    }
}

} // namespace gwb::accessmerge
