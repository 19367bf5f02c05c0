// One remote command on one channel: the read loop that streams stdout, keeps stderr for the message, and
// watches cancel, timeouts and the connection itself.
#include "transport/sshsession.h"

#include <QElapsedTimer>

namespace gwb::ssh {

namespace {

constexpr int kSliceMs = 100;                 // how often cancel and timeouts are looked at
constexpr uint32_t kReadSize = 256 * 1024;    // one chunk handed to the parser
constexpr qsizetype kMaxStderr = 1024 * 1024; // stderr is for the message, not for data

// Asks the remote side to stop the command (sshd delivers "signal" requests to the process), because a
// closed channel alone leaves a command that is not writing — cat on a FIFO, a hung NFS read — running.
void stopRemote(ssh_channel channel)
{
    if (ssh_channel_is_open(channel))
        ssh_channel_request_send_signal(channel, "TERM");
}

bool drainStderr(ssh_channel channel, QByteArray &err)
{
    char buffer[4096];
    for (;;) {
        const int n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 1);
        if (n > 0) {
            if (err.size() < kMaxStderr)
                err.append(buffer, qMin<qsizetype>(n, kMaxStderr - err.size()));
            continue;
        }
        return n != SSH_ERROR; // 0: nothing now; SSH_EOF: nothing ever again
    }
}

} // namespace

Result<StreamEnd> execOnChannel(Session &session, const QByteArray &commandText, const QString &label,
                                const std::function<bool(QByteArrayView)> &onChunk,
                                const ProgressSink &onProgress, const CancelToken &cancel,
                                const ExecLimits &limits, bool *connectionLost)
{
    ssh_session s = session.handle.get();
    const QString target = session.endpoint.describe();
    *connectionLost = false;
    StreamEnd end;
    const auto dropped = [&] {
        *connectionLost = true;
        return Error{
            Error::Kind::Network,
            QStringLiteral(
                "the connection to %1 dropped after %2 bytes of %3 (%4); the bytes received so far are "
                "kept; run it again to fetch the rest")
                .arg(target)
                .arg(end.bytes)
                .arg(label, lastError(s))};
    };

    const ChannelPtr channel(ssh_channel_new(s));
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK) {
        *connectionLost = !ssh_is_connected(s);
        return Error{
            Error::Kind::Network,
            QStringLiteral("cannot open a channel to %1 for %2: %3").arg(target, label, lastError(s))};
    }
    if (ssh_channel_request_exec(channel.get(), commandText.constData()) != SSH_OK) {
        *connectionLost = !ssh_is_connected(s);
        return Error{Error::Kind::Network,
                     QStringLiteral("%1 refused to run %2: %3").arg(target, label, lastError(s))};
    }

    QByteArray buffer(kReadSize, Qt::Uninitialized);
    QElapsedTimer total, idle, sinceKeepalive;
    total.start();
    idle.start();
    sinceKeepalive.start();
    for (;;) {
        if (cancel.isCancelled()) {
            stopRemote(channel.get());
            return Error{
                Error::Kind::Cancelled,
                QStringLiteral("cancelled %1 on %2 after %3 bytes").arg(label, target).arg(end.bytes)};
        }
        int n = ssh_channel_read_timeout(channel.get(), buffer.data(), kReadSize, 0, kSliceMs);
        // One read returns one SSH packet (32 KiB at most): top the chunk up with what is already buffered,
        // so the parser and the signals see fewer, larger chunks.
        while (n > 0 && static_cast<uint32_t>(n) < kReadSize / 2) {
            const int more =
                ssh_channel_read_nonblocking(channel.get(), buffer.data() + n, kReadSize - uint32_t(n), 0);
            if (more <= 0)
                break;
            n += more;
        }
        if (n > 0) {
            end.bytes += static_cast<quint64>(n);
            if (!onChunk(QByteArrayView(buffer.constData(), n))) {
                stopRemote(channel.get());
                return Error::io(QStringLiteral("%1 on %2 stopped by its reader after %3 bytes")
                                     .arg(label, target)
                                     .arg(end.bytes));
            }
            if (onProgress)
                onProgress(end.bytes);
            idle.restart();
            sinceKeepalive.restart();
        } else if (n == SSH_ERROR || !ssh_is_connected(s)) {
            return dropped();
        }
        if (!drainStderr(channel.get(), end.err))
            return dropped();
        if (n <= 0 && ssh_channel_is_eof(channel.get()))
            break;
        if (limits.total && total.elapsed() > limits.total->count()) {
            stopRemote(channel.get());
            return Error{Error::Kind::Network,
                         QStringLiteral("%1 on %2 timed out after %3 s; the remote command was "
                                        "stopped")
                             .arg(label, target)
                             .arg(limits.total->count() / 1000.0)};
        }
        if (!limits.total && idle.elapsed() > limits.idle.count()) {
            stopRemote(channel.get());
            return Error{Error::Kind::Network,
                         QStringLiteral(
                             "%1 on %2 sent no data for %3 s after %4 bytes; the remote command was stopped "
                             "(is the file a pipe, or on a hung mount?)")
                             .arg(label, target)
                             .arg(limits.idle.count() / 1000.0)
                             .arg(end.bytes)};
        }
        if (limits.keepalive.count() > 0 && sinceKeepalive.elapsed() > limits.keepalive.count()) {
            // libssh 0.10 has no keepalive@openssh.com; an IGNORE message keeps NAT state alive and makes
            // a dead peer show up as a write error.
            if (ssh_send_ignore(s, "") != SSH_OK)
                return dropped();
            sinceKeepalive.restart();
        }
    }
    if (!drainStderr(channel.get(), end.err))
        return dropped();
    const int status = ssh_channel_get_exit_status(channel.get());
    end.exitCode = status >= 0 ? status : -1; // -1: killed by a signal, or the server sent no status
    ssh_channel_send_eof(channel.get());
    return end;
}

} // namespace gwb::ssh
