#pragma once

#include "common/result.h"
#include "transport/command.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace gwb {

// Cancels one request from any thread. Copies share the flag, so the UI can keep one and hand one to the
// worker; the transports look at it between reads (at least every ~100 ms) and at every prompt.
class CancelToken
{
public:
    CancelToken() : m_flag(std::make_shared<std::atomic_bool>(false)) {}
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

// What a finished command printed. exitCode is -1 when the command was killed by a signal.
struct CommandOutput
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// How a stream ended: all bytes were delivered through the chunk callback; none are kept here.
struct StreamEnd
{
    quint64 bytes = 0;
    int exitCode = -1;
    QByteArray err;
};

// Chunks arrive in order as the bytes come off the wire, so parsing overlaps the transfer. The view is only
// valid during the call.
using ChunkSink = std::function<void(QByteArrayView chunk)>;
using ProgressSink = std::function<void(quint64 bytesSoFar)>;

// Where commands run: a host over SSH, or this machine. One object per target, used from one thread.
// Errors are values whose message says what happened and what to do; when a stream fails part-way the
// chunks already delivered stay delivered and the message says after how many bytes it broke.
class Transport
{
public:
    virtual ~Transport() = default;

    // Runs the command to completion and collects its output (meant for small outputs: nginx -T, stat, id;
    // outputs beyond kMaxRunOutput are refused — stream those).
    [[nodiscard]] virtual Result<CommandOutput>
    run(const RemoteCommand &command, std::chrono::milliseconds timeout, const CancelToken &cancel) = 0;
    // Runs the command and hands its stdout to onChunk as it arrives. Fails when no byte arrived for
    // idleTimeout(); there is no overall limit, because a big log legitimately takes long.
    [[nodiscard]] virtual Result<StreamEnd> stream(const RemoteCommand &command, const ChunkSink &onChunk,
                                                   const ProgressSink &onProgress,
                                                   const CancelToken &cancel) = 0;
    // "ssh deploy@web1:22", "local".
    [[nodiscard]] virtual QString describe() const = 0;

    std::chrono::milliseconds idleTimeout() const { return m_idleTimeout; }
    void setIdleTimeout(std::chrono::milliseconds timeout) { m_idleTimeout = timeout; }

    static constexpr qsizetype kMaxRunOutput = 256 * 1024 * 1024;

protected:
    Transport() = default;
    Transport(const Transport &) = delete;
    Transport &operator=(const Transport &) = delete;

private:
    std::chrono::milliseconds m_idleTimeout{std::chrono::seconds(60)};
};

} // namespace gwb
