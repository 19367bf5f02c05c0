#pragma once

#include "transport/hostkeypolicy.h"
#include "transport/sshoptions.h"
#include "transport/transport.h"

#include <memory>

namespace gwb {

namespace ssh {
struct Session;
}

// A host reached over SSH with libssh: one session, opened on first use and reused for every command, each
// command on its own channel. Blocking, and bound to the thread that uses it (libssh sessions must not be
// shared between threads): the UI talks to it through SshHost, which owns such a transport on its own thread.
class SshTransport final : public Transport
{
public:
    SshTransport(SshOptions options, HostKeyPolicy hostKeys, CredentialPrompt credentials = {});
    ~SshTransport() override;

    // Connects, verifies the host key and logs in, unless already connected. run() and stream() call it.
    [[nodiscard]] Result<void> connect(const CancelToken &cancel);
    void disconnect();
    bool isConnected() const;

    [[nodiscard]] Result<CommandOutput> run(const RemoteCommand &command, std::chrono::milliseconds timeout,
                                            const CancelToken &cancel) override;
    [[nodiscard]] Result<StreamEnd> stream(const RemoteCommand &command, const ChunkSink &onChunk,
                                           const ProgressSink &onProgress,
                                           const CancelToken &cancel) override;
    // "ssh deploy@web1:22" once connected (after the ssh config was applied), "ssh web1" before.
    [[nodiscard]] QString describe() const override;

    const SshOptions &options() const { return m_options; }

private:
    [[nodiscard]] Result<StreamEnd> execute(const RemoteCommand &command,
                                            const std::function<bool(QByteArrayView)> &onChunk,
                                            const ProgressSink &onProgress, const CancelToken &cancel,
                                            std::optional<std::chrono::milliseconds> total);

    SshOptions m_options;
    HostKeyPolicy m_hostKeys;
    CredentialPrompt m_credentials;
    std::unique_ptr<ssh::Session> m_session;
};

} // namespace gwb
