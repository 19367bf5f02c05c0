#pragma once

#include "common/strongtypes.h"
#include "transport/sshoptions.h"

#include <QDialog>
#include <QList>
#include <chrono>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTreeWidget;

namespace gwb {

// One plain `Host` alias of an OpenSSH client config with what the config says about it (the first value
// obtained wins, as in ssh; `Host *` blocks fill what the alias's own block leaves open).
struct SshConfigHost
{
    QString alias;
    QString hostName;
    QString user;
    quint16 port = 0;
    QString identityFile;
};

// The aliases of `path` and the files it includes; patterns (*, ?, !) are not hosts one can pick.
QList<SshConfigHost> readSshConfigHosts(const QString &path);
QString defaultSshConfigPath(); // ~/.ssh/config

// A server the user connected to, kept in QSettings ("connect/targets") to pick again. Never a secret.
struct SavedTarget
{
    QString host; // name, address or ssh-config alias
    QString user;
    quint16 port = 0;
    QString identityFile;
    QString knownHostsFile;
    QString nginxConf; // the -c of the nginx to read when several run
    bool sudo = false;
    bool rememberPassword = false;

    QString spec() const; // "[user@]host[:port]"
    SshOptions sshOptions(const QString &sshConfigPath) const;

    static QList<SavedTarget> loadAll();
    static void remember(const SavedTarget &target); // replaces the entry with the same spec
    static void forget(const QString &spec);
};

// The part of the logs to pull, as the nginx host's wall clock.
struct WindowChoice
{
    enum class Preset : std::uint8_t
    {
        Last15Minutes,
        LastHour,
        Last2Hours,
        Last24Hours,
        Custom
    };
    Preset preset = Preset::Last2Hours;
    TimeMs since = kNoTime; // Custom only
    TimeMs until = kNoTime;

    std::chrono::milliseconds span() const; // presets: how far back from the host's clock
    QString label() const;
};

struct ConnectRequest
{
    QList<SavedTarget> targets; // one per host named; collected side by side
    WindowChoice window;
    QString sshConfigPath; // empty: libssh's defaults (~/.ssh/config, /etc/ssh/ssh_config)
};

// Picks the servers to collect from: the hosts of ~/.ssh/config and the saved targets, or typed in; how to
// log in (user, port, key, known_hosts), whether `sudo -n` may be used, and the time window.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
public:
    // `sshConfigPath` empty: ~/.ssh/config (tests give their own file).
    explicit ConnectDialog(QWidget *parent = nullptr, const QString &sshConfigPath = {});

    ConnectRequest request() const;
    void setTarget(const SavedTarget &target);
    // Without a desktop keychain the password cannot be remembered safely; the box says why.
    void setKeychainAvailable(bool available, const QString &why);

    QTreeWidget *hostList() const { return m_hosts; }
    QLineEdit *hostEdit() const { return m_host; }
    QCheckBox *rememberPasswordBox() const { return m_remember; }
    QComboBox *windowBox() const { return m_window; }

    void accept() override;

private:
    void fillHosts();
    void useSelectedHosts();

    QString m_sshConfigPath;
    QList<SshConfigHost> m_configHosts;
    QList<SavedTarget> m_saved;
    QTreeWidget *m_hosts = nullptr;
    QLineEdit *m_host = nullptr;
    QLineEdit *m_user = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_identity = nullptr;
    QLineEdit *m_knownHosts = nullptr;
    QLineEdit *m_nginxConf = nullptr;
    QCheckBox *m_sudo = nullptr;
    QComboBox *m_window = nullptr;
    QDateTimeEdit *m_since = nullptr;
    QDateTimeEdit *m_until = nullptr;
    QCheckBox *m_remember = nullptr;
    QCheckBox *m_keep = nullptr;
    QLabel *m_problem = nullptr;
};

} // namespace gwb
