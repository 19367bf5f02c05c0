#include "transport/sshsession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <cerrno>
#include <libssh/callbacks.h>
#include <poll.h>

namespace gwb::ssh {

namespace {

QByteArray encodePath(const QString &path)
{
    if (path.startsWith(QLatin1String("~/")))
        return QFile::encodeName(QDir::homePath() + path.mid(1));
    return QFile::encodeName(path);
}

QString optionText(ssh_session s, ssh_options_e option)
{
    char *raw = nullptr;
    if (ssh_options_get(s, option, &raw) != SSH_OK || raw == nullptr)
        return {};
    const CharPtr owned(raw);
    return QString::fromUtf8(owned.get());
}

Result<void> setOption(ssh_session s, ssh_options_e option, const void *value, const char *what)
{
    if (ssh_options_set(s, option, value) == SSH_OK)
        return {};
    return Error{Error::Kind::Usage,
                 QStringLiteral("invalid SSH option %1: %2").arg(QLatin1String(what), lastError(s))};
}

// Options in the order OpenSSH applies them: the host (maybe an alias), then the ssh config, then what the
// caller set explicitly, which wins.
Result<void> applyOptions(ssh_session s, const SshOptions &o)
{
    const int verbosity = SSH_LOG_NOLOG; // errors reach the user through our messages, not libssh's stderr
    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    if (o.host.isEmpty())
        return Error{Error::Kind::Usage, QStringLiteral("no SSH host was given")};
    const QByteArray host = o.host.toUtf8();
    if (auto r = setOption(s, SSH_OPTIONS_HOST, host.constData(), "host"); !r)
        return r;
    if (o.readSshConfig) {
        const QByteArray config = encodePath(o.sshConfigPath);
        if (ssh_options_parse_config(s, o.sshConfigPath.isEmpty() ? nullptr : config.constData()) != SSH_OK)
            return Error{
                Error::Kind::Usage,
                QStringLiteral(
                    "cannot use the ssh config %1: %2; fix the file or turn ssh config reading off")
                    .arg(o.sshConfigPath.isEmpty() ? QStringLiteral("~/.ssh/config") : o.sshConfigPath,
                         lastError(s))};
    } else {
        const bool no = false;
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
    }
    if (o.port != 0) {
        const unsigned int port = o.port;
        if (auto r = setOption(s, SSH_OPTIONS_PORT, &port, "port"); !r)
            return r;
    }
    if (!o.user.isEmpty()) {
        const QByteArray user = o.user.toUtf8();
        if (auto r = setOption(s, SSH_OPTIONS_USER, user.constData(), "user"); !r)
            return r;
    }
    if (!o.knownHostsPath.isEmpty()) {
        const QByteArray knownHosts = encodePath(o.knownHostsPath);
        if (auto r = setOption(s, SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData(), "known_hosts"); !r)
            return r;
    }
    const long seconds = std::max<long>(1, static_cast<long>((o.connectTimeout.count() + 999) / 1000));
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &seconds); // also bounds blocking auth and channel requests
    ssh_options_set(s, SSH_OPTIONS_COMPRESSION, o.compression ? "yes" : "no");
    const int noDelay = 1; // small commands are latency-bound
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &noDelay);
    return {};
}

Endpoint resolveEndpoint(ssh_session s, const SshOptions &o)
{
    Endpoint e;
    e.host = optionText(s, SSH_OPTIONS_HOST);
    if (e.host.isEmpty())
        e.host = o.host;
    unsigned int port = 0;
    e.port = ssh_options_get_port(s, &port) == SSH_OK && port > 0 && port < 65536 ? static_cast<quint16>(port)
                                                                                  : 22;
    e.user = optionText(s, SSH_OPTIONS_USER);
    if (e.user.isEmpty())
        e.user = o.user.isEmpty() ? qEnvironmentVariable("USER") : o.user;
    e.knownHostsPath = optionText(s, SSH_OPTIONS_KNOWNHOSTS);
    if (e.knownHostsPath.isEmpty())
        e.knownHostsPath = o.knownHostsPath.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh/known_hosts")
                                                      : o.knownHostsPath;
    return e;
}

