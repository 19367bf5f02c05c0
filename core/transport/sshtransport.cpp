#include "transport/sshtransport.h"

#include "transport/sshsession.h"

namespace gwb {

SshTransport::SshTransport(SshOptions options, HostKeyPolicy hostKeys, CredentialPrompt credentials)
    : m_options(std::move(options)), m_hostKeys(std::move(hostKeys)), m_credentials(std::move(credentials))
{
}

SshTransport::~SshTransport() = default;

Result<void> SshTransport::connect(const CancelToken &cancel)
{
    if (m_session && ssh_is_connected(m_session->handle.get()))
        return {};
    m_session.reset();
    if (cancel.isCancelled())
        return Error{Error::Kind::Cancelled,
                     QStringLiteral("connecting to %1 was cancelled").arg(m_options.host)};
    auto opened = ssh::openSession(ssh::ConnectContext{m_options, m_hostKeys, m_credentials, cancel});
    if (!opened && cancel.isCancelled()) // a prompt left unanswered because of the cancel is not a refusal
        return Error{Error::Kind::Cancelled,
                     QStringLiteral("connecting to %1 was cancelled").arg(m_options.host)};
    if (!opened)
        return opened.error();
    m_session = std::move(opened).value();
    return {};
}

void SshTransport::disconnect()
{
    m_session.reset();
}

bool SshTransport::isConnected() const
{
    return m_session && ssh_is_connected(m_session->handle.get());
}

QString SshTransport::describe() const
{
    if (m_session)
        return QStringLiteral("ssh ") + m_session->endpoint.describe();
    QString text = QStringLiteral("ssh ");
    if (!m_options.user.isEmpty())
        text += m_options.user + QLatin1Char('@');
    text += m_options.host;
    if (m_options.port != 0)
        text += QStringLiteral(":%1").arg(m_options.port);
    return text;
}

Result<StreamEnd> SshTransport::execute(const RemoteCommand &command,
                                        const std::function<bool(QByteArrayView)> &onChunk,
                                        const ProgressSink &onProgress, const CancelToken &cancel,
                                        std::optional<std::chrono::milliseconds> total)
{
    auto text = command.render();
    if (!text)
        return text.error();
    if (auto connected = connect(cancel); !connected)
        return connected.error();
    bool lost = false;
    auto end = ssh::execOnChannel(*m_session, *text, command.label(), onChunk, onProgress, cancel,
                                  ssh::ExecLimits{total, idleTimeout(), m_options.keepaliveInterval}, &lost);
    if (lost)
        m_session.reset(); // the next command reconnects
    return end;
}

Result<CommandOutput> SshTransport::run(const RemoteCommand &command, std::chrono::milliseconds timeout,
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
        {}, cancel, timeout);
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

Result<StreamEnd> SshTransport::stream(const RemoteCommand &command, const ChunkSink &onChunk,
                                       const ProgressSink &onProgress, const CancelToken &cancel)
{
    return execute(
        command,
        [&](QByteArrayView chunk) {
            onChunk(chunk);
            return true;
        },
        onProgress, cancel, std::nullopt);
}

} // namespace gwb
