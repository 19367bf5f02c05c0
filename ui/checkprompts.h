#pragma once

#include "transport/promptbroker.h"
#include "transport/sshoptions.h"
#include "transport/transport.h"

#include <QObject>
#include <memory>

class QWidget;

namespace gwb {

class PromptPresenter;
class SecretStore;

// Lets the guided checks' SSH connections ask the person for a key passphrase or a password the same way a
// collection does: the worker thread waits in a PromptBroker, the question is shown as a dialog on the UI
// thread by a PromptPresenter, and, when the user asked passwords to be remembered, the keychain's password
// is tried first. A password typed here with "remember" ticked is stored once the check logged in with it.
// Host keys are not asked about: the collection before has verified (or recorded) this host's key, so
// anything else is refused.
class CheckPrompts final : public QObject
{
    Q_OBJECT
public:
    CheckPrompts(QWidget *window, SecretStore *secrets, QObject *parent = nullptr);
    ~CheckPrompts() override;

    // Called on the UI thread when a run of checks starts; the transport is then used on the run's worker.
    // `cancel` is the run's token: cancelling the run (or closing the page) stops a wait for an answer.
    [[nodiscard]] std::unique_ptr<Transport> sshTransport(const SshOptions &options, const CancelToken &cancel);

    // Whether the keychain may be asked first (the collection's "remember password" choice).
    void setRememberPasswords(bool remember) { m_remember = remember; }
    // A run ended: a dialog still open is closed and secrets that were not stored are forgotten.
    void runEnded();

    PromptPresenter *presenter() const { return m_presenter; }

    struct Relay;

private:
    void loggedIn();

    PromptPresenter *m_presenter = nullptr;
    std::shared_ptr<Relay> m_relay;
    std::shared_ptr<PromptBroker> m_broker;
    bool m_remember = false;
};

} // namespace gwb
