#include "hostkeydialog.h"

#include "collectrunner.h"
#include "secretstore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace gwb {

namespace {

QLabel *selectable(const QString &text, QWidget *parent, bool mono = false)
{
    auto *label = new QLabel(text, parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    if (mono)
        label->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return label;
}

QString removeHint(const HostKeyInfo &key)
{
    return QStringLiteral("ssh-keygen -R '%1' -f '%2'").arg(key.host, key.knownHostsPath);
}

} // namespace

HostKeyDialog::HostKeyDialog(QWidget *parent, bool refusal) : QDialog(parent), m_refusal(refusal)
{
    setObjectName(refusal ? QStringLiteral("hostKeyRefusal") : QStringLiteral("hostKeyQuestion"));
}

HostKeyDialog::HostKeyDialog(const HostKeyInfo &key, QWidget *parent)
    : HostKeyDialog(parent, key.status != HostKeyInfo::Status::Unknown)
{
    switch (key.status) {
    case HostKeyInfo::Status::Unknown:
        setWindowTitle(tr("Unknown host key"));
        build(tr("The host key of %1 is not known yet").arg(key.host.toHtmlEscaped()),
              tr("Nothing is recorded for this host in known_hosts. Before you trust it, compare the "
                 "fingerprint below with the one the server's administrator reads on the host:<br>"
                 "<tt>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</tt><br>"
                 "Once trusted, the key is recorded and checked on every later connection."),
              &key);
        return;
    case HostKeyInfo::Status::Changed:
        setWindowTitle(tr("Host key changed — not connecting"));
        build(tr("The host key of %1 has CHANGED").arg(key.host.toHtmlEscaped()),
              tr("The server now presents a different key than the one recorded. Someone may be "
                 "intercepting the connection, or the host was reinstalled. No password or key was offered "
                 "to it.<p>Only after the server's administrator has confirmed the new key, remove the old "
                 "entry and connect again:<br><tt>%1</tt>")
                  .arg(removeHint(key).toHtmlEscaped()),
              &key);
        return;
    case HostKeyInfo::Status::OtherType:
        setWindowTitle(tr("Host key of another type — not connecting"));
        build(tr("%1 presents a key of another type than the one recorded").arg(key.host.toHtmlEscaped()),
              tr("known_hosts records only keys of other types for this host. Someone may be intercepting "
                 "the connection. No password or key was offered to it.<p>Only after the server's "
                 "administrator has confirmed the key, remove the old entry and connect again:<br>"
                 "<tt>%1</tt>")
                  .arg(removeHint(key).toHtmlEscaped()),
              &key);
        return;
    case HostKeyInfo::Status::Known:
        break;
    }
    setWindowTitle(tr("Host key"));
    build(tr("The host key of %1 is known").arg(key.host.toHtmlEscaped()), QString(), &key);
}

HostKeyDialog *HostKeyDialog::refusal(const QString &message, QWidget *parent)
{
    auto *d = new HostKeyDialog(parent, true);
    d->setWindowTitle(tr("Host key does not match — not connecting"));
    d->build(tr("The host key does not match the one recorded"), message.toHtmlEscaped(), nullptr);
    return d;
}

void HostKeyDialog::build(const QString &heading, const QString &body, const HostKeyInfo *key)
{
    auto *icon = new QLabel(this);
    icon->setPixmap(
        style()
            ->standardIcon(m_refusal ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxQuestion)
            .pixmap(48, 48));
    icon->setAlignment(Qt::AlignTop);
    auto *text = new QVBoxLayout;
    auto *title = new QLabel(heading, this);
    title->setTextFormat(Qt::RichText);
    title->setWordWrap(true);
    QFont big = title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    title->setFont(big);
    text->addWidget(title);
    if (!body.isEmpty()) {
        auto *bodyLabel = selectable(body, this);
        bodyLabel->setTextFormat(Qt::RichText);
        text->addWidget(bodyLabel);
    }
    if (key) {
        auto *form = new QFormLayout;
        form->addRow(m_refusal ? tr("Presented key:") : tr("Key type:"),
                     selectable(key->keyType, this, true));
        auto *fingerprint = selectable(key->fingerprint, this, true);
        fingerprint->setObjectName(QStringLiteral("fingerprint"));
        form->addRow(tr("Fingerprint:"), fingerprint);
        form->addRow(m_refusal ? tr("Recorded in:") : tr("Will be recorded in:"),
                     selectable(key->knownHostsPath, this));
        text->addLayout(form);
    }
    text->addStretch(1);
    auto *buttons = new QDialogButtonBox(this);
    if (m_refusal) {
        m_reject = buttons->addButton(QDialogButtonBox::Close);
        m_reject->setDefault(true);
    } else {
        m_trust = buttons->addButton(tr("&Trust and record"), QDialogButtonBox::AcceptRole);
        m_trust->setObjectName(QStringLiteral("trustHostKey"));
        m_trust->setAutoDefault(false);
        m_reject = buttons->addButton(tr("&Reject"), QDialogButtonBox::RejectRole);
        m_reject->setDefault(true); // Enter must never trust a key by accident
    }
    m_reject->setObjectName(QStringLiteral("rejectHostKey"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *row = new QHBoxLayout;
    row->addWidget(icon);
    row->addLayout(text, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

CredentialDialog::CredentialDialog(const CredentialRequest &request, bool canRemember, bool rememberChecked,
                                   const QString &whyNotRemember, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("credentialDialog"));
    QString heading;
    switch (request.kind) {
    case CredentialRequest::Kind::KeyPassphrase:
        setWindowTitle(tr("Key passphrase"));
        heading = tr("Unlock the private key to log in to %1").arg(request.target);
        break;
    case CredentialRequest::Kind::Password:
        setWindowTitle(tr("Password"));
        heading = tr("Log in to %1").arg(request.target);
        break;
    case CredentialRequest::Kind::KeyboardInteractive:
        setWindowTitle(tr("Login question"));
        heading = tr("%1 asks").arg(request.target);
        break;
    }
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(heading.toHtmlEscaped()), this);
    title->setWordWrap(true);
    layout->addWidget(title);
    if (!request.instruction.isEmpty())
        layout->addWidget(selectable(request.instruction, this));
    auto *form = new QFormLayout;
    m_field = new QLineEdit(this);
    m_field->setObjectName(QStringLiteral("secretField"));
    m_field->setEchoMode(request.echo ? QLineEdit::Normal : QLineEdit::Password);
    const QString label = request.kind == CredentialRequest::Kind::Password ? tr("Password:")
                          : request.prompt.isEmpty()                        ? tr("Answer:")
                                                                            : request.prompt.trimmed();
    form->addRow(label, m_field);
    layout->addLayout(form);
    if (isPasswordRequest(request)) {
        m_remember = new QCheckBox(tr("Remember the password in the desktop keychain"), this);
        m_remember->setEnabled(canRemember);
        m_remember->setChecked(canRemember && rememberChecked);
        if (!canRemember)
            m_remember->setToolTip(whyNotRemember);
        layout->addWidget(m_remember);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Log in"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setMinimumWidth(440);
}

QByteArray CredentialDialog::secret() const
{
    return m_field->text().toUtf8();
}

bool CredentialDialog::remember() const
{
    return m_remember && m_remember->isChecked();
}

void CredentialDialog::done(int result)
{
    // Handlers of finished() read the secret first; afterwards nothing of it stays in the widget.
    QDialog::done(result);
    m_field->clear();
}

bool isPasswordRequest(const CredentialRequest &request)
{
    if (request.kind == CredentialRequest::Kind::Password)
        return true;
    return request.kind == CredentialRequest::Kind::KeyboardInteractive && !request.echo &&
           request.prompt.contains(QLatin1StringView("password"), Qt::CaseInsensitive);
}

PromptPresenter::PromptPresenter(CollectRunner *runner, QWidget *window, SecretStore *secrets,
                                 QObject *parent)
    : PromptPresenter([runner](quint64 id, PromptAnswer answer) { runner->answerPrompt(id, std::move(answer)); },
                      [runner] { return runner->lastJob().rememberPasswords; }, window, secrets, parent)
{
    connect(runner, &CollectRunner::promptRequested, this, &PromptPresenter::present);
}

PromptPresenter::PromptPresenter(Answer answer, RememberWanted rememberWanted, QWidget *window,
                                 SecretStore *secrets, QObject *parent)
    : QObject(parent), m_answer(std::move(answer)), m_rememberWanted(std::move(rememberWanted)), m_window(window),
      m_secrets(secrets)
{
}

PromptPresenter::~PromptPresenter()
{
    for (auto &[account, secret] : m_toRemember)
        secret.fill('\0');
}

void PromptPresenter::present(const Prompt &prompt)
{
    m_queue << prompt;
    if (!m_busy)
        showNext();
}

void PromptPresenter::showNext()
{
    if (m_busy || m_queue.isEmpty())
        return;
    const Prompt prompt = m_queue.takeFirst();
    m_busy = true;
    if (prompt.kind == Prompt::Kind::Credential) {
        askCredential(prompt);
        return;
    }
    if (prompt.hostKey.status != HostKeyInfo::Status::Unknown) {
        // The policy refuses these before asking; should one arrive anyway, it is refused here too.
        answered(prompt.id, {});
        auto *warning = new HostKeyDialog(prompt.hostKey, m_window);
        warning->setAttribute(Qt::WA_DeleteOnClose);
        warning->open();
        emit dialogShown(warning);
        return;
    }
    auto *dialog = new HostKeyDialog(prompt.hostKey, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, id = prompt.id](int result) {
        answered(id, {result == QDialog::Accepted, {}});
    });
    m_dialog = dialog;
    dialog->open();
    emit dialogShown(dialog);
}

void PromptPresenter::askCredential(const Prompt &prompt)
{
    const QString account = prompt.credential.target;
    const bool rememberWanted = m_rememberWanted() && SecretStore::isAvailable();
    auto showDialog = [this, prompt, account, rememberWanted] {
        auto *dialog = new CredentialDialog(prompt.credential, SecretStore::isAvailable(), rememberWanted,
                                            SecretStore::unavailableReason(), m_window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::finished, this, [this, dialog, id = prompt.id, account](int result) {
            if (result != QDialog::Accepted) {
                answered(id, {});
                return;
            }
            QByteArray secret = dialog->secret();
            if (dialog->remember())
                m_toRemember[account] = secret;
            answered(id, {true, secret});
            secret.fill('\0');
        });
        m_dialog = dialog;
        dialog->open();
        emit dialogShown(dialog);
    };
    if (!rememberWanted || !isPasswordRequest(prompt.credential) || m_triedStored[account]) {
        showDialog();
        return;
    }
    m_triedStored[account] = true; // offered once: when it fails, the server asks again and the user answers
    m_secrets->read(account, [this, id = prompt.id, showDialog,
                              epoch = m_epoch](std::optional<QByteArray> secret, const QString &problem) {
        if (epoch != m_epoch) { // the collection ended while the keychain was asked
            if (secret)
                secret->fill('\0');
            return;
        }
        if (secret) {
            answered(id, {true, *secret});
            secret->fill('\0');
            return;
        }
        if (!problem.isEmpty())
            emit keychainProblem(problem);
        showDialog();
    });
}

void PromptPresenter::answered(quint64 id, PromptAnswer answer)
{
    m_answer(id, std::move(answer));
    m_busy = false;
    m_dialog.clear();
    showNext();
}

void PromptPresenter::collectionSucceeded()
{
    for (auto &[account, secret] : m_toRemember) {
        m_secrets->write(account, secret, [this](const QString &problem) {
            if (!problem.isEmpty())
                emit keychainProblem(problem);
        });
        secret.fill('\0');
    }
    m_toRemember.clear();
    collectionEnded();
}

void PromptPresenter::collectionEnded()
{
    m_queue.clear();
    for (auto &[account, secret] : m_toRemember)
        secret.fill('\0');
    m_toRemember.clear();
    m_triedStored.clear();
    ++m_epoch;
    if (m_dialog)
        m_dialog->reject(); // answers a runner that has stopped listening: harmless
    m_busy = false;
}

void PromptPresenter::showRefusal(const QString &message)
{
    auto *dialog = HostKeyDialog::refusal(message, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    emit dialogShown(dialog);
}

} // namespace gwb
