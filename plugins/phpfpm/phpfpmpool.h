#pragma once

// The pure half of the php-fpm plugin: reading pool files, matching a pool's `listen` with nginx's
// fastcgi_pass, judging whether the nginx worker user may connect to a pool's socket, and counting the
// "pm.max_children" warnings of php-fpm's log. No host needed: tests feed real file contents.

#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <map>
#include <optional>
#include <vector>

namespace gwb::phpfpm {

struct PoolSetting
{
    QString value; // with $pool already replaced by the pool's name, quotes removed
    QString file;
    int line = 0;
};

// One [name] section of php-fpm's configuration ([global] is not a pool and is left out).
struct Pool
{
    QString name;
    QString file; // where the section header is (the first one, when several files define the pool)
    int line = 0;
    std::map<QString, PoolSetting> settings; // key → the value in force (later lines win)

    QString value(const QString &key) const; // empty when not set
    bool has(const QString &key) const { return settings.count(key) != 0; }
    QString where(const QString &key) const; // "www.conf:34" of the key, else of the section header
};

// The pools of one file. Comments start with ';' (anywhere outside quotes) or '#' (at line start).
std::vector<Pool> parsePoolFile(QByteArrayView text, const QString &file);
// php-fpm reads the pool files of a directory in order, and a later section with the same name adds to (and
// overrides) the earlier one: merges them that way, keeping the first position. Pools from different
// directories (two PHP versions side by side) are never merged.
std::vector<Pool> mergePools(const std::vector<Pool> &pools);

// Where a pool listens, or where nginx sends (fastcgi_pass).
struct Endpoint
{
    enum class Kind
    {
        Invalid,
        Unix,
        Tcp,
    };
    Kind kind = Kind::Invalid;
    QString path; // unix socket
    QString host; // TCP: empty, "0.0.0.0", "::" = every address; brackets of IPv6 removed
    int port = 0;

    QString display() const; // "/run/php/php8.2-fpm.sock", "127.0.0.1:9000", "port 9000 (all addresses)"
};
// A pool's `listen`: "/run/php.sock", "127.0.0.1:9000", "[::1]:9000", "9000" (every address).
Endpoint parseListen(const QString &listen);
// nginx's name of the peer: "unix:/run/php.sock", "127.0.0.1:9000", "localhost:9000"; a bare port is the
// local host.
Endpoint parseFastcgiPass(const QString &peer);
// Whether a pool listening on `listen` receives what nginx sends to `target`. /run and /var/run are the
// same directory on every current distribution and match each other.
bool listenMatches(const Endpoint &listen, const Endpoint &target);

// Owner, group and mode of a pool's socket, as configured or as found on disk.
struct SocketPermissions
{
    QString owner;         // empty: unknown
    QString group;         // empty: unknown
    int mode = -1;         // permission bits, -1 when unknown
    QStringList aclUsers;  // listen.acl_users (these users may connect, whatever the mode says)
    QStringList aclGroups; // listen.acl_groups
};
// What the pool's settings give the socket, as php-fpm applies them: listen.owner (default: the user the
// master process runs as, root when systemd starts it), listen.group (default: the owner's group, taken to
// be named like the owner), listen.mode (default 0660). listen.acl_users/listen.acl_groups replace owner
// and group: the socket then stays with the master's user.
SocketPermissions configuredPermissions(const Pool &pool, const QString &masterUser = QStringLiteral("root"));

// The php-fpm master processes in `ps -eo pid=,ppid=,user=,args=` output.
struct FpmMaster
{
    qint64 pid = 0;
    QString user;
    QString config; // the configuration file named in the process title, when it is there
};
std::vector<FpmMaster> parseFpmMasters(QByteArrayView psOutput);

enum class Access
{
    Allowed,
    Denied,
    Unknown,
};
struct AccessJudgement
{
    Access access = Access::Unknown;
    QString reason; // the rule that decided, with the names and the mode
};
// Whether `user` (member of `groups`; an empty list means "not known") may connect, which on a unix socket
// needs write permission.
AccessJudgement judgeSocketAccess(const SocketPermissions &perms, const QString &user,
                                  const QStringList &groups);
QString modeText(int mode); // "0660"

// The warnings php-fpm writes when a pool runs out of children.
struct PoolPressure
{
    QString pool;
    int reachedMax = 0; // "server reached pm.max_children setting"
    int seemsBusy = 0;  // "seems busy (you may need to increase ...)"
    QString lastTimestamp;
};
struct MaxChildrenScan
{
    int lines = 0;
    int reachedMax = 0;
    int seemsBusy = 0;
    QString
        lastTimestamp; // of the last warning of either kind, as the log writes it ("12-Mar-2024 10:15:02")
    QString lastLine;  // the last warning itself
    std::vector<PoolPressure> pools; // in order of first appearance
};
MaxChildrenScan scanFpmLog(QByteArrayView log);

} // namespace gwb::phpfpm