// ssh_connect in non-blocking mode, polled in short slices, so that cancel works during the TCP connect
// and the key exchange, and the deadline is ours rather than a libssh default.
Result<void> connectWithDeadline(ssh_session s, const ConnectContext &ctx, const Endpoint &e)
{
    QElapsedTimer elapsed;
    elapsed.start();
    ssh_set_blocking(s, 0);
    int rc = SSH_AGAIN;
    while ((rc = ssh_connect(s)) == SSH_AGAIN) {
        if (ctx.cancel.isCancelled())
            return Error{Error::Kind::Cancelled,
                         QStringLiteral("connecting to %1 was cancelled").arg(e.describe())};
        if (elapsed.elapsed() > ctx.options.connectTimeout.count())
            return Error{
                Error::Kind::Network,
                QStringLiteral(
                    "connecting to %1 timed out after %2 s (no SSH answer); check the host name, the "
                    "port and any firewall in between")
                    .arg(e.describe())
                    .arg(ctx.options.connectTimeout.count() / 1000.0)};
        const socket_t fd = ssh_get_fd(s);
        if (fd == SSH_INVALID_SOCKET) {
            QThread::msleep(10);
            continue;
        }
        // Every step of the handshake waits for the server to say something; the short cap covers the
        // moments where libssh itself has to move (TCP connect completing) without busy-looping.
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, 20);
    }
    ssh_set_blocking(s, 1);
    if (rc == SSH_OK)
        return {};
    const QString why = lastError(s);
    QString hint = QStringLiteral("check that sshd runs there and the port is right");
    if (why.contains(QLatin1String("refused"), Qt::CaseInsensitive))
        hint = QStringLiteral("nothing listens on that port: check the port and that sshd runs on the host");
    else if (why.contains(QLatin1String("resolve"), Qt::CaseInsensitive) ||
             why.contains(QLatin1String("Name or service")))
        hint =
            QStringLiteral("the host name does not resolve: check the spelling or the ssh config's HostName");
    return Error{Error::Kind::Network,
                 QStringLiteral("cannot connect to %1: %2; %3").arg(e.describe(), why, hint)};
}

Result<void> verifyHostKey(ssh_session s, const ConnectContext &ctx, const Endpoint &e)
{
    ssh_key rawKey = nullptr;
    if (ssh_get_server_publickey(s, &rawKey) != SSH_OK)
        return Error{Error::Kind::HostKey,
                     QStringLiteral("%1 did not present a host key: %2").arg(e.describe(), lastError(s))};
    const KeyPtr key(rawKey);
    unsigned char *rawHash = nullptr;
    size_t hashLength = 0;
    if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &rawHash, &hashLength) != SSH_OK)
        return Error{Error::Kind::HostKey,
                     QStringLiteral("cannot fingerprint the host key of %1").arg(e.describe())};
    const HashPtr hash(rawHash);
    const CharPtr fingerprint(ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), hashLength));

    HostKeyInfo info;
    info.host = e.knownHostsName();
    info.keyType = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(key.get())));
    info.fingerprint = fingerprint ? QString::fromLatin1(fingerprint.get()) : QString();
    info.knownHostsPath = e.knownHostsPath;
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        info.status = HostKeyInfo::Status::Known;
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
        info.status = HostKeyInfo::Status::Changed;
        break;
    case SSH_KNOWN_HOSTS_OTHER:
        info.status = HostKeyInfo::Status::OtherType;
        break;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        info.status = HostKeyInfo::Status::Unknown;
        break;
    case SSH_KNOWN_HOSTS_ERROR:
        return Error{Error::Kind::HostKey,
                     QStringLiteral("cannot check the host key of %1 against %2: %3; fix or move that file")
                         .arg(e.describe(), e.knownHostsPath, lastError(s))};
    }
    const auto verdict = ctx.hostKeys.decide(info);
    if (!verdict)
        return verdict.error();
    if (*verdict == HostKeyPolicy::Verdict::TrustAndRecord && ssh_session_update_known_hosts(s) != SSH_OK)
        return Error{Error::Kind::Io,
                     QStringLiteral("the host key of %1 was accepted but could not be recorded in %2: "
                                    "%3; check that the file and its directory are writable")
                         .arg(e.describe(), e.knownHostsPath, lastError(s))};
    return {};
}

} // namespace

QString lastError(ssh_session session)
{
    const char *text = ssh_get_error(session);
    return text && *text ? QString::fromUtf8(text) : QStringLiteral("unknown libssh error");
}

Result<std::unique_ptr<Session>> openSession(const ConnectContext &ctx)
{
    auto session = std::make_unique<Session>();
    session->handle.reset(ssh_new());
    if (!session->handle)
        return Error{Error::Kind::Internal, QStringLiteral("libssh could not allocate a session")};
    ssh_session s = session->handle.get();
    if (auto r = applyOptions(s, ctx.options); !r)
        return r.error();
    session->endpoint = resolveEndpoint(s, ctx.options);
    if (auto r = connectWithDeadline(s, ctx, session->endpoint); !r)
        return r.error();
    session->endpoint = resolveEndpoint(s, ctx.options); // the user name is final only once connected
    if (auto r = verifyHostKey(s, ctx, session->endpoint); !r)
        return r.error();
    if (auto r = authenticate(*session, ctx); !r)
        return r.error();
    return session;
}

} // namespace gwb::ssh
