// php-fpm-pool: is there a pool listening where nginx's fastcgi_pass sends, and may the nginx workers
// connect to its socket?

#include "phpfpmchecks.h"
#include "phpfpmpool.h"

namespace gwb::phpfpm {

namespace {

const std::vector<SearchSpot> &poolSpots()
{
    // Debian/Ubuntu, RHEL/Fedora, the official Docker images and FreeBSD-like layouts, Remi's SCL packages.
    static const std::vector<SearchSpot> spots{
        {"/etc/php", "*.conf", 5, QStringLiteral("/fpm/pool.d/")},
        {"/etc/php-fpm.d", "*.conf", 1, {}},
        {"/usr/local/etc/php-fpm.d", "*.conf", 1, {}},
        {"/etc/opt/remi", "*.conf", 5, QStringLiteral("/php-fpm.d/")},
    };
    return spots;
}

Endpoint targetOf(const CheckSubject &s)
{
    if (s.kind == CheckSubject::Kind::UnixSocket)
        return parseFastcgiPass(QStringLiteral("unix:") + s.socketPath);
    if (!s.peer.isEmpty())
        return parseFastcgiPass(s.peer);
    return parseFastcgiPass(QStringLiteral("%1:%2").arg(s.host).arg(s.port));
}

QString listenSummary(const std::vector<Pool> &pools)
{
    QStringList parts;
    for (const Pool &p : pools)
        parts << QStringLiteral("[%1] listen = %2 (%3)")
                     .arg(p.name,
                          p.has(QStringLiteral("listen")) ? p.value(QStringLiteral("listen"))
                                                          : QStringLiteral("(not set)"),
                          p.where(QStringLiteral("listen")));
    return parts.join(QStringLiteral("; "));
}

// What `stat -c '%F|%U|%G|%a|%s'` says about the socket.
struct SocketOnDisk
{
    bool known = false; // stat answered
    bool exists = false;
    bool isSocket = false;
    QString type;
    SocketPermissions perms;
    QString error;
};

SocketOnDisk statSocket(CheckContext &context, CheckResult &r, const QString &path)
{
    SocketOnDisk d;
    auto st = context.run(RemoteCommand::statPath(path.toUtf8()), r, true);
    if (!st) {
        d.error = st.error().message;
        return d;
    }
    if (st->exitCode != 0) {
        const QString err = QString::fromUtf8(st->err).trimmed();
        if (err.contains(QLatin1StringView("No such file"))) {
            d.known = true;
            return d;
        }
        d.error = err.isEmpty() ? QStringLiteral("stat exited with %1").arg(st->exitCode) : err;
        return d;
    }
    const QStringList f = QString::fromUtf8(st->out).trimmed().split(QLatin1Char('|'));
    d.known = f.size() >= 4;
    d.exists = true;
    d.type = f.value(0);
    d.isSocket = d.type == QLatin1StringView("socket");
    d.perms.owner = f.value(1);
    d.perms.group = f.value(2);
    bool ok = false;
    d.perms.mode = f.value(3).toInt(&ok, 8);
    if (!ok)
        d.perms.mode = -1;
    return d;
}

class PoolCheck final : public Check
{
public:
    QString id() const override { return QStringLiteral("php-fpm-pool"); }
    QString title() const override { return QStringLiteral("The php-fpm pool behind fastcgi_pass"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "nginx only knows the address in fastcgi_pass; php-fpm listens where its pool's "
            "`listen` says, with the owner and mode of listen.owner/listen.group/listen.mode. A "
            "PHP upgrade that renames the socket, or a pool file whose socket the nginx user may "
            "not write, gives 502 on every PHP request.");
    }
    GuidedStep step() const override { return GuidedStep::Config; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override { return appliesToSubject(s); }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        const SudoUse sudo = context.options().sudo;
        QStringList out = plannedFinds(poolSpots(), sudo);
        out << QStringLiteral("cat -- POOL_FILE (each pool file found)")
            << commandText(RemoteCommand::processList());
        if (s.kind == CheckSubject::Kind::UnixSocket)
            out << commandText(RemoteCommand::statPath(s.socketPath.toUtf8()), sudo)
                << QStringLiteral("id -Gn -- WORKER_USER");
        return out;
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override;

private:
    CheckResult judgeUnixSocket(CheckResult r, const Pool &pool, const QString &path,
                                const QString &masterUser, CheckContext &context) const;
    static CheckResult judgeTcp(CheckResult r, const Pool &pool, const Endpoint &target);
};

CheckResult PoolCheck::run(const CheckSubject &s, CheckContext &context) const
{
    CheckResult r = begin(s);
    if (!context.hasHost())
        return noHostResult(std::move(r));
    const Endpoint target = targetOf(s);
    if (target.kind == Endpoint::Kind::Invalid)
        return couldNotRun(
            std::move(r),
            QStringLiteral("nginx's address for %1 is not one this check understands").arg(s.label()),
            QStringLiteral("compare fastcgi_pass with the pools' `listen` by hand"));

    const FoundFiles found = findOnHost(context, r, poolSpots());
    if (found.files.isEmpty()) {
        const QString remedy =
            found.problems.isEmpty()
                ? QStringLiteral("if php-fpm runs on this host its pools are elsewhere: `php-fpm -tt` "
                                 "(or php-fpm8.2 -tt) prints the files it reads; if another FastCGI "
                                 "server answers here, this check does not apply")
                : QStringLiteral("some directories could not be searched (%1); allow --sudo for this "
                                 "target and run the check again")
                      .arg(found.problems.join(QStringLiteral("; ")));
        return couldNotRun(
            std::move(r),
            QStringLiteral("no php-fpm pool file found in %1").arg(found.searched.join(QStringLiteral(", "))),
            remedy);
    }

    std::vector<Pool> all;
    QStringList unreadable;
    for (const QString &file : found.files) {
        auto out = context.run(RemoteCommand::readFile(file.toUtf8()), r, true);
        if (!out || out->exitCode != 0) {
            unreadable << QStringLiteral("%1: %2").arg(file, out ? QString::fromUtf8(out->err).trimmed()
                                                                 : out.error().message);
            continue;
        }
        for (Pool &p : parsePoolFile(out->out, file))
            all.push_back(std::move(p));
    }
    if (unreadable.size() == found.files.size())
        return couldNotRun(
            std::move(r),
            QStringLiteral("found %1 pool file(s) but could not read any: %2")
                .arg(found.files.size())
                .arg(unreadable.join(QStringLiteral("; "))),
            QStringLiteral("allow --sudo for this target (sudo -n must work without a password), or "
                           "make the pool files readable for the login user"));
    for (const QString &u : std::as_const(unreadable))
        r.facts << QStringLiteral("not read: %1").arg(u);
    const std::vector<Pool> pools = mergePools(all);
    if (pools.empty())
        return couldNotRun(
            std::move(r),
            QStringLiteral("the pool files define no pool (%1)").arg(found.files.join(QStringLiteral(", "))),
            QStringLiteral(
                "check `include` in php-fpm.conf with `php-fpm -tt`: the pools are defined elsewhere"));

    QString masterUser = QStringLiteral("root");
    if (auto ps = context.run(RemoteCommand::processList(), r); ps && ps->exitCode == 0) {
        const std::vector<FpmMaster> masters = parseFpmMasters(ps->out);
        for (const FpmMaster &m : masters)
            r.facts << QStringLiteral("php-fpm master pid %1 runs as %2%3")
                           .arg(m.pid)
                           .arg(m.user,
                                m.config.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m.config));
        if (masters.empty())
            r.facts << QStringLiteral("no php-fpm master process is running");
        else
            masterUser = masters.front().user;
    }
    for (const Pool &p : pools)
        r.facts << QStringLiteral("pool [%1] listen = %2 (%3)")
                       .arg(p.name, p.value(QStringLiteral("listen")), p.where(QStringLiteral("listen")));

