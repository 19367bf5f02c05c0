#pragma once

#include "accesslogparser.h"

#include <QByteArray>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gwb {

class AccessChunkParser;
struct AccessChunk;
namespace accessmerge {
class Merger;
}

// Parses an access log while its bytes still arrive (from a host, during a collection), so that the parse
// overlaps the transfer instead of following it. feed() cuts the bytes into pieces of whole lines, worker
// threads parse the pieces and merge them in file order; finish() parses what is left and returns the same
// AccessLogResult that AccessLogParser::parse gives for the whole file.
//
// The workers run at the lowest CPU priority: on a machine whose cores are busy with the transfer itself (the
// SSH decryption, or sshd on the same box over loopback) they take only what is spare and the transfer keeps
// its speed; with idle cores (a remote host, the usual case) the parse is done by the time the last byte
// arrives. finish() adds workers at normal priority for whatever is still queued.
//
// Memory stays bounded: at most 32 pieces (or threads + 2 if more) wait for a worker, and feed() blocks while
// they do, so that the transfer waits for the parse rather than the queue growing without limit.
class AccessStreamParser
{
public:
    static constexpr std::size_t kDefaultPieceBytes = 4 << 20;

    // `label` names the file in malformed-line locations (the path the TextSource will have).
    // options.chunkBytes is the piece size (0 = kDefaultPieceBytes), options.threads the workers (0 = one per
    // core). `expectedBytes` is how much is coming when known (0 = unknown), to size the event vector once.
    AccessStreamParser(const LogFormat &format, SourceId source, QString label, const LogParseOptions &options,
                       std::uint64_t expectedBytes = 0);
    // Without finish(): stops the workers and drops what was parsed.
    ~AccessStreamParser();
    AccessStreamParser(const AccessStreamParser &) = delete;
    AccessStreamParser &operator=(const AccessStreamParser &) = delete;

    // The next bytes of the file, following those fed before.
    void feed(QByteArrayView bytes);
    // Bytes fed so far: the file offset the next feed() starts at.
    std::uint64_t bytesFed() const { return m_fed; }

    // Parses the rest (a last line without a newline too), waits for the workers, and returns the result with
    // `text` as its source (it may be null when the caller opens the file later). Call once.
    AccessLogResult finish(std::shared_ptr<TextSource> text);

private:
    struct Piece
    {
        QByteArray bytes;
        std::uint64_t offset = 0;
        std::size_t index = 0;
    };

    QByteArray takeBuffer();
    void submit(QByteArray bytes);
    void work();
    void process(Piece &piece);
    void parsePiece(Piece &piece, AccessChunk &chunk) const;
    void mergeInOrder(std::size_t index, std::unique_ptr<AccessChunk> chunk);
    bool stopping() const;
    void stopWorkers();

    LogFormat m_format;
    LogParseOptions m_options;
    std::unique_ptr<const AccessChunkParser> m_parser;
    QString m_label;
    std::uint64_t m_expectedBytes;
    std::size_t m_pieceBytes;
    std::size_t m_maxQueued;

    // Producer side (the thread calling feed).
    QByteArray m_pending;        // bytes not yet handed to a worker: a partial piece
    std::uint64_t m_pendingOffset = 0; // file offset of m_pending's first byte
    std::uint64_t m_fed = 0;
    std::size_t m_submitted = 0;
    bool m_dropped = false;      // bytes were fed after a cancel and not parsed
    bool m_finished = false;

    // Shared with the workers.
    std::mutex m_queueMutex;
    std::condition_variable m_queueChanged;
    std::deque<Piece> m_queue;
    std::vector<QByteArray> m_spare; // parsed pieces' buffers, emptied, for the next pieces
    std::size_t m_unmerged = 0; // pieces submitted but not merged yet: what bounds the memory
    bool m_closing = false;
    std::atomic_bool m_abort{false};

    std::mutex m_mergeMutex;
    AccessLogResult m_result;
    std::unique_ptr<accessmerge::Merger> m_merger;
    std::map<std::size_t, std::unique_ptr<AccessChunk>> m_parsed; // waiting for the pieces before them
    std::size_t m_merged = 0;
    bool m_stopped = false; // a cancelled piece was merged: what follows it would leave a gap

    std::vector<std::jthread> m_workers;
};

} // namespace gwb
