// AccessLogParser::parse: cuts the text into chunks at line boundaries, parses them on worker threads with
// AccessChunkParser, and merges them in file order as soon as they are done, so that only a few chunks' events
// exist twice at any moment.
#include "accesslogparser.h"

#include "accesschunkparser.h"
#include "accessmemory.h"
#include "accessmerge.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

namespace gwb {

namespace {

using accessmerge::expectedEvents;
using accessmerge::isCancelled;

constexpr std::uint64_t kMinChunkBytes = 1 << 20;
constexpr std::uint64_t kMaxChunkBytes = 32 << 20;

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
    const int threads = accessmerge::threadCount(options);
    const double averageLength = accessmerge::averageLineLength(bytes);
    const std::size_t minimumLength = parser.minimumLineLength();
    std::vector<AccessChunk> chunks = makeChunks(bytes, threads, options.chunkBytes);
    for (AccessChunk &c : chunks)
        c.expectedEvents = expectedEvents(c.end - c.begin, averageLength, minimumLength);
    // The first chunk fills the result's vector, reserved for the whole file, so a single chunk is never copied.
    std::vector<AccessEvent> &firstEvents = chunks.front().events;
    reserveEvents(firstEvents, expectedEvents(static_cast<std::uint64_t>(bytes.size()), averageLength, minimumLength));
    accessmemory::preferHugePages(firstEvents.data(), firstEvents.capacity() * sizeof(AccessEvent));

    accessmerge::Merger merger(result, parser, result.text->path(), static_cast<std::uint64_t>(bytes.size()));
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
