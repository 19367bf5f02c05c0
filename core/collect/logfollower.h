#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"

namespace gwb {

// Tails one log on a target through any Transport, by polling: stat the file, read the bytes added since the
// last poll (readRange), hand on complete lines. Survives logrotate both ways:
//  - rename + new file (inode changed): the rest of the old file is read from PATH.1 when that is the old
//    inode, then the new file from its start;
//  - copytruncate (same inode, smaller than what we read): the bytes written before the truncation are read
//    from the copy PATH.1, then the file from its start. A truncated file that has already grown past the
//    old offset by the next poll cannot be told from one that was appended to; poll often enough.
class LogFollower
{
public:
    enum class Start : std::uint8_t
    {
        AtEnd,    // only lines written from now on
        AtStart,  // the whole file, then follow
    };
    using LineSink = std::function<void(QByteArrayView completeLines)>;

    struct Step
    {
        quint64 bytes = 0; // read this poll
        bool rotated = false;
        bool truncated = false;
    };

    LogFollower(Transport &transport, QByteArray path, SudoUse sudo = SudoUse::No, Start start = Start::AtEnd);

    // One poll. A missing file (between the rename and the new file) is not an error: nothing is read.
    [[nodiscard]] Result<Step> poll(const LineSink &onLines, const CancelToken &cancel);
    // Polls every `interval` until cancelled (returns the Cancelled error then) or a poll fails.
    [[nodiscard]] Result<void> run(const LineSink &onLines, std::chrono::milliseconds interval, const CancelToken &cancel);

    quint64 offset() const { return m_offset; }
    // Resume where an earlier read stopped (a collection pulled the file up to `offset`): the first poll
    // reads from there instead of from the start or the end. A file now shorter than that was rotated or
    // truncated in between and is read from its start.
    void resumeAt(quint64 offset) { m_resumeAt = offset; }

private:
    [[nodiscard]] Result<std::optional<RemoteFileStat>> stat(const QByteArray &path, const CancelToken &cancel);
    // `got` counts the bytes handed on (or kept as a partial line), also when the read breaks off part-way.
    [[nodiscard]] Result<void> readInto(const QByteArray &path, quint64 from, quint64 to, const LineSink &onLines,
                                        const CancelToken &cancel, quint64 &got);
    void flushPartialLine(const LineSink &onLines);

    Transport &m_transport;
    QByteArray m_path;
    SudoUse m_sudo;
    Start m_start;
    bool m_known = false;
    quint64 m_inode = 0;
    quint64 m_offset = 0;
    std::optional<quint64> m_resumeAt;
    QByteArray m_partial; // bytes of a line whose newline has not arrived yet
    std::chrono::milliseconds m_timeout{std::chrono::seconds(30)};
};

} // namespace gwb
