#include "phpfpmpool.h"

#include <QDir>
#include <QHostAddress>
#include <QRegularExpression>

namespace gwb::phpfpm {

namespace {

// A value as php's ini reader sees it: quoted text is taken as is, otherwise ';' starts a comment.
QString iniValue(QStringView raw)
{
    const QStringView v = raw.trimmed();
    if (!v.isEmpty() && (v.front() == QLatin1Char('"') || v.front() == QLatin1Char('\''))) {
        const qsizetype end = v.indexOf(v.front(), 1);
        if (end > 0)
            return v.mid(1, end - 1).toString();
        return v.mid(1).toString(); // an unterminated quote: keep what there is
    }
    const qsizetype comment = v.indexOf(QLatin1Char(';'));
    return (comment >= 0 ? v.left(comment) : v).trimmed().toString();
}

QString normalisedSocketPath(const QString &path)
{
    QString clean = QDir::cleanPath(path);
    if (clean.startsWith(QLatin1StringView("/var/run/")))
        clean.remove(0, 4); // /var/run is a symlink to /run
    return clean;
}

bool isLocalhostName(const QString &host)
{
    return host.compare(QLatin1StringView("localhost"), Qt::CaseInsensitive) == 0;
}

bool sameHost(const QString &a, const QString &b)
{
    if (a.compare(b, Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress aa, bb;
    const bool aIp = aa.setAddress(a), bIp = bb.setAddress(b);
    if (aIp && bIp)
        return aa.isEqual(bb, QHostAddress::ConvertV4MappedToIPv4); // ::1 and 127.0.0.1 are different sockets
    // "localhost" resolves to the loopback addresses on any sane host.
    if (isLocalhostName(a) && bIp)
        return bb.isLoopback();
    if (isLocalhostName(b) && aIp)
        return aa.isLoopback();
    return false;
}

bool isIpv6Literal(const QString &host)
{
    QHostAddress a;
    return a.setAddress(host) && a.protocol() == QAbstractSocket::IPv6Protocol;
}

// "host:port", "[v6]:port" → host and port; false when there is no valid port.
bool splitHostPort(const QString &text, QString &host, int &port)
{
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QStringLiteral("]:"));
        if (close < 0)
            return false;
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return false;
        host = text.left(colon);
        portText = text.mid(colon + 1);
    }
    bool ok = false;
    port = portText.toInt(&ok);
    return ok && port > 0 && port < 65536;
}

bool allDigits(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]+$"));
    return re.match(s).hasMatch();
}

} // namespace

QString Pool::value(const QString &key) const
{
    const auto it = settings.find(key);
    return it == settings.end() ? QString() : it->second.value;
}

QString Pool::where(const QString &key) const
{
    const auto it = settings.find(key);
    if (it == settings.end())
        return QStringLiteral("%1:%2").arg(file).arg(line);
    return QStringLiteral("%1:%2").arg(it->second.file).arg(it->second.line);
}

std::vector<Pool> parsePoolFile(QByteArrayView text, const QString &file)
{
    std::vector<Pool> pools;
    Pool *current = nullptr; // null before the first section and inside [global]
    const QString all = QString::fromUtf8(text);
    int lineNo = 0;
    for (QStringView line : QStringTokenizer(all, QLatin1Char('\n'))) {
        ++lineNo;
        line = line.trimmed();
        if (line.isEmpty() || line.front() == QLatin1Char(';') || line.front() == QLatin1Char('#'))
            continue;
        if (line.front() == QLatin1Char('[')) {
            const qsizetype close = line.indexOf(QLatin1Char(']'));
            const QString name = line.mid(1, close < 0 ? -1 : close - 1).trimmed().toString();
            if (name.isEmpty() || name.compare(QLatin1StringView("global"), Qt::CaseInsensitive) == 0) {
                current = nullptr;
                continue;
            }
            pools.push_back(Pool{name, file, lineNo, {}});
            current = &pools.back();
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (!current || eq <= 0)
            continue;
        const QString key = line.left(eq).trimmed().toString();
        QString value = iniValue(line.mid(eq + 1));
        value.replace(QLatin1StringView("$pool"), current->name); // php-fpm expands $pool in every value
        current->settings[key] = PoolSetting{value, file, lineNo};
    }
    return pools;
}

std::vector<Pool> mergePools(const std::vector<Pool> &pools)
{
    // Pools of the same name in different directories belong to different php-fpm instances
    // (/etc/php/8.1/fpm and /etc/php/8.2/fpm both have [www]): those stay apart.
    const auto dirOf = [](const QString &file) { return file.section(QLatin1Char('/'), 0, -2); };
    std::vector<Pool> out;
    for (const Pool &p : pools) {
        auto it = std::find_if(out.begin(), out.end(), [&](const Pool &o) {
            return o.name == p.name && dirOf(o.file) == dirOf(p.file);
        });
        if (it == out.end()) {
            out.push_back(p);
            continue;
        }
        for (const auto &[key, setting] : p.settings)
            it->settings[key] = setting;
    }
    return out;
}

QString Endpoint::display() const
{
    switch (kind) {
    case Kind::Unix:
        return path;
    case Kind::Tcp:
        if (host.isEmpty())
            return QStringLiteral("port %1 (all addresses)").arg(port);
        return host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]:%2").arg(host).arg(port)
                                               : QStringLiteral("%1:%2").arg(host).arg(port);
    case Kind::Invalid:
        break;
    }
    return QStringLiteral("(invalid)");
}

