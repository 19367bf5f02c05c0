#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace gwb {

// Where and how to reach one host. Empty fields are filled the way OpenSSH would: from ~/.ssh/config (Host
// aliases, HostName, User, Port, IdentityFile, ProxyJump/ProxyCommand as far as libssh 0.10 supports them),
// then from defaults (local user name, port 22, ~/.ssh/known_hosts, ~/.ssh/id_*). Explicit fields win.
struct SshOptions
{
    QString host;              // a name, an address, or a Host alias from the ssh config
    quint16 port = 0;          // 0: from the ssh config, else 22
    QString user;              // empty: from the ssh config, else the local user
    QStringList identityFiles; // when set, only these keys (and the agent) are offered
    QString knownHostsPath;    // empty: ~/.ssh/known_hosts (or UserKnownHostsFile from the config)
    QString sshConfigPath;     // empty: ~/.ssh/config, then /etc/ssh/ssh_config; set: that file only
    bool readSshConfig = true;
    bool useAgent = true;      // ssh-agent first, when SSH_AUTH_SOCK is set
    bool allowPassword = true; // keyboard-interactive and password, through the credential prompt
    bool compression = false;  // worth it on slow links for text logs; costs CPU on fast ones
    std::chrono::milliseconds connectTimeout{std::chrono::seconds(15)};
    std::chrono::milliseconds keepaliveInterval{std::chrono::seconds(15)}; // while waiting for output
};

// A secret the connection needs from the person at the keyboard.
struct CredentialRequest
{
    enum class Kind : std::uint8_t
    {
        KeyPassphrase,
        Password,
        KeyboardInteractive
    };
    Kind kind = Kind::Password;
    QString target;      // "deploy@web1:22"
    QString prompt;      // "Passphrase for /home/me/.ssh/id_ed25519", or the server's own prompt
    QString instruction; // keyboard-interactive: the server's instruction text, if any
    bool echo = false;   // keyboard-interactive: the answer may be shown while typed
};

// Returns the secret, or nullopt when the user declines (the method is then skipped, not retried).
using CredentialPrompt = std::function<std::optional<QByteArray>(const CredentialRequest &)>;

} // namespace gwb
