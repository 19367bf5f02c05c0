// Authentication, in OpenSSH's order: ssh-agent, key files, keyboard-interactive, password. Every method
// tried is remembered, so that a failure can say exactly what was attempted.
#include "transport/sshsession.h"

#include <QDir>
#include <QFile>
#include <QStringList>
#include <cstring>
#include <libssh/callbacks.h>

namespace gwb::ssh {

namespace {

// What libssh's passphrase callback needs to reach the user.
struct PassphraseContext
{
    const ConnectContext *connect = nullptr;
    QString target;
    QString keyPath; // empty when libssh picks the key (publickey_auto)
    bool declined = false;
};

// libssh calls this when a private key is encrypted; buf receives the NUL-terminated passphrase.
int askPassphrase(const char *prompt, char *buf, size_t len, int echo, int verify, void *userdata)
{
    (void)echo;
    (void)verify;
    auto *pc = static_cast<PassphraseContext *>(userdata);
    if (pc == nullptr || pc->connect == nullptr || !pc->connect->credentials ||
        pc->connect->cancel.isCancelled())
        return -1;
    CredentialRequest request;
    request.kind = CredentialRequest::Kind::KeyPassphrase;
    request.target = pc->target;
    request.prompt = pc->keyPath.isEmpty() ? QString::fromUtf8(prompt)
                                           : QStringLiteral("Passphrase for %1").arg(pc->keyPath);
    std::optional<QByteArray> answer = pc->connect->credentials(request);
    if (!answer || static_cast<size_t>(answer->size()) >= len) {
        pc->declined = true;
        return -1;
    }
    std::memcpy(buf, answer->constData(), static_cast<size_t>(answer->size()));
    buf[answer->size()] = '\0';
    answer->fill('\0'); // do not leave the secret in freed memory
    return 0;
}

QString expandHome(const QString &path)
{
    return path.startsWith(QLatin1String("~/")) ? QDir::homePath() + path.mid(1) : path;
}

// One key file: ask the server about the public half first (no passphrase prompt for a key it would
// refuse anyway), then sign with the private half.
int tryKeyFile(ssh_session s, const QString &path, PassphraseContext &pc, QStringList &tried)
{
    const QByteArray file = QFile::encodeName(expandHome(path));
    ssh_key rawPublic = nullptr;
    if (ssh_pki_import_pubkey_file(QByteArray(file + ".pub").constData(), &rawPublic) == SSH_OK) {
        const KeyPtr publicKey(rawPublic);
        const int rc = ssh_userauth_try_publickey(s, nullptr, publicKey.get());
        if (rc == SSH_AUTH_DENIED) {
            tried << QStringLiteral("key %1 (not accepted by the server)").arg(path);
            return rc;
        }
        if (rc != SSH_AUTH_SUCCESS)
            return rc;
    }
    pc.keyPath = path;
    pc.declined = false;
    ssh_key rawPrivate = nullptr;
    const int imported =
        ssh_pki_import_privkey_file(file.constData(), nullptr, askPassphrase, &pc, &rawPrivate);
    if (imported != SSH_OK) {
        tried << (pc.declined ? QStringLiteral("key %1 (no passphrase given)").arg(path)
                  : QFile::exists(expandHome(path))
                      ? QStringLiteral("key %1 (cannot be read or decrypted)").arg(path)
                      : QStringLiteral("key %1 (file not found)").arg(path));
        return SSH_AUTH_DENIED;
    }
    const KeyPtr privateKey(rawPrivate);
    const int rc = ssh_userauth_publickey(s, nullptr, privateKey.get());
    if (rc == SSH_AUTH_DENIED)
        tried << QStringLiteral("key %1 (not accepted by the server)").arg(path);
    return rc;
}

int keyboardInteractive(ssh_session s, const ConnectContext &ctx, const QString &target, QStringList &tried)
{
    int rc = ssh_userauth_kbdint(s, nullptr, nullptr);
    bool declined = false;
    while (rc == SSH_AUTH_INFO && !declined && !ctx.cancel.isCancelled()) {
        const int prompts = ssh_userauth_kbdint_getnprompts(s);
        for (int i = 0; i < prompts; ++i) {
            char echo = 0;
            const char *prompt = ssh_userauth_kbdint_getprompt(s, static_cast<unsigned>(i), &echo);
            CredentialRequest request;
            request.kind = CredentialRequest::Kind::KeyboardInteractive;
            request.target = target;
            request.prompt = QString::fromUtf8(prompt);
            request.instruction = QString::fromUtf8(ssh_userauth_kbdint_getinstruction(s));
            request.echo = echo != 0;
            std::optional<QByteArray> answer = ctx.credentials ? ctx.credentials(request) : std::nullopt;
            if (!answer) {
                declined = true;
                break;
            }
            ssh_userauth_kbdint_setanswer(s, static_cast<unsigned>(i), answer->constData());
            answer->fill('\0');
        }
        if (!declined)
            rc = ssh_userauth_kbdint(s, nullptr, nullptr);
    }
    tried << (declined ? QStringLiteral("keyboard-interactive (no answer given)")
                       : QStringLiteral("keyboard-interactive"));
    return declined ? SSH_AUTH_DENIED : rc;
}

int password(ssh_session s, const ConnectContext &ctx, const QString &target, QStringList &tried)
{
    CredentialRequest request;
    request.kind = CredentialRequest::Kind::Password;
    request.target = target;
    request.prompt = QStringLiteral("Password for %1").arg(target);
    std::optional<QByteArray> answer = ctx.credentials ? ctx.credentials(request) : std::nullopt;
    if (!answer) {
        tried << QStringLiteral("password (none given)");
        return SSH_AUTH_DENIED;
    }
    const int rc = ssh_userauth_password(s, nullptr, answer->constData());
    answer->fill('\0');
    tried << QStringLiteral("password");
    return rc;
}

QString methodNames(int methods)
{
    QStringList names;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        names << QStringLiteral("publickey");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        names << QStringLiteral("keyboard-interactive");
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        names << QStringLiteral("password");
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC)
        names << QStringLiteral("gssapi-with-mic");
    return names.isEmpty() ? QStringLiteral("none we know") : names.join(QStringLiteral(", "));
}

} // namespace