Endpoint parseListen(const QString &listen)
{
    Endpoint e;
    const QString v = listen.trimmed();
    if (v.isEmpty())
        return e;
    if (allDigits(v)) {
        e.kind = Endpoint::Kind::Tcp;
        e.port = v.toInt();
        if (e.port <= 0 || e.port >= 65536)
            e.kind = Endpoint::Kind::Invalid;
        return e;
    }
    if (!v.startsWith(QLatin1Char('/')) && (v.contains(QLatin1Char(':')))) {
        if (splitHostPort(v, e.host, e.port))
            e.kind = Endpoint::Kind::Tcp;
        return e;
    }
    // Anything else is a socket path (a relative one is relative to php-fpm's prefix; we keep it as written).
    e.kind = Endpoint::Kind::Unix;
    e.path = v.startsWith(QLatin1Char('/')) ? QDir::cleanPath(v) : v;
    return e;
}

Endpoint parseFastcgiPass(const QString &peer)
{
    Endpoint e;
    const QString v = peer.trimmed();
    if (v.startsWith(QLatin1StringView("unix:"))) {
        if (v.size() > 5) {
            e.kind = Endpoint::Kind::Unix;
            e.path = QDir::cleanPath(v.mid(5));
        }
        return e;
    }
    if (allDigits(v)) {
        e.kind = Endpoint::Kind::Tcp;
        e.host = QStringLiteral("localhost");
        e.port = v.toInt();
        return e;
    }
    if (splitHostPort(v, e.host, e.port))
        e.kind = Endpoint::Kind::Tcp;
    else if (!v.isEmpty() && !v.contains(QLatin1Char('/'))) {
        e.kind = Endpoint::Kind::Tcp; // no port: nginx's default
        e.host = v;
        e.port = 80;
    }
    return e;
}

bool listenMatches(const Endpoint &listen, const Endpoint &target)
{
    if (listen.kind == Endpoint::Kind::Invalid || listen.kind != target.kind)
        return false;
    if (listen.kind == Endpoint::Kind::Unix)
        return normalisedSocketPath(listen.path) == normalisedSocketPath(target.path);
    if (listen.port != target.port)
        return false;
    const QString &h = listen.host;
    if (h.isEmpty() || h == QLatin1StringView("::") || h == QLatin1StringView("*"))
        return true;
    if (h == QLatin1StringView("0.0.0.0"))
        return !isIpv6Literal(target.host);
    return sameHost(h, target.host);
}

SocketPermissions configuredPermissions(const Pool &pool, const QString &masterUser)
{
    SocketPermissions p;
    const auto list = [](const QString &v) {
        QStringList out;
        for (const QString &item : v.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!item.trimmed().isEmpty())
                out << item.trimmed();
        return out;
    };
    p.aclUsers = list(pool.value(QStringLiteral("listen.acl_users")));
    p.aclGroups = list(pool.value(QStringLiteral("listen.acl_groups")));
    if (p.aclUsers.isEmpty() && p.aclGroups.isEmpty()) {
        p.owner = pool.value(QStringLiteral("listen.owner"));
        p.group = pool.value(QStringLiteral("listen.group"));
    }
    if (p.owner.isEmpty())
        p.owner = masterUser;
    if (p.group.isEmpty())
        p.group = p.owner; // the owner's group: by convention a group named like the user
    const QString mode = pool.value(QStringLiteral("listen.mode"));
    if (mode.isEmpty()) {
        p.mode = 0660;
    } else {
        bool ok = false;
        const int m = mode.toInt(&ok, 8);
        p.mode = ok && m >= 0 && m <= 07777 ? m : -1;
    }
    return p;
}

QString modeText(int mode)
{
    if (mode < 0)
        return QStringLiteral("unknown");
    return QStringLiteral("%1").arg(mode & 07777, 4, 8, QLatin1Char('0'));
}

