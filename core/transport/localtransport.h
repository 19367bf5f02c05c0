#pragma once

#include "transport/transport.h"

namespace gwb {

// Runs the commands on this machine through /bin/sh, exactly as sshd would run them on a host: the same
// rendered text, the same quoting. Used for the local target and to test the command builder against a
// real shell.
class LocalTransport final : public Transport
{
public:
    LocalTransport() = default;

    [[nodiscard]] Result<CommandOutput> run(const RemoteCommand &command, std::chrono::milliseconds timeout,
                                            const CancelToken &cancel) override;
    [[nodiscard]] Result<StreamEnd> stream(const RemoteCommand &command, const ChunkSink &onChunk,
                                           const ProgressSink &onProgress,
                                           const CancelToken &cancel) override;
    [[nodiscard]] QString describe() const override { return QStringLiteral("local"); }
};

} // namespace gwb
