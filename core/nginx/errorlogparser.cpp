// ErrorLogParser: cuts the text into chunks that start at an entry, scans them on worker threads with
// ErrorLogScanner, and merges them in file order as soon as they are done.
#include "errorlogparser.h"

#include "errorclassifier.h"
#include "errorentryview.h"
#include "errorlogscanner.h"

#include <algorithm>
#include <mutex>
#include <thread>

namespace gwb {

namespace {

constexpr std::uint64_t kMinChunkBytes = 1 << 20;
constexpr std::uint64_t kMaxChunkBytes = 32 << 20;
constexpr std::uint64_t kSampleBytes = 256 << 10;

// Entries per byte from the start of the file, to reserve the event vector once: growing millions of events
// by doubling costs page faults and, during the copy, twice the memory. Reserved but untouched pages cost
// nothing.
std::size_t expectedEntries(QByteArrayView text)
{
    const auto sample = text.first(std::min<qsizetype>(text.size(), kSampleBytes));
    const qsizetype lines = std::max<qsizetype>(sample.count('\n'), 1);
    const double perByte =
        static_cast<double>(lines) / static_cast<double>(std::max<qsizetype>(sample.size(), 1));
    return static_cast<std::size_t>(perByte * static_cast<double>(text.size()) * 1.1) + 16;
}

int threadCount(const LogParseOptions &options)
{
    if (options.threads > 0)
        return options.threads;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<ErrorChunk> makeChunks(const ErrorLogScanner &scanner, std::uint64_t size, int threads,
                                   std::size_t chunkBytes)
{
    std::uint64_t target = chunkBytes;
    if (target == 0) {
        // Several chunks per thread keep both cores busy to the end and bound the events held twice.
        target = threads <= 1 ? size
                              : std::clamp<std::uint64_t>(size / (static_cast<std::uint64_t>(threads) * 8),
                                                          kMinChunkBytes, kMaxChunkBytes);
    }
    target = std::max<std::uint64_t>(target, 1);
    std::vector<ErrorChunk> chunks;
    for (std::uint64_t begin = 0; begin < size;) {
        const std::uint64_t end = size - begin > target ? scanner.nextEntryStart(begin + target - 1) : size;
        chunks.emplace_back();
        chunks.back().begin = begin;
        chunks.back().end = end;
        begin = end;
    }
    return chunks;
}

// MalformedLines has no bulk add: the examples are added one by one, the rest of the count by merging
// doubling copies of a one-line record. Their examples are dropped: a chunk has more lines than examples only
// once it kept the maximum, and so does the result by then.
void addRebased(MalformedLines &into, const MalformedLines &chunk, const QString &file,
                std::uint32_t lineBase)
{
    if (lineBase == 0) {
        into.merge(chunk);
        return;
    }
    for (const MalformedLines::Reason &r : chunk.reasons()) {
        for (const SourceLocation &where : r.examples)
            into.add(file, LineNumber(where.line.value + lineBase), r.reason);
        MalformedLines unit;
        unit.add(file, LineNumber(lineBase), r.reason);
        for (std::uint64_t rest = r.count - r.examples.size(); rest; rest >>= 1) {
            if (rest & 1)
                into.merge(unit);
            MalformedLines twice = unit;
            twice.merge(unit);
            unit = std::move(twice);
        }
    }
}

void merge(ErrorLogResult &result, ErrorChunk &chunk)
{
    const auto lineBase = static_cast<std::uint32_t>(result.lineCount);
    if (result.events.empty() && result.peers.size() == 0) {
        // Nothing merged yet: the chunk's ids are already final and its vector is reserved for the whole
        // file.
        result.events = std::move(chunk.events);
        result.peers = std::move(chunk.peers);
    } else {
        const std::vector<std::uint16_t> peerMap = result.peers.absorb(chunk.peers);
        for (ErrorEvent ev : chunk.events) {
            ev.peer = PeerId(ev.peer.value < peerMap.size() ? peerMap[ev.peer.value] : Interner::kOverflow);
            result.events.push_back(ev);
        }
    }
    result.lines.append(chunk.lines, lineBase);
    addRebased(result.malformed, chunk.malformed, result.text->path(), lineBase);
    result.lineCount += chunk.lineCount;
    result.outsideWindow += chunk.outsideWindow;
    for (std::size_t l = 0; l < result.perLevel.size(); ++l)
        result.perLevel[l] += chunk.perLevel[l];
    // Free the chunk now: this is what keeps the memory at about one copy of the events.
    std::vector<ErrorEvent>().swap(chunk.events);
    chunk.peers = Interner();
    chunk.lines = LineIndex();
}

bool isCancelled(const LogParseOptions &options)
{
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

} // namespace

ErrorLogResult ErrorLogParser::parse(std::shared_ptr<TextSource> text, SourceId source,
                                     const LogParseOptions &options)
{
    ErrorLogResult result;
    result.text = std::move(text);
    result.source = source;
    const QByteArrayView bytes = result.text->bytes();
    if (bytes.isEmpty()) {
        result.cancelled = isCancelled(options);
        return result;
    }

    const int threads = threadCount(options);
    const ErrorLogScanner scanner(bytes, result.text->path(), source, options);
    std::vector<ErrorChunk> chunks =
        makeChunks(scanner, static_cast<std::uint64_t>(bytes.size()), threads, options.chunkBytes);
    const std::size_t expected = expectedEntries(bytes);
    chunks.front().events.reserve(expected);
    for (std::size_t k = 1; k < chunks.size(); ++k)
        chunks[k].events.reserve(
            expected * (chunks[k].end - chunks[k].begin) / static_cast<std::uint64_t>(bytes.size()) + 16);

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
            scanner.scan(chunks[k]);
            const std::lock_guard lock(mergeMutex);
            done[k] = 1;
            for (; !stopped && merged < chunks.size() && done[merged]; ++merged) {
                merge(result, chunks[merged]);
                stopped = chunks[merged].cancelled;
            }
        }
    };
    {
        std::vector<std::jthread> helpers;
        const auto helperCount = std::min<std::size_t>(static_cast<std::size_t>(threads), chunks.size()) - 1;
        for (std::size_t i = 0; i < helperCount; ++i)
            helpers.emplace_back(work);
        work();
    }
    // A narrow window keeps a small part of the file: give back what was reserved for all of it.
    if (result.events.size() < result.events.capacity() / 2)
        result.events.shrink_to_fit();
    // On cancel the result holds the entries from the start of the file up to where parsing stopped, no gaps.
    result.cancelled = stopped || merged < chunks.size();
    return result;
}

bool ErrorLogParser::parseEntry(QByteArrayView entry, ErrorEntry &out)
{
    errorlog::EntryView v;
    if (errorlog::decodeHeader(entry, v) != errorlog::HeaderStatus::Ok)
        return false;
    errorlog::decodeBody(entry, v);
    out.time = v.time;
    out.level = v.level;
    out.pid = v.pid;
    out.tid = v.tid;
    out.connection = v.connection;
    out.message = v.message.toByteArray();
    out.errnoCode = v.errnoCode;
    out.errnoText = v.errnoText.toByteArray();
    out.phaseText = v.phaseText.toByteArray();
    out.phase = v.phase;
    out.client = v.client.toByteArray();
    out.server = v.server.toByteArray();
    out.request = v.request.toByteArray();
    out.subrequest = v.subrequest.toByteArray();
    out.upstream = v.upstream.toByteArray();
    out.host = v.host.toByteArray();
    out.referrer = v.referrer.toByteArray();
    out.continuation = v.continuation.toByteArray();
    return true;
}

Cause ErrorLogParser::classify(const ErrorEntry &entry)
{
    return errorlog::classifyMessage({entry.level, entry.message, entry.errnoCode, entry.errnoText,
                                      entry.phase, entry.phaseText, entry.upstream});
}

QByteArrayView ErrorLogParser::peerAddress(QByteArrayView upstream)
{
    return errorlog::peerAddress(upstream);
}

QLatin1StringView ErrorLogParser::levelName(LogLevel level)
{
    return errorlog::levelName(level);
}

} // namespace gwb