    const auto match = std::find_if(pools.begin(), pools.end(), [&](const Pool &p) {
        return listenMatches(parseListen(p.value(QStringLiteral("listen"))), target);
    });
    if (match == pools.end()) {
        r.verdict = Verdict::Fail;
        r.pointsTo = target.kind == Endpoint::Kind::Unix ? Cause::SocketMissing : Cause::BackendRefused;
        r.summary = QStringLiteral("no php-fpm pool listens on %1, where nginx sends").arg(target.display());
        r.why = QStringLiteral("nginx connects to %1, but the pools listen elsewhere: %2")
                    .arg(target.display(), listenSummary(pools));
        r.remedy =
            QStringLiteral("make fastcgi_pass and the pool's `listen` name the same address (often a PHP "
                           "upgrade renamed the socket), then reload nginx or php-fpm");
        return r;
    }
    const QString maxChildren = match->value(QStringLiteral("pm.max_children"));
    if (!maxChildren.isEmpty())
        r.facts << QStringLiteral("pool [%1] pm = %2, pm.max_children = %3")
                       .arg(match->name, match->value(QStringLiteral("pm")), maxChildren);
    if (target.kind == Endpoint::Kind::Tcp)
        return judgeTcp(std::move(r), *match, target);
    return judgeUnixSocket(std::move(r), *match, target.path, masterUser, context);
}

CheckResult PoolCheck::judgeTcp(CheckResult r, const Pool &pool, const Endpoint &target)
{
    const QString allowed = pool.value(QStringLiteral("listen.allowed_clients"));
    if (!allowed.isEmpty()) {
        bool listed = false;
        for (const QString &client : allowed.split(QLatin1Char(','), Qt::SkipEmptyParts))
            listed = listed ||
                     listenMatches(
                         parseListen(QStringLiteral("%1:%2").arg(client.trimmed()).arg(target.port)), target);
        if (!listed) {
            r.verdict = Verdict::Warn;
            r.pointsTo = Cause::ConnectionReset;
            r.summary = QStringLiteral(
                            "pool [%1] listens on %2 but listen.allowed_clients (%3) may not include nginx's "
                            "address")
                            .arg(pool.name, target.display(), allowed);
            r.why = QStringLiteral(
                        "php-fpm closes connections from addresses not in listen.allowed_clients (%1); "
                        "nginx then logs a reset or an early close")
                        .arg(pool.where(QStringLiteral("listen.allowed_clients")));
            r.remedy =
                QStringLiteral("add the address nginx connects from to listen.allowed_clients, or remove the "
                               "setting when php-fpm listens on loopback only");
            return r;
        }
    }
    r.verdict = Verdict::Pass;
    r.summary = QStringLiteral("pool [%1] listens on %2, where nginx sends").arg(pool.name, target.display());
    r.why = QStringLiteral("`listen` at %1 matches fastcgi_pass").arg(pool.where(QStringLiteral("listen")));
    return r;
}

CheckResult PoolCheck::judgeUnixSocket(CheckResult r, const Pool &pool, const QString &path,
                                       const QString &masterUser, CheckContext &context) const
{
    const HostFacts &facts = context.facts(r);
    const QString worker = facts.workerUser;
    QStringList groups;
    if (!worker.isEmpty())
        if (auto g = context.run(RemoteCommand::userGroups(worker.toUtf8()), r); g && g->exitCode == 0)
            groups = QString::fromUtf8(g->out).trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const SocketPermissions configured = configuredPermissions(pool, masterUser);
    const AccessJudgement byConfig = judgeSocketAccess(configured, worker, groups);
    r.facts << QStringLiteral("pool [%1] gives the socket %2:%3 mode %4%5")
                   .arg(pool.name, configured.owner, configured.group, modeText(configured.mode),
                        configured.aclUsers.isEmpty() && configured.aclGroups.isEmpty()
                            ? QString()
                            : QStringLiteral(", ACL users %1 groups %2")
                                  .arg(configured.aclUsers.join(QLatin1Char(',')),
                                       configured.aclGroups.join(QLatin1Char(','))));
    if (!worker.isEmpty())
        r.facts << QStringLiteral("nginx workers run as %1 (groups: %2)")
                       .arg(worker, groups.join(QLatin1Char(' ')));
    const QString poolAt = pool.where(QStringLiteral("listen"));
    const QString permRemedy =
        QStringLiteral(
            "in pool [%1] (%2) set listen.owner and listen.group to the nginx worker user%3 (or add it to "
            "listen.acl_users), keep listen.mode = 0660, then restart php-fpm")
            .arg(pool.name, poolAt, worker.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(worker));

    const SocketOnDisk disk = statSocket(context, r, path);
    if (disk.known && !disk.exists) {
        r.verdict = Verdict::Fail;
        r.pointsTo = Cause::SocketMissing;
        r.summary = QStringLiteral("pool [%1] is set to listen on %2, but the socket does not exist")
                        .arg(pool.name, path);
        r.why = QStringLiteral(
                    "php-fpm creates the socket when it starts: it is not running, failed to start, or was "
                    "not restarted since `listen` changed (%1)")
                    .arg(poolAt);
        r.remedy = QStringLiteral("start or restart php-fpm (systemctl status 'php*-fpm') and read its log");
        if (byConfig.access == Access::Denied)
            r.remedy +=
                QStringLiteral("; then fix the permissions too: %1 — %2").arg(byConfig.reason, permRemedy);
        return r;
    }
    if (disk.exists && !disk.isSocket) {
        r.verdict = Verdict::Fail;
        r.pointsTo = Cause::SocketMissing;
        r.summary = QStringLiteral("%1 is a %2, not a socket").arg(path, disk.type);
        r.why = QStringLiteral(
            "nginx can only connect to a socket; php-fpm cannot bind where a file is in the way");
        r.remedy = QStringLiteral("remove the file and restart php-fpm");
        return r;
    }
    AccessJudgement judged = byConfig;
    if (disk.exists) {
        SocketPermissions actual = disk.perms;
        actual.aclUsers = configured.aclUsers; // ACLs do not show in stat's mode: trust the pool for them
        actual.aclGroups = configured.aclGroups;
        r.facts << QStringLiteral("socket on disk: %1:%2 mode %3")
                       .arg(actual.owner, actual.group, modeText(actual.mode));
        judged = judgeSocketAccess(actual, worker, groups);
    } else {
        r.facts << QStringLiteral("could not stat the socket (%1): judged from the pool's settings")
                       .arg(disk.error);
    }

    if (judged.access == Access::Denied) {
        r.verdict = Verdict::Fail;
        r.pointsTo = Cause::SocketPermission;
        r.summary = QStringLiteral("the nginx workers (%1) may not connect to %2").arg(worker, path);
        r.why = judged.reason;
        r.remedy = permRemedy;
        return r;
    }
    if (judged.access == Access::Unknown)
        return couldNotRun(
            std::move(r),
            QStringLiteral("pool [%1] listens on %2, but whether nginx may connect is unknown: %3")
                .arg(pool.name, path, judged.reason),
            QStringLiteral("run `id -Gn WORKER_USER` and `stat %1` on the host, or allow --sudo").arg(path));
    if (disk.exists && byConfig.access == Access::Denied) {
        r.verdict = Verdict::Warn;
        r.pointsTo = Cause::SocketPermission;
        r.summary =
            QStringLiteral("nginx may connect to %1 now, but not after php-fpm's next restart").arg(path);
        r.why = QStringLiteral("the socket on disk allows it (%1), the pool's settings would not (%2)")
                    .arg(judged.reason, byConfig.reason);
        r.remedy = permRemedy;
        return r;
    }
    r.verdict = Verdict::Pass;
    r.summary =
        QStringLiteral("pool [%1] listens on %2 and the nginx workers may connect").arg(pool.name, path);
    r.why = QStringLiteral("`listen` at %1 matches fastcgi_pass; %2").arg(poolAt, judged.reason);
    return r;
}

} // namespace

std::unique_ptr<Check> makePoolCheck()
{
    return std::make_unique<PoolCheck>();
}

} // namespace gwb::phpfpm