AccessJudgement judgeSocketAccess(const SocketPermissions &perms, const QString &user,
                                  const QStringList &groups)
{
    if (user.isEmpty())
        return {Access::Unknown, QStringLiteral("the nginx worker user is not known")};
    if (user == QLatin1StringView("root"))
        return {Access::Allowed, QStringLiteral("the workers run as root, which may connect to any socket")};
    if (perms.aclUsers.contains(user))
        return {Access::Allowed, QStringLiteral("listen.acl_users names %1").arg(user)};
    for (const QString &g : perms.aclGroups)
        if (groups.contains(g))
            return {Access::Allowed,
                    QStringLiteral("%1 is in group %2, named by listen.acl_groups").arg(user, g)};
    if (perms.mode < 0)
        return {Access::Unknown, QStringLiteral("the socket's mode is not known")};
    const QString mode = modeText(perms.mode);
    // The kernel looks at exactly one class: owner if the user owns it, else group if a member, else other.
    if (!perms.owner.isEmpty() && perms.owner == user) {
        if (perms.mode & 0200)
            return {Access::Allowed,
                    QStringLiteral("%1 owns the socket and mode %2 lets the owner write").arg(user, mode)};
        return {
            Access::Denied,
            QStringLiteral("%1 owns the socket but mode %2 does not let the owner write").arg(user, mode)};
    }
    const bool groupKnown = !perms.group.isEmpty();
    const bool member =
        groupKnown && (groups.contains(perms.group) || (groups.isEmpty() && perms.group == user));
    if (member) {
        if (perms.mode & 0020)
            return {Access::Allowed, QStringLiteral("%1 is in group %2 and mode %3 lets the group write")
                                         .arg(user, perms.group, mode)};
        return {Access::Denied, QStringLiteral("%1 is in group %2 but mode %3 does not let the group write")
                                    .arg(user, perms.group, mode)};
    }
    if (perms.mode & 0002)
        return {Access::Allowed, QStringLiteral("mode %1 lets every user write").arg(mode)};
    if (perms.owner.isEmpty() || !groupKnown || (groups.isEmpty() && (perms.mode & 0020)))
        return {Access::Unknown,
                QStringLiteral("mode %1 lets only %2:%3 in, and it is not known whether %4 is "
                               "one of them")
                    .arg(mode, perms.owner, perms.group, user)};
    return {Access::Denied,
            QStringLiteral("%1 is neither the owner (%2) nor in the group (%3), and mode %4 gives "
                           "other users no write permission")
                .arg(user, perms.owner, perms.group, mode)};
}

std::vector<FpmMaster> parseFpmMasters(QByteArrayView psOutput)
{
    // "812 1 root php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)"
    static const QRegularExpression re(QStringLiteral(
        "^\\s*(\\d+)\\s+\\d+\\s+(\\S+)\\s+php-fpm[^:]*: master process(?:\\s+\\((.*)\\))?\\s*$"));
    std::vector<FpmMaster> out;
    const QString text = QString::fromUtf8(psOutput);
    for (QStringView line : QStringTokenizer(text, QLatin1Char('\n'))) {
        const auto m = re.match(line.toString());
        if (m.hasMatch())
            out.push_back(FpmMaster{m.captured(1).toLongLong(), m.captured(2), m.captured(3)});
    }
    return out;
}

MaxChildrenScan scanFpmLog(QByteArrayView log)
{
    MaxChildrenScan scan;
    static const QRegularExpression poolRe(QStringLiteral("\\[pool ([^\\]]+)\\]"));
    const QString text = QString::fromUtf8(log);
    for (QStringView line : QStringTokenizer(text, QLatin1Char('\n'))) {
        if (line.trimmed().isEmpty())
            continue;
        ++scan.lines;
        const bool reached = line.contains(QLatin1StringView("server reached pm.max_children setting")) ||
                             line.contains(QLatin1StringView("server reached max_children setting"));
        const bool busy = !reached && line.contains(QLatin1StringView("seems busy"));
        if (!reached && !busy)
            continue;
        QString stamp;
        if (line.startsWith(QLatin1Char('['))) {
            const qsizetype close = line.indexOf(QLatin1Char(']'));
            if (close > 1)
                stamp = line.mid(1, close - 1).toString();
        }
        const auto m = poolRe.match(line);
        const QString pool = m.hasMatch() ? m.captured(1) : QString();
        auto it = std::find_if(scan.pools.begin(), scan.pools.end(),
                               [&](const PoolPressure &p) { return p.pool == pool; });
        if (it == scan.pools.end()) {
            scan.pools.push_back(PoolPressure{pool, 0, 0, {}});
            it = std::prev(scan.pools.end());
        }
        (reached ? it->reachedMax : it->seemsBusy) += 1;
        (reached ? scan.reachedMax : scan.seemsBusy) += 1;
        if (!stamp.isEmpty()) {
            it->lastTimestamp = stamp;
            scan.lastTimestamp = stamp;
        }
        scan.lastLine = line.trimmed().toString();
    }
    return scan;
}

} // namespace gwb::phpfpm
