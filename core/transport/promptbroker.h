#pragma once

#include "transport/hostkeypolicy.h"
#include "transport/sshoptions.h"
#include "transport/transport.h"

#include <QByteArray>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace gwb {

// A question the SSH worker needs answered by a person: trust an unknown host key, or give a secret.
struct Prompt
{
    enum class Kind : std::uint8_t
    {
        HostKey,
        Credential
    };
    quint64 id = 0;
    Kind kind = Kind::Credential;
    HostKeyInfo hostKey;          // Kind::HostKey: type, SHA256 fingerprint, known_hosts file
    CredentialRequest credential; // Kind::Credential: passphrase, password or keyboard-interactive
};

struct PromptAnswer
{
    bool accepted = false; // HostKey: trust and record; Credential: `secret` holds the answer
    QByteArray secret;
};

// Carries prompts out of the worker thread and answers back in. The worker blocks in ask() — on its own
// thread, never the UI's — until answer() is called from any thread, the request is cancelled, or the
// broker shuts down.
class PromptBroker
{
public:
    using Publish = std::function<void(const Prompt &)>;
    explicit PromptBroker(Publish publish) : m_publish(std::move(publish)) {}

    // nullopt when cancelled, shut down, or declined.
    [[nodiscard]] std::optional<PromptAnswer> ask(Prompt prompt, const CancelToken &cancel);
    void answer(quint64 promptId, PromptAnswer answer);
    void shutdown();

private:
    Publish m_publish;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    struct Pending
    {
        bool answered = false;
        PromptAnswer answer;
    };
    std::map<quint64, Pending> m_pending;
    quint64 m_nextId = 0;
    bool m_shutdown = false;
};

} // namespace gwb
