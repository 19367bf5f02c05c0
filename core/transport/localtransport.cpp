#include "transport/localtransport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <csignal>
#include <functional>
#include <optional>
#include <sys/types.h>
#include <unistd.h>

namespace gwb {

namespace {

constexpr int kSliceMs = 50;                  // how often cancel and timeouts are looked at
constexpr qsizetype kMaxStderr = 1024 * 1024; // stderr is for the error message, not for data

struct Limits
{
    std::optional<std::chrono::milliseconds> total; // run(): the whole command
    std::chrono::milliseconds idle;                 // stream(): silence on stdout
};

// Kills the whole process group: sh may have forked the real command, which must not outlive a cancel.
void killGroup(QProcess &process)
{
    const qint64 pid = process.processId();
    if (pid > 0)
        ::kill(-static_cast<pid_t>(pid), SIGKILL);
    process.kill();
    process.waitForFinished(5000);
}

// onChunk returns false to stop early (run() refusing an oversized output).
Result<StreamEnd> execute(const RemoteCommand &command, const std::function<bool(QByteArrayView)> &onChunk,
                          const ProgressSink &onProgress, const CancelToken &cancel, Limits limits)
{
    auto text = command.render();
    if (!text)
        return text.error();

    QProcess process;
    process.setProgram(QStringLiteral("/bin/sh"));
    // Own process group, so that a cancel can kill sh and whatever it started, and nothing else.
    process.setChildProcessModifier([] { ::setpgid(0, 0); });
    // QProcess passes arguments as QString: bytes that are not UTF-8 (a Latin-1 file name) would be
    // replaced on the way. Such commands go to sh on stdin instead, byte for byte.
    const QString asText = QString::fromUtf8(*text);
    const bool lossless = asText.toUtf8() == *text;
    process.setArguments(lossless ? QStringList{QStringLiteral("-c"), asText}
                                  : QStringList{QStringLiteral("-s")});
    process.start(QIODevice::ReadWrite);
    if (!process.waitForStarted(10000))
        return Error::io(
            QStringLiteral("could not start /bin/sh to %1: %2").arg(command.label(), process.errorString()));
    if (!lossless)
        process.write(*text + '\n');
    process.closeWriteChannel();

    StreamEnd end;
    QElapsedTimer total, idle;
    total.start();
    idle.start();
    for (;;) {
        const bool running = process.state() != QProcess::NotRunning;
        if (running)
            process.waitForReadyRead(kSliceMs);
        const QByteArray chunk = process.readAllStandardOutput();
        if (!chunk.isEmpty()) {
            end.bytes += static_cast<quint64>(chunk.size());
            if (!onChunk(chunk)) {
                killGroup(process);
                return Error::io(QStringLiteral("%1 stopped by its reader after %2 bytes")
                                     .arg(command.label())
                                     .arg(end.bytes));
            }
            if (onProgress)
                onProgress(end.bytes);
            idle.restart();
        }
        if (end.err.size() < kMaxStderr)
            end.err += process.readAllStandardError().left(kMaxStderr - end.err.size());
        if (!running)
            break;
        if (cancel.isCancelled()) {
            killGroup(process);
            return Error{Error::Kind::Cancelled,
                         QStringLiteral("cancelled %1 after %2 bytes").arg(command.label()).arg(end.bytes)};
        }
        if (limits.total && total.elapsed() > limits.total->count()) {
            killGroup(process);
            return Error{Error::Kind::Io, QStringLiteral("%1 timed out after %2 s; the command was stopped")
                                              .arg(command.label())
                                              .arg(limits.total->count() / 1000.0)};
        }
        if (!limits.total && idle.elapsed() > limits.idle.count()) {
            killGroup(process);
            return Error{Error::Kind::Io,
                         QStringLiteral("%1 produced no data for %2 s after %3 bytes; the command was "
                                        "stopped (is the file a pipe or on a hung mount?)")
                             .arg(command.label())
                             .arg(limits.idle.count() / 1000.0)
                             .arg(end.bytes)};
        }
    }
    end.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return end;
}

} // namespace

Result<CommandOutput> LocalTransport::run(const RemoteCommand &command, std::chrono::milliseconds timeout,
                                          const CancelToken &cancel)
{
    CommandOutput output;
    bool tooBig = false;
    auto end = execute(
        command,
        [&](QByteArrayView chunk) {
            if (output.out.size() + chunk.size() > kMaxRunOutput) {
                tooBig = true;
                return false;
            }
            output.out += chunk;
            return true;
        },
        {}, cancel, Limits{timeout, idleTimeout()});
    if (tooBig)
        return Error::io(QStringLiteral("%1 printed more than %2 MiB; stream it instead of running it")
                             .arg(command.label())
                             .arg(kMaxRunOutput / (1024 * 1024)));
    if (!end)
        return end.error();
    output.exitCode = end->exitCode;
    output.err = std::move(end->err);
    return output;
}

Result<StreamEnd> LocalTransport::stream(const RemoteCommand &command, const ChunkSink &onChunk,
                                         const ProgressSink &onProgress, const CancelToken &cancel)
{
    return execute(
        command,
        [&](QByteArrayView chunk) {
            onChunk(chunk);
            return true;
        },
        onProgress, cancel, Limits{std::nullopt, idleTimeout()});
}

} // namespace gwb
