#include "checkprompts.h"

#include "hostkeydialog.h"
#include "transport/sshtransport.h"

#include <QWidget>
#include <mutex>

namespace gwb {

// What the workers share with the UI side. A worker posts only through post(), under the mutex, and only
// while `owner` is set: CheckPrompts clears it when it goes away, so a late question or login notice from a
// worker never reaches a deleted object.
struct CheckPrompts::Relay
{
    std::mutex mutex;
    CheckPrompts *owner = nullptr;

    void post(std::function<void(CheckPrompts *)> f)
    {
        const std::lock_guard lock(mutex);
        if (!owner)
            return;
        QMetaObject::invokeMethod(
            owner, [o = owner, f = std::move(f)] { f(o); }, Qt::QueuedConnection);
    }
};

namespace {

// The SSH transport of one run of checks, which says once when it has logged in: only then is a password
// the user asked to remember worth storing.
class PromptedSshTransport final : public Transport
{
public:
    PromptedSshTransport(std::unique_ptr<SshTransport> ssh, std::function<void()> onLogin)
        : m_ssh(std::move(ssh)), m_onLogin(std::move(onLogin))
    {
    }

    Result<CommandOutput> run(const RemoteCommand &command, std::chrono::milliseconds timeout,
                              const CancelToken &cancel) override
    {
        m_ssh->setIdleTimeout(idleTimeout());
        auto out = m_ssh->run(command, timeout, cancel);
        noticeLogin();
        return out;
    }
    Result<StreamEnd> stream(const RemoteCommand &command, const ChunkSink &onChunk, const ProgressSink &onProgress,
                             const CancelToken &cancel) override
    {
        m_ssh->setIdleTimeout(idleTimeout());
        auto out = m_ssh->stream(command, onChunk, onProgress, cancel);
        noticeLogin();
        return out;
    }
    QString describe() const override { return m_ssh->describe(); }

private:
    void noticeLogin()
    {
        if (m_told || !m_ssh->isConnected())
            return;
        m_told = true;
        m_onLogin();
    }

    std::unique_ptr<SshTransport> m_ssh;
    std::function<void()> m_onLogin;
    bool m_told = false;
};

} // namespace

CheckPrompts::CheckPrompts(QWidget *window, SecretStore *secrets, QObject *parent)
    : QObject(parent), m_relay(std::make_shared<Relay>())
{
    m_relay->owner = this;
    // The broker lives as long as this object (and any worker still holding it); its questions reach the
    // presenter on the UI thread, and the presenter's answers go straight back into it.
    m_broker = std::make_shared<PromptBroker>([relay = m_relay](const Prompt &p) {
        relay->post([p](CheckPrompts *self) { self->m_presenter->present(p); });
    });
    m_presenter = new PromptPresenter(
        [broker = m_broker](quint64 id, PromptAnswer answer) { broker->answer(id, std::move(answer)); },
        [this] { return m_remember; }, window, secrets, this);
}

CheckPrompts::~CheckPrompts()
{
    {
        const std::lock_guard lock(m_relay->mutex);
        m_relay->owner = nullptr;
    }
    m_broker->shutdown(); // a worker still waiting for an answer gets none, at once
}

std::unique_ptr<Transport> CheckPrompts::sshTransport(const SshOptions &options, const CancelToken &cancel)
{
    // Runs inside libssh on the run's worker thread and blocks there until the UI answers or the run is
    // cancelled.
    auto askCredential = [broker = m_broker, cancel](const CredentialRequest &request) -> std::optional<QByteArray> {
        Prompt p;
        p.kind = Prompt::Kind::Credential;
        p.credential = request;
        auto answer = broker->ask(p, cancel);
        if (!answer)
            return std::nullopt;
        return std::move(answer->secret);
    };
    auto ssh = std::make_unique<SshTransport>(options, HostKeyPolicy::refuseUnknown(), std::move(askCredential));
    return std::make_unique<PromptedSshTransport>(std::move(ssh), [relay = m_relay] {
        relay->post([](CheckPrompts *self) { self->loggedIn(); });
    });
}

void CheckPrompts::loggedIn()
{
    // Stores what the user asked to remember. Nothing else is waiting: this connection asks no more.
    m_presenter->collectionSucceeded();
}

void CheckPrompts::runEnded()
{
    m_presenter->collectionEnded();
}

} // namespace gwb
