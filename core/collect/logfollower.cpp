#include "collect/logfollower.h"

#include <QThread>

namespace gwb {

LogFollower::LogFollower(Transport &transport, QByteArray path, SudoUse sudo, Start start)
    : m_transport(transport), m_path(std::move(path)), m_sudo(sudo), m_start(start)
{
}

Result<std::optional<RemoteFileStat>> LogFollower::stat(const QByteArray &path, const CancelToken &cancel)
{
    auto out = m_transport.run(RemoteCommand::statFile(path).withSudo(m_sudo), m_timeout, cancel);
    if (!out)
        return out.error();
    if (out->exitCode != 0)
        return std::optional<RemoteFileStat>();
    auto st = parseStatOutput(out->out);
    if (!st)
        return st.error();
    return std::optional<RemoteFileStat>(*st);
}

Result<void> LogFollower::readInto(const QByteArray &path, quint64 from, quint64 to, const LineSink &onLines,
                                   const CancelToken &cancel, quint64 &got)
{
    got = 0;
    if (to <= from)
        return {};
    auto end = m_transport.stream(
        RemoteCommand::readRange(path, ByteOffset(from), to - from).withSudo(m_sudo),
        [&](QByteArrayView chunk) {
            got += quint64(chunk.size());
            const qsizetype lastNl = chunk.lastIndexOf('\n');
            if (lastNl < 0) {
                m_partial += chunk;
                return;
            }
            if (m_partial.isEmpty()) {
                onLines(chunk.first(lastNl + 1));
            } else {
                m_partial += chunk.first(lastNl + 1);
                onLines(m_partial);
                m_partial.clear();
            }
            m_partial += chunk.sliced(lastNl + 1);
        },
        {}, cancel);
    if (!end)
        return end.error();
    return {};
}

void LogFollower::flushPartialLine(const LineSink &onLines)
{
    // The line ended in the old file without a newline (rare: a crash mid-write); hand it on as it is
    // rather than glue it to the first line of the new file.
    if (m_partial.isEmpty())
        return;
    m_partial += '\n';
    onLines(m_partial);
    m_partial.clear();
}

Result<LogFollower::Step> LogFollower::poll(const LineSink &onLines, const CancelToken &cancel)
{
    Step step;
    auto current = stat(m_path, cancel);
    if (!current)
        return current.error();
    if (!*current)
        return step; // between the rename and the new file
    const RemoteFileStat st = **current;
    if (!m_known) {
        m_known = true;
        m_inode = st.inode;
        m_offset = m_start == Start::AtEnd ? st.size : 0;
        if (m_resumeAt)
            m_offset = *m_resumeAt <= st.size ? *m_resumeAt : 0;
    }
    const bool renamed = st.inode != m_inode;
    const bool truncated = !renamed && st.size < m_offset;
    if (renamed || truncated) {
        // What was written after our last poll and before the rotation is in PATH.1: for a rename it is the
        // old inode itself, for copytruncate a copy (another inode) at least as long as what we had read.
        const QByteArray rotatedPath = m_path + ".1";
        auto old = stat(rotatedPath, cancel);
        if (!old)
            return old.error();
        if (*old && (renamed ? (*old)->inode == m_inode : (*old)->inode != st.inode) && (*old)->size > m_offset) {
            quint64 drained = 0;
            auto read = readInto(rotatedPath, m_offset, (*old)->size, onLines, cancel, drained);
            if (!read) {
                // The rotation is seen again next poll and the rest drained from here.
                m_offset += drained;
                return read.error();
            }
            step.bytes += drained;
        }
        flushPartialLine(onLines);
        m_inode = st.inode;
        m_offset = 0;
        step.rotated = renamed;
        step.truncated = truncated;
    }
    if (st.size > m_offset) {
        quint64 got = 0;
        auto read = readInto(m_path, m_offset, st.size, onLines, cancel, got);
        // Lines handed on before a broken read stay handed on: resume after them, not before.
        m_offset += got;
        step.bytes += got;
        if (!read)
            return read.error();
    }
    return step;
}

Result<void> LogFollower::run(const LineSink &onLines, std::chrono::milliseconds interval, const CancelToken &cancel)
{
    while (!cancel.isCancelled()) {
        auto step = poll(onLines, cancel);
        if (!step)
            return step.error();
        for (auto waited = std::chrono::milliseconds(0); waited < interval && !cancel.isCancelled();
             waited += std::chrono::milliseconds(50))
            QThread::msleep(50);
    }
    return Error{Error::Kind::Cancelled, QStringLiteral("following %1 was stopped").arg(QString::fromUtf8(m_path))};
}

} // namespace gwb
