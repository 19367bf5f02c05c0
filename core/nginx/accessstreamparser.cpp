// AccessStreamParser: the bytes of a log arrive in order; whole lines are gathered into pieces of about
// kDefaultPieceBytes, worker threads parse the pieces with AccessChunkParser (each piece in its own buffer,
// offsets absolute), and the same Merger as the whole-file parser folds them into the result in file order.
#include "accessstreamparser.h"

#include "accesschunkparser.h"
#include "accessmemory.h"
#include "accessmerge.h"

#include <chrono>
#include <sys/resource.h>
#include <unistd.h>
#include <system_error>

namespace gwb {

namespace {

// How often a producer waiting for room looks at the cancel flag, which nobody signals.
constexpr std::chrono::milliseconds kCancelPoll{50};
constexpr qsizetype kSampleBytes = 64 << 10;

} // namespace

AccessStreamParser::AccessStreamParser(const LogFormat &format, SourceId source, QString label,
                                       const LogParseOptions &options, std::uint64_t expectedBytes)
    : m_format(format), m_options(options), m_label(std::move(label)), m_expectedBytes(expectedBytes),
      m_pieceBytes(options.chunkBytes ? options.chunkBytes : kDefaultPieceBytes)
{
    m_parser = std::make_unique<const AccessChunkParser>(m_format, source, m_options);
    m_result.source = source;
    m_merger = std::make_unique<accessmerge::Merger>(m_result, *m_parser, m_label, expectedBytes);
    const int threads = accessmerge::threadCount(options);
    // Two pieces beyond one per worker keep the workers fed while the producer fills the next one.
    m_maxQueued = std::max<std::size_t>(static_cast<std::size_t>(threads) + 2, 32);
    for (int i = 0; i < threads; ++i) {
        try {
            m_workers.emplace_back([this] {
                // Linux nices threads one by one: only spare CPU goes to the parse while bytes arrive.
                setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
                work();
            });
        } catch (const std::system_error &) {
            break; // no threads to be had: submit() parses on the caller's thread
        }
    }
}

AccessStreamParser::~AccessStreamParser()
{
    stopWorkers();
}

bool AccessStreamParser::stopping() const
{
    return m_abort.load(std::memory_order_relaxed) || accessmerge::isCancelled(m_options);
}

void AccessStreamParser::stopWorkers()
{
    m_abort = true;
    {
        const std::lock_guard lock(m_queueMutex);
        m_closing = true;
    }
    m_queueChanged.notify_all();
    m_workers.clear(); // joins
}

// A piece ends at the first line end at or after m_pieceBytes of it, as AccessLogParser cuts its chunks;
// every byte is copied once, from the caller's buffer into the piece.
void AccessStreamParser::feed(QByteArrayView bytes)
{
    if (bytes.isEmpty() || m_finished)
        return;
    m_fed += static_cast<std::uint64_t>(bytes.size());
    if (stopping()) {
        m_dropped = true;
        return;
    }
    while (!bytes.isEmpty()) {
        if (m_pending.capacity() == 0)
            m_pending = takeBuffer();
        const auto have = static_cast<std::size_t>(m_pending.size());
        const qsizetype from = have >= m_pieceBytes ? 0 : static_cast<qsizetype>(m_pieceBytes - have - 1);
        const qsizetype newline = from < bytes.size() ? bytes.indexOf('\n', from) : -1;
        if (newline < 0) {
            m_pending.append(bytes.data(), bytes.size());
            return;
        }
        m_pending.append(bytes.data(), newline + 1);
        bytes = bytes.sliced(newline + 1);
        submit(std::exchange(m_pending, QByteArray()));
        if (m_dropped)
            return;
    }
}

QByteArray AccessStreamParser::takeBuffer()
{
    {
        const std::lock_guard lock(m_queueMutex);
        if (!m_spare.empty()) {
            QByteArray buffer = std::move(m_spare.back());
            m_spare.pop_back();
            return buffer;
        }
    }
    // Room for a piece and the line that ends it. Buffers are recycled: fresh memory for every piece would
    // cost a page fault per 4 KiB of the log.
    QByteArray buffer;
    buffer.reserve(static_cast<qsizetype>(m_pieceBytes + (64 << 10)));
    return buffer;
}

void AccessStreamParser::submit(QByteArray bytes)
{
    Piece piece{std::move(bytes), m_pendingOffset, m_submitted++};
    m_pendingOffset += static_cast<std::uint64_t>(piece.bytes.size());
    if (m_workers.empty()) {
        process(piece);
        return;
    }
    {
        std::unique_lock lock(m_queueMutex);
        while (m_unmerged >= m_maxQueued && !stopping())
            m_queueChanged.wait_for(lock, kCancelPoll);
        if (stopping()) {
            m_dropped = true;
            return;
        }
        ++m_unmerged;
        m_queue.push_back(std::move(piece));
    }
    m_queueChanged.notify_all();
}

void AccessStreamParser::work()
{
    for (;;) {
        Piece piece;
        {
            std::unique_lock lock(m_queueMutex);
            m_queueChanged.wait(lock, [this] { return !m_queue.empty() || m_closing; });
            if (m_queue.empty() || m_abort)
                return;
            piece = std::move(m_queue.front());
            m_queue.pop_front();
        }
        process(piece);
    }
}

void AccessStreamParser::process(Piece &piece)
{
    auto chunk = std::make_unique<AccessChunk>();
    chunk->begin = piece.offset;
    chunk->end = piece.offset + static_cast<std::uint64_t>(piece.bytes.size());
    if (stopping())
        chunk->cancelled = true;
    else
        parsePiece(piece, *chunk);
    piece.bytes.resize(0); // keeps the capacity for the next piece
    {
        const std::lock_guard lock(m_queueMutex);
        if (m_spare.size() < m_maxQueued)
            m_spare.push_back(std::move(piece.bytes));
    }
    mergeInOrder(piece.index, std::move(chunk));
}

void AccessStreamParser::parsePiece(Piece &piece, AccessChunk &chunk) const
{
    const QByteArrayView bytes(piece.bytes);
    const auto size = static_cast<std::uint64_t>(bytes.size());
    // A piece is short and of one stretch of the log: its first lines tell its line length well enough, and
    // sampling as the whole-file parser does would scan a fifth of every piece once more.
    const double averageLength = accessmerge::averageLineLength(bytes.first(qMin<qsizetype>(bytes.size(), kSampleBytes)));
    const std::size_t minimumLength = m_parser->minimumLineLength();
    chunk.expectedEvents = accessmerge::expectedEvents(size, averageLength, minimumLength);
    if (piece.index == 0 && m_expectedBytes > size) {
        // The first piece's events become the result's vector: reserved for the whole file, it is never copied.
        reserveEvents(chunk.events, accessmerge::expectedEvents(m_expectedBytes, averageLength, minimumLength));
        accessmemory::preferHugePages(chunk.events.data(), chunk.events.capacity() * sizeof(AccessEvent));
    }
    m_parser->parse(bytes, piece.offset, chunk);
}

void AccessStreamParser::mergeInOrder(std::size_t index, std::unique_ptr<AccessChunk> chunk)
{
    std::size_t released = 0;
    {
        const std::lock_guard lock(m_mergeMutex);
        if (m_stopped) {
            released = 1;
        } else {
            m_parsed.emplace(index, std::move(chunk));
            for (auto it = m_parsed.find(m_merged); it != m_parsed.end() && !m_stopped; it = m_parsed.find(m_merged)) {
                m_merger->merge(*it->second);
                m_stopped = it->second->cancelled;
                m_parsed.erase(it);
                ++m_merged;
                ++released;
            }
            if (m_stopped) {
                released += m_parsed.size();
                m_parsed.clear();
            }
        }
    }
    if (released == 0)
        return;
    {
        const std::lock_guard lock(m_queueMutex);
        m_unmerged -= std::min(released, m_unmerged);
    }
    m_queueChanged.notify_all();
}

AccessLogResult AccessStreamParser::finish(std::shared_ptr<TextSource> text)
{
    if (!m_finished) {
        m_finished = true;
        if (!m_pending.isEmpty()) {
            if (stopping())
                m_dropped = true;
            else
                submit(std::exchange(m_pending, QByteArray())); // the last line, without its newline
        }
        {
            const std::lock_guard lock(m_queueMutex);
            m_closing = true;
        }
        m_queueChanged.notify_all();
        // The niced workers may be far behind when the last byte arrives: drain the queue at full speed.
        const int helpers = accessmerge::threadCount(m_options);
        for (int i = 0; i < helpers; ++i) {
            try {
                m_workers.emplace_back([this] { work(); });
            } catch (const std::system_error &) {
                break;
            }
        }
        m_workers.clear(); // joins once the queue is empty
    }
    AccessLogResult result = std::move(m_result);
    result.text = std::move(text);
    // As with the whole-file parser, a cancelled result holds the lines from the start up to where parsing
    // stopped, without gaps.
    result.cancelled = m_dropped || m_stopped || m_merged < m_submitted ||
                       (m_submitted == 0 && accessmerge::isCancelled(m_options));
    return result;
}

} // namespace gwb
