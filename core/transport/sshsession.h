#pragma once

// Private to core/transport: opening one authenticated libssh session (options and ssh config, connect,
// host key verification, authentication). Used only by SshTransport, on its thread.

#include "common/result.h"
#include "transport/hostkeypolicy.h"
#include "transport/sshhandles.h"
#include "transport/sshoptions.h"
#include "transport/transport.h"

#include <QString>
#include <chrono>
#include <functional>
#include <libssh/callbacks.h>
#include <memory>
#include <optional>

namespace gwb::ssh {

// Who we ended up talking to, after the ssh config had its say.
struct Endpoint
{
    QString user;
    QString host;
    quint16 port = 22;
    QString knownHostsPath;
    QString describe() const { return QStringLiteral("%1@%2:%3").arg(user, host).arg(port); }
    // How known_hosts names this host: "web1", or "[127.0.0.1]:2222" on another port.
    QString knownHostsName() const
    {
        return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
    }
};

struct ConnectContext
{
    const SshOptions &options;
    const HostKeyPolicy &hostKeys;
    const CredentialPrompt &credentials;
    const CancelToken &cancel;
};

// An open, authenticated session. The callbacks block must outlive the handle that points to it, hence the
// member order (members are destroyed in reverse).
struct Session
{
    std::unique_ptr<ssh_callbacks_struct> callbacks;
    SessionPtr handle;
    Endpoint endpoint;
};

[[nodiscard]] Result<std::unique_ptr<Session>> openSession(const ConnectContext &context);

// Authentication after the host key was accepted: agent, key files, keyboard-interactive, password.
[[nodiscard]] Result<void> authenticate(Session &session, const ConnectContext &context);

// libssh's last error for the session, as text.
QString lastError(ssh_session session);

} // namespace gwb::ssh

namespace gwb::ssh {

struct ExecLimits
{
    std::optional<std::chrono::milliseconds> total; // run(): the whole command
    std::chrono::milliseconds idle;                 // stream(): longest silence on stdout
    std::chrono::milliseconds keepalive;            // send SSH_MSG_IGNORE after this much silence
};

// Runs `commandText` on a new channel of the session and feeds stdout to onChunk (return false to stop).
// Sets *connectionLost when the session is unusable afterwards, so the caller reconnects next time.
[[nodiscard]] Result<StreamEnd> execOnChannel(Session &session, const QByteArray &commandText,
                                              const QString &label,
                                              const std::function<bool(QByteArrayView)> &onChunk,
                                              const ProgressSink &onProgress, const CancelToken &cancel,
                                              const ExecLimits &limits, bool *connectionLost);

} // namespace gwb::ssh