Result<void> authenticate(Session &session, const ConnectContext &ctx)
{
    ssh_session s = session.handle.get();
    const QString target = session.endpoint.describe();
    const auto failed = [&](int rc) -> std::optional<Error> {
        if (ctx.cancel.isCancelled())
            return Error{Error::Kind::Cancelled,
                         QStringLiteral("logging in to %1 was cancelled").arg(target)};
        if (rc == SSH_AUTH_ERROR)
            return Error{
                Error::Kind::Network,
                QStringLiteral("the connection to %1 failed during login: %2").arg(target, lastError(s))};
        return std::nullopt;
    };

    int rc = ssh_userauth_none(s, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return {};
    if (auto e = failed(rc))
        return *e;
    const int methods = ssh_userauth_list(s, nullptr);
    QStringList tried;

    // The passphrase callback lives as long as the session, because libssh keeps a pointer to it.
    PassphraseContext passphrase{&ctx, target, {}, false};
    session.callbacks = std::make_unique<ssh_callbacks_struct>();
    std::memset(session.callbacks.get(), 0, sizeof(ssh_callbacks_struct));
    session.callbacks->userdata = &passphrase;
    session.callbacks->auth_function = askPassphrase;
    ssh_callbacks_init(session.callbacks.get());
    ssh_set_callbacks(s, session.callbacks.get());
    struct Unhook // the context above dies with this function: never leave libssh pointing at it
    {
        ssh_callbacks_struct *cb;
        ~Unhook()
        {
            cb->auth_function = nullptr;
            cb->userdata = nullptr;
        }
    } unhook{session.callbacks.get()};

    if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
        if (ctx.options.useAgent && !qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK")) {
            rc = ssh_userauth_agent(s, nullptr);
            tried << QStringLiteral("ssh-agent");
            if (rc == SSH_AUTH_SUCCESS)
                return {};
            if (auto e = failed(rc))
                return *e;
        }
        if (!ctx.options.identityFiles.isEmpty()) {
            for (const QString &file : ctx.options.identityFiles) {
                rc = tryKeyFile(s, file, passphrase, tried);
                if (rc == SSH_AUTH_SUCCESS)
                    return {};
                if (auto e = failed(rc))
                    return *e;
            }
        } else {
            // The keys named by IdentityFile in the ssh config, then ~/.ssh/id_{ed25519,ecdsa,rsa}.
            passphrase.keyPath.clear();
            rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
            tried << QStringLiteral("the ssh config's IdentityFile and ~/.ssh/id_* keys");
            if (rc == SSH_AUTH_SUCCESS)
                return {};
            if (auto e = failed(rc))
                return *e;
        }
    }
    if (ctx.options.allowPassword && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
        rc = keyboardInteractive(s, ctx, target, tried);
        if (rc == SSH_AUTH_SUCCESS)
            return {};
        if (auto e = failed(rc))
            return *e;
    }
    if (ctx.options.allowPassword && (methods & SSH_AUTH_METHOD_PASSWORD)) {
        rc = password(s, ctx, target, tried);
        if (rc == SSH_AUTH_SUCCESS)
            return {};
        if (auto e = failed(rc))
            return *e;
    }
    if (rc == SSH_AUTH_PARTIAL)
        tried << QStringLiteral("(partial success: the server wants a further method we cannot offer)");
    return Error{Error::Kind::Permission,
                 QStringLiteral(
                     "authentication as %1 failed; tried: %2. The server accepts: %3. Put your public key in "
                     "~%4/.ssh/authorized_keys on the host, load it into ssh-agent, or name it with "
                     "IdentityFile / --identity")
                     .arg(target,
                          tried.isEmpty() ? QStringLiteral("nothing") : tried.join(QStringLiteral(", ")),
                          methodNames(methods), session.endpoint.user)};
}

} // namespace gwb::ssh
