#include "transport/sshworker.h"

namespace gwb {

namespace {

constexpr quint64 kProgressStep = 4 * 1024 * 1024; // progress signals are for humans: a few per second

HostKeyPolicy makePolicy(UnknownHostKeys unknownKeys, std::function<bool(const HostKeyInfo &)> ask)
{
    switch (unknownKeys) {
    case UnknownHostKeys::AcceptNew:
        return HostKeyPolicy::acceptNew();
    case UnknownHostKeys::Ask:
        return HostKeyPolicy::ask(std::move(ask));
    case UnknownHostKeys::Refuse:
        break;
    }
    return HostKeyPolicy::refuseUnknown();
}

} // namespace

SshWorker::SshWorker(SshOptions options, UnknownHostKeys unknownKeys, std::shared_ptr<PromptBroker> prompts)
    : m_prompts(std::move(prompts))
{
    // The callbacks run inside libssh calls on the worker thread and block there until the UI answers.
    auto askHostKey = [this](const HostKeyInfo &key) {
        Prompt prompt;
        prompt.kind = Prompt::Kind::HostKey;
        prompt.hostKey = key;
        const auto answer = m_prompts->ask(prompt, m_current);
        return answer.has_value() && answer->accepted;
    };
    auto askCredential = [this](const CredentialRequest &request) -> std::optional<QByteArray> {
        Prompt prompt;
        prompt.kind = Prompt::Kind::Credential;
        prompt.credential = request;
        auto answer = m_prompts->ask(prompt, m_current);
        if (!answer)
            return std::nullopt;
        return std::move(answer->secret);
    };
    m_transport = std::make_unique<SshTransport>(
        std::move(options), makePolicy(unknownKeys, std::move(askHostKey)), std::move(askCredential));
}

SshWorker::~SshWorker() = default;

void SshWorker::run(quint64 requestId, const RemoteCommand &command, std::chrono::milliseconds timeout,
                    CancelToken cancel)
{
    m_current = cancel;
    auto result = m_transport->run(command, timeout, cancel);
    emit described(m_transport->describe());
    emit runFinished(requestId, result);
}

void SshWorker::stream(quint64 requestId, const RemoteCommand &command, CancelToken cancel)
{
    m_current = cancel;
    quint64 nextProgress = kProgressStep;
    auto end = m_transport->stream(
        command, [&](QByteArrayView chunk) { emit chunkReceived(requestId, chunk.toByteArray()); },
        [&](quint64 soFar) {
            if (soFar >= nextProgress) {
                emit progress(requestId, soFar);
                nextProgress = soFar + kProgressStep;
            }
        },
        cancel);
    emit described(m_transport->describe());
    emit streamFinished(requestId, end);
}

void SshWorker::disconnectFromHost()
{
    m_transport->disconnect();
}

} // namespace gwb
