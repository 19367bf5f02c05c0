#pragma once

#include "transport/promptbroker.h"

#include <QDialog>
#include <QList>
#include <QPointer>
#include <functional>
#include <map>

class QCheckBox;
class QLineEdit;
class QPushButton;

namespace gwb {

class CollectRunner;
class SecretStore;

// The host-key question and warning. An unknown key shows its type and SHA256 fingerprint with Trust and
// Reject (Reject is the default). A changed key, or a key of another type than the one recorded, is a
// refusal: the warning and how to fix it after checking with the server's administrator, and only Close —
// there is deliberately no way to connect from here.
class HostKeyDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit HostKeyDialog(const HostKeyInfo &key, QWidget *parent = nullptr);
    // A refusal known only from the connection's error message (HostKeyPolicy words it with the key type,
    // fingerprint and the ssh-keygen -R line).
    static HostKeyDialog *refusal(const QString &message, QWidget *parent = nullptr);

    bool isRefusal() const { return m_refusal; }
    QPushButton *trustButton() const { return m_trust; } // null for refusals
    QPushButton *rejectButton() const { return m_reject; }

private:
    HostKeyDialog(QWidget *parent, bool refusal);
    void build(const QString &heading, const QString &body, const HostKeyInfo *key);

    bool m_refusal = false;
    QPushButton *m_trust = nullptr;
    QPushButton *m_reject = nullptr;
};

// A passphrase, password or keyboard-interactive answer. The typed text is cleared when the dialog closes.
class CredentialDialog final : public QDialog
{
    Q_OBJECT
public:
    CredentialDialog(const CredentialRequest &request, bool canRemember, bool rememberChecked,
                     const QString &whyNotRemember, QWidget *parent = nullptr);
    QByteArray secret() const;
    bool remember() const;
    QLineEdit *field() const { return m_field; }

protected:
    void done(int result) override;

private:
    QLineEdit *m_field = nullptr;
    QCheckBox *m_remember = nullptr;
};

// Whether a credential request asks for the account's password (which the keychain may hold), as opposed to
// a key passphrase or another keyboard-interactive question (one-time codes are never remembered).
bool isPasswordRequest(const CredentialRequest &request);

// Answers a CollectRunner's prompts (or any other PromptBroker's: the guided checks have their own) with the
// dialogs above, one at a time, window-modal and never blocking the event loop. A password the user asked to
// remember is tried from the desktop keychain first (once per account and collection), and written there
// only after the collection logged in with it.
class PromptPresenter final : public QObject
{
    Q_OBJECT
public:
    // Where answers go, and whether the user asked for passwords to be remembered (read at each prompt).
    using Answer = std::function<void(quint64 promptId, PromptAnswer answer)>;
    using RememberWanted = std::function<bool()>;

    PromptPresenter(CollectRunner *runner, QWidget *window, SecretStore *secrets, QObject *parent = nullptr);
    // Prompts arrive through present().
    PromptPresenter(Answer answer, RememberWanted rememberWanted, QWidget *window, SecretStore *secrets,
                    QObject *parent = nullptr);
    ~PromptPresenter() override;

    void present(const Prompt &prompt);

    // The collection ended: store the passwords that worked (when asked to), forget the rest, close dialogs.
    void collectionSucceeded();
    void collectionEnded();
    void showRefusal(const QString &message);

    QDialog *currentDialog() const { return m_dialog; }

signals:
    void dialogShown(QDialog *dialog);
    void keychainProblem(const QString &message);

private:
    void showNext();
    void answered(quint64 id, PromptAnswer answer);
    void askCredential(const Prompt &prompt);

    Answer m_answer;
    RememberWanted m_rememberWanted;
    QWidget *m_window;
    SecretStore *m_secrets;
    QList<Prompt> m_queue;
    QPointer<QDialog> m_dialog;
    bool m_busy = false;                   // a dialog is up or the keychain is being read
    quint64 m_epoch = 0;                   // one per collection: late keychain answers are dropped
    std::map<QString, bool> m_triedStored; // account → the keychain's password was offered this collection
    std::map<QString, QByteArray> m_toRemember;
};

} // namespace gwb
