// The php-fpm plugin: its pure parsing and judging (pool files, listen vs fastcgi_pass, socket permissions
// for the nginx worker user, max_children warnings), then its two checks run against a scripted host.

#include "checks/checkengine.h"
#include "checks/pluginloader.h"
#include "phpfpmpool.h"

#include <QTest>

using namespace gwb;
using namespace gwb::phpfpm;

namespace {

const QByteArray kDebianPool = R"(; Start a new pool named 'www'.
[www]
user = www-data
group = www-data
; listen = 127.0.0.1:9000
listen = /run/php/php8.2-fpm.sock
listen.owner = www-data
listen.group = www-data
;listen.mode = 0660
pm = dynamic
pm.max_children = 5   ; raise with care
# an old-style comment
php_admin_value[error_log] = "/var/log/fpm-$pool.log ; not a comment"

[api]
user = api
listen = /run/php/$pool.sock
listen.mode = 0666
pm.max_children = 20
)";

const QByteArray kRootOwnedPool = R"([www]
user = www-data
group = www-data
listen = /run/php/php8.2-fpm.sock
;listen.owner = www-data
;listen.group = www-data
pm.max_children = 5
)";

const QByteArray kFpmLog = R"([10-Mar-2024 09:00:01] NOTICE: fpm is running, pid 812
[10-Mar-2024 09:00:01] NOTICE: ready to handle connections
[12-Mar-2024 10:15:02] WARNING: [pool www] seems busy (you may need to increase pm.start_servers, or pm.min/max_spare_servers), spawning 8 children, there are 0 idle, and 9 total children
[12-Mar-2024 10:15:03] WARNING: [pool www] server reached pm.max_children setting (10), consider raising it
[12-Mar-2024 10:20:40] WARNING: [pool api] server reached pm.max_children setting (20), consider raising it
[12-Mar-2024 10:21:00] WARNING: [pool www] server reached pm.max_children setting (10), consider raising it
[12-Mar-2024 10:22:00] NOTICE: Terminating ...
)";

// A host that answers commands from a script: the first rule whose needles all occur in the command's text.
// Anything unscripted fails the way `find` or `cat` fail on a missing path.
class ScriptedHost final : public Transport
{
public:
    void on(QByteArrayList needles, int exitCode, QByteArray out, QByteArray err = {})
    {
        m_rules.push_back({std::move(needles), CommandOutput{exitCode, std::move(out), std::move(err)}});
    }
    Result<CommandOutput> run(const RemoteCommand &command, std::chrono::milliseconds,
                              const CancelToken &) override
    {
        auto text = command.render();
        if (!text)
            return text.error();
        m_seen << *text;
        for (const auto &[needles, output] : m_rules)
            if (std::all_of(needles.begin(), needles.end(),
                            [&](const QByteArray &n) { return text->contains(n); }))
                return output;
        return CommandOutput{1, {}, "No such file or directory\n"};
    }
    Result<StreamEnd> stream(const RemoteCommand &, const ChunkSink &, const ProgressSink &,
                             const CancelToken &) override
    {
        return Error{Error::Kind::Internal, QStringLiteral("not scripted")};
    }
    QString describe() const override { return QStringLiteral("scripted"); }
    QByteArrayList seen() const { return m_seen; }

private:
    std::vector<std::pair<QByteArrayList, CommandOutput>> m_rules;
    QByteArrayList m_seen;
};

// find's -print0 output.
QByteArray nulList(std::initializer_list<const char *> paths)
{
    QByteArray out;
    for (const char *p : paths) {
        out += p;
        out += '\0';
    }
    return out;
}

// The usual Debian host: nginx workers as www-data, php-fpm's master as root.
void scriptDebianHost(ScriptedHost &host)
{
    host.on({"id -un"}, 0, "deploy\ndeploy adm\n");
    host.on({"id -Gn --", "www-data"}, 0, "www-data\n");
    host.on({"ps -eo"}, 0,
            "  700     1 root     nginx: master process /usr/sbin/nginx -g daemon on;\n"
            "  701   700 www-data nginx: worker process\n"
            "  812     1 root     php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)\n"
            "  813   812 www-data php-fpm: pool www\n");
    host.on({"find", "/etc/php/"}, 0,
            nulList({"/etc/php/8.2/fpm/php-fpm.conf", "/etc/php/8.2/fpm/pool.d/www.conf",
                     "/etc/php/8.2/cli/conf.d/10-opcache.conf"}));
    host.on({"find", "/var/log/", "php*-fpm.log"}, 0, nulList({"/var/log/php8.2-fpm.log"}));
}

CheckSubject unixSubject(const QString &path)
{
    CheckSubject s;
    s.kind = CheckSubject::Kind::UnixSocket;
    s.socketPath = path;
    s.peer = QStringLiteral("unix:") + path;
    s.scheme = QStringLiteral("fastcgi");
    return s;
}

CheckSubject tcpSubject(const QString &host, int port)
{
    CheckSubject s;
    s.kind = CheckSubject::Kind::Peer;
    s.host = host;
    s.port = port;
    s.peer = QStringLiteral("%1:%2").arg(host).arg(port);
    s.scheme = QStringLiteral("fastcgi");
    return s;
}

} // namespace

class TestPhpFpm final : public QObject
{
    Q_OBJECT

    CheckRegistry m_registry;

    CheckResult runCheck(const char16_t *id, ScriptedHost *host, const CheckSubject &subject)
    {
        const Check *check = m_registry.find(QStringView(id));
        if (!check)
            qFatal("the php-fpm plugin did not load");
        CheckContext context(host, nullptr, nullptr, CheckOptions{});
        return check->run(subject, context);
    }

private slots:
    void initTestCase()
    {
        loadCheckPlugins({QStringLiteral(GWB_REAL_PLUGIN_DIR)}, m_registry);
        QVERIFY2(m_registry.find(u"php-fpm-pool"), qPrintable(m_registry.warnings().join(QLatin1Char('\n'))));
    }

    // --- pool files
    // ------------------------------------------------------------------------------------------

    void parsesPoolsCommentsAndVariables()
    {
        const std::vector<Pool> pools =
            parsePoolFile(kDebianPool, QStringLiteral("/etc/php/8.2/fpm/pool.d/www.conf"));
        QCOMPARE(pools.size(), size_t(2));
        const Pool &www = pools[0];
        QCOMPARE(www.name, QStringLiteral("www"));
        QCOMPARE(www.line, 2);
        QCOMPARE(www.value(QStringLiteral("listen")), QStringLiteral("/run/php/php8.2-fpm.sock"));
        QCOMPARE(www.where(QStringLiteral("listen")), QStringLiteral("/etc/php/8.2/fpm/pool.d/www.conf:6"));
        QCOMPARE(www.value(QStringLiteral("listen.owner")), QStringLiteral("www-data"));
        QVERIFY(!www.has(QStringLiteral("listen.mode")));                            // commented out
        QCOMPARE(www.value(QStringLiteral("pm.max_children")), QStringLiteral("5")); // inline comment dropped
        QCOMPARE(www.value(QStringLiteral("php_admin_value[error_log]")),
                 QStringLiteral("/var/log/fpm-www.log ; not a comment")); // quoted: ';' kept, $pool expanded
        QCOMPARE(www.settings.size(), size_t(8));

        const Pool &api = pools[1];
        QCOMPARE(api.name, QStringLiteral("api"));
        QCOMPARE(api.value(QStringLiteral("listen")), QStringLiteral("/run/php/api.sock"));
        QCOMPARE(api.value(QStringLiteral("pm.max_children")), QStringLiteral("20"));
    }

    void globalSectionIsNoPool()
    {
        const QByteArray conf = "[global]\npid = /run/php-fpm.pid\nerror_log = /var/log/php-fpm.log\n"
                                "include=/etc/php-fpm.d/*.conf\n";
        QVERIFY(parsePoolFile(conf, QStringLiteral("php-fpm.conf")).empty());
        QVERIFY(
            parsePoolFile("listen = 9000\n", QStringLiteral("orphan.conf")).empty()); // outside any section
    }

    void laterFilesOverrideEarlierOnes()
    {
        // The official Docker image: www.conf says 127.0.0.1:9000, zz-docker.conf (read later) says 9000.
        std::vector<Pool> all =
            parsePoolFile("[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm.max_children = 5\n",
                          QStringLiteral("/usr/local/etc/php-fpm.d/www.conf"));
        for (Pool &p : parsePoolFile("[global]\ndaemonize = no\n\n[www]\nlisten = 9000\n",
                                     QStringLiteral("/usr/local/etc/php-fpm.d/zz-docker.conf")))
            all.push_back(std::move(p));
        const std::vector<Pool> merged = mergePools(all);
        QCOMPARE(merged.size(), size_t(1));
        QCOMPARE(merged[0].value(QStringLiteral("listen")), QStringLiteral("9000"));
        QCOMPARE(merged[0].where(QStringLiteral("listen")),
                 QStringLiteral("/usr/local/etc/php-fpm.d/zz-docker.conf:5"));
        QCOMPARE(merged[0].value(QStringLiteral("pm.max_children")), QStringLiteral("5"));
        QCOMPARE(merged[0].file, QStringLiteral("/usr/local/etc/php-fpm.d/www.conf"));

        // Two PHP versions side by side: two [www] pools, two php-fpm instances, kept apart.
        std::vector<Pool> versions = parsePoolFile("[www]\nlisten = /run/php/php8.1-fpm.sock\n",
                                                   QStringLiteral("/etc/php/8.1/fpm/pool.d/www.conf"));
        versions.push_back(parsePoolFile("[www]\nlisten = /run/php/php8.2-fpm.sock\n",
                                         QStringLiteral("/etc/php/8.2/fpm/pool.d/www.conf"))[0]);
        QCOMPARE(mergePools(versions).size(), size_t(2));
    }

    void configuredPermissionsFollowPhpFpmDefaults()
    {
        const std::vector<Pool> pools = parsePoolFile(kDebianPool, QStringLiteral("www.conf"));
        SocketPermissions www = configuredPermissions(pools[0]);
        QCOMPARE(www.owner, QStringLiteral("www-data"));
        QCOMPARE(www.group, QStringLiteral("www-data"));
        QCOMPARE(www.mode, 0660); // the default
        SocketPermissions api = configuredPermissions(pools[1]);
        QCOMPARE(api.owner, QStringLiteral("root")); // no listen.owner: the master's user, not the pool's
        QCOMPARE(api.group, QStringLiteral("root"));
        QCOMPARE(api.mode, 0666);
        QCOMPARE(configuredPermissions(pools[1], QStringLiteral("fpm")).owner, QStringLiteral("fpm"));

        const Pool ownerOnly =
            parsePoolFile("[a]\nlisten=/x.sock\nlisten.owner = nginx\n", QStringLiteral("a.conf"))[0];
        QCOMPARE(configuredPermissions(ownerOnly).group, QStringLiteral("nginx")); // the owner's group
        const Pool acl =
            parsePoolFile("[b]\nlisten=/y.sock\nlisten.owner = nobody\nlisten.acl_users = apache, nginx\n"
                          "listen.acl_groups = web\n",
                          QStringLiteral("b.conf"))[0];
        const SocketPermissions aclPerms = configuredPermissions(acl);
        QCOMPARE(aclPerms.aclUsers, (QStringList{QStringLiteral("apache"), QStringLiteral("nginx")}));
        QCOMPARE(aclPerms.aclGroups, QStringList{QStringLiteral("web")});
        QCOMPARE(aclPerms.owner, QStringLiteral("root")); // ACLs replace listen.owner
        const Pool badMode = parsePoolFile("[c]\nlisten.mode = rw-rw----\n", QStringLiteral("c.conf"))[0];
        QCOMPARE(configuredPermissions(badMode).mode, -1);
    }

    // --- listen vs fastcgi_pass
    // ------------------------------------------------------------------------------

    void listenMatchesFastcgiPass_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("pass");
        QTest::addColumn<bool>("matches");
        const auto listenRow = [](const char *name, const char *listen, const char *pass, bool matches) {
            QTest::newRow(name) << QString::fromLatin1(listen) << QString::fromLatin1(pass) << matches;
        };
        listenRow("same socket", "/run/php/php8.2-fpm.sock", "unix:/run/php/php8.2-fpm.sock", true);
        listenRow("/var/run is /run", "/run/php/php8.2-fpm.sock", "unix:/var/run/php/php8.2-fpm.sock", true);
        listenRow("unclean path", "/run/php//php8.2-fpm.sock", "unix:/run/php/./php8.2-fpm.sock", true);
        listenRow("other version", "/run/php/php8.1-fpm.sock", "unix:/run/php/php8.2-fpm.sock", false);
        listenRow("same address", "127.0.0.1:9000", "127.0.0.1:9000", true);
        listenRow("other port", "127.0.0.1:9000", "127.0.0.1:9001", false);
        listenRow("bare port, v4", "9000", "127.0.0.1:9000", true);
        listenRow("bare port, name", "9000", "localhost:9000", true);
        listenRow("bare port, v6", "9000", "[::1]:9000", true);
        listenRow("pass is a bare port", "127.0.0.1:9000", "9000", true);
        listenRow("localhost is loopback", "127.0.0.1:9000", "localhost:9000", true);
        listenRow("listen localhost", "localhost:9000", "127.0.0.1:9000", true);
        listenRow("v6 loopback only", "[::1]:9000", "127.0.0.1:9000", false);
        listenRow("v6 loopback", "[::1]:9000", "[::1]:9000", true);
        listenRow("v4 wildcard", "0.0.0.0:9000", "127.0.0.1:9000", true);
        listenRow("v4 wildcard, v6 peer", "0.0.0.0:9000", "[::1]:9000", false);
        listenRow("v6 wildcard", "[::]:9000", "127.0.0.1:9000", true);
        listenRow("other host", "10.0.0.5:9000", "127.0.0.1:9000", false);
        listenRow("socket vs tcp", "/run/php.sock", "127.0.0.1:9000", false);
        listenRow("tcp vs socket", "127.0.0.1:9000", "unix:/run/php.sock", false);
        listenRow("empty listen", "", "127.0.0.1:9000", false);
    }
    void listenMatchesFastcgiPass()
    {
        QFETCH(QString, listen);
        QFETCH(QString, pass);
        QFETCH(bool, matches);
        QCOMPARE(listenMatches(parseListen(listen), parseFastcgiPass(pass)), matches);
    }

    void endpointsParse()
    {
        const Endpoint bare = parseListen(QStringLiteral("9000"));
        QCOMPARE(bare.kind, Endpoint::Kind::Tcp);
        QVERIFY(bare.host.isEmpty());
        QCOMPARE(bare.display(), QStringLiteral("port 9000 (all addresses)"));
        const Endpoint v6 = parseListen(QStringLiteral("[::1]:9001"));
        QCOMPARE(v6.host, QStringLiteral("::1"));
        QCOMPARE(v6.port, 9001);
        QCOMPARE(v6.display(), QStringLiteral("[::1]:9001"));
        QCOMPARE(parseListen(QStringLiteral("127.0.0.1:99999")).kind, Endpoint::Kind::Invalid);
        QCOMPARE(parseFastcgiPass(QStringLiteral("unix:")).kind, Endpoint::Kind::Invalid);
        const Endpoint sock = parseFastcgiPass(QStringLiteral("unix:/run/php/x.sock"));
        QCOMPARE(sock.kind, Endpoint::Kind::Unix);
        QCOMPARE(sock.display(), QStringLiteral("/run/php/x.sock"));
    }

    // --- may the worker user connect?
    // ------------------------------------------------------------------------

    void socketAccess_data()
    {
        QTest::addColumn<QString>("owner");
        QTest::addColumn<QString>("group");
        QTest::addColumn<int>("mode");
        QTest::addColumn<QStringList>("aclUsers");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QStringList>("groups");
        QTest::addColumn<int>("expected");
        QTest::addColumn<QString>("reasonHas");
        const auto row = [](const char *name, const char *owner, const char *group, int mode,
                            const char *aclUser, const char *user, const char *groups, Access expected,
                            const char *reasonHas) {
            const auto list = [](const char *text) {
                return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
            };
            QTest::newRow(name) << QString::fromLatin1(owner) << QString::fromLatin1(group) << mode
                                << list(aclUser) << QString::fromLatin1(user) << list(groups) << int(expected)
                                << QString::fromLatin1(reasonHas);
        };
        row("owner match", "www-data", "www-data", 0600, "", "www-data", "www-data", Access::Allowed,
            "owns the socket");
        row("owner without write", "www-data", "www-data", 0460, "", "www-data", "www-data", Access::Denied,
            "does not let the owner write"); // the owner class decides alone, even when the group may write
        row("group match", "php", "www-data", 0660, "", "www-data", "www-data adm", Access::Allowed,
            "is in group www-data");
        row("group without write", "php", "www-data", 0646, "", "www-data", "www-data", Access::Denied,
            "does not let the group write");
        row("mode 0666", "root", "root", 0666, "", "www-data", "www-data", Access::Allowed, "every user");
        row("deny", "root", "root", 0660, "", "www-data", "www-data", Access::Denied,
            "neither the owner (root) nor in the group (root)");
        row("acl user", "root", "root", 0660, "www-data", "www-data", "www-data", Access::Allowed,
            "listen.acl_users");
        row("groups unknown, own-name group", "php", "www-data", 0660, "", "www-data", "", Access::Allowed,
            "is in group");
        row("groups unknown", "php", "web", 0660, "", "www-data", "", Access::Unknown, "not known");
        row("root worker", "php", "php", 0600, "", "root", "root", Access::Allowed, "root");
        row("no worker user", "php", "php", 0666, "", "", "", Access::Unknown, "not known");
    }
    void socketAccess()
    {
        QFETCH(QString, owner);
        QFETCH(QString, group);
        QFETCH(int, mode);
        QFETCH(QStringList, aclUsers);
        QFETCH(QString, user);
        QFETCH(QStringList, groups);
        QFETCH(int, expected);
        QFETCH(QString, reasonHas);
        const AccessJudgement j =
            judgeSocketAccess(SocketPermissions{owner, group, mode, aclUsers, {}}, user, groups);
        QCOMPARE(int(j.access), expected);
        QVERIFY2(j.reason.contains(reasonHas), qPrintable(j.reason));
    }

    void modeIsWrittenInOctal()
    {
        QCOMPARE(phpfpm::modeText(0660), QStringLiteral("0660"));
        QCOMPARE(phpfpm::modeText(0), QStringLiteral("0000"));
        QCOMPARE(phpfpm::modeText(-1), QStringLiteral("unknown"));
    }

    // --- the log and the process list
    // ------------------------------------------------------------------------

    void countsMaxChildrenWarnings()
    {
        const MaxChildrenScan scan = scanFpmLog(kFpmLog);
        QCOMPARE(scan.lines, 7);
        QCOMPARE(scan.reachedMax, 3);
        QCOMPARE(scan.seemsBusy, 1);
        QCOMPARE(scan.lastTimestamp, QStringLiteral("12-Mar-2024 10:21:00"));
        QVERIFY(
            scan.lastLine.contains(QStringLiteral("[pool www] server reached pm.max_children setting (10)")));
        QCOMPARE(scan.pools.size(), size_t(2));
        QCOMPARE(scan.pools[0].pool, QStringLiteral("www"));
        QCOMPARE(scan.pools[0].reachedMax, 2);
        QCOMPARE(scan.pools[0].seemsBusy, 1);
        QCOMPARE(scan.pools[1].pool, QStringLiteral("api"));
        QCOMPARE(scan.pools[1].lastTimestamp, QStringLiteral("12-Mar-2024 10:20:40"));

        const MaxChildrenScan quiet =
            scanFpmLog("[10-Mar-2024 09:00:01] NOTICE: ready to handle connections\n");
        QCOMPARE(quiet.lines, 1);
        QCOMPARE(quiet.reachedMax + quiet.seemsBusy, 0);
        QVERIFY(quiet.pools.empty());
        QCOMPARE(scanFpmLog("").lines, 0);
    }

    void findsFpmMasters()
    {
        const auto masters =
            parseFpmMasters("  812     1 root     php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)\n"
                            "  813   812 www-data php-fpm: pool www\n"
                            "  900     1 fpm      php-fpm8.1: master process\n"
                            "  901   900 bob      vim php-fpm: master process notes\n");
        QCOMPARE(masters.size(), size_t(2));
        QCOMPARE(masters[0].pid, qint64(812));
        QCOMPARE(masters[0].user, QStringLiteral("root"));
        QCOMPARE(masters[0].config, QStringLiteral("/etc/php/8.2/fpm/php-fpm.conf"));
        QCOMPARE(masters[1].user, QStringLiteral("fpm"));
        QVERIFY(masters[1].config.isEmpty());
    }

    // --- the checks on a scripted host
    // -----------------------------------------------------------------------

    void appliesToFastcgiAndPhpLikeSockets()
    {
        const Check *pool = m_registry.find(u"php-fpm-pool");
        const Check *maxChildren = m_registry.find(u"php-fpm-max-children");
        QVERIFY(pool && maxChildren);
        CheckContext context(nullptr, nullptr, nullptr, CheckOptions{});
        QVERIFY(pool->appliesTo(unixSubject(QStringLiteral("/run/php.sock")), context));
        QVERIFY(maxChildren->appliesTo(tcpSubject(QStringLiteral("127.0.0.1"), 9000), context));
        QVERIFY(
            !pool->appliesTo(tcpSubject(QStringLiteral("10.1.2.3"), 9000), context)); // another host's pools
        CheckSubject http = unixSubject(QStringLiteral("/run/app.sock"));
        http.scheme = QStringLiteral("http");
        QVERIFY(!pool->appliesTo(http, context));
        http.cause = Cause::SocketPermission;
        QVERIFY(pool->appliesTo(http, context));
        CheckSubject tcpHttp = tcpSubject(QStringLiteral("127.0.0.1"), 8080);
        tcpHttp.scheme = QStringLiteral("http");
        tcpHttp.cause = Cause::BackendRefused;
        QVERIFY(!pool->appliesTo(tcpHttp, context));
        QVERIFY(!pool->plannedCommands(unixSubject(QStringLiteral("/run/php.sock")), context).isEmpty());
    }

    void poolPassesWhenNginxMayConnect()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"cat --", "pool.d/www.conf"}, 0, kDebianPool);
        host.on({"stat -c", "php8.2-fpm.sock"}, 0, "socket|www-data|www-data|660|0\n");
        const CheckResult r =
            runCheck(u"php-fpm-pool", &host, unixSubject(QStringLiteral("/var/run/php/php8.2-fpm.sock")));
        QCOMPARE(r.verdict, Verdict::Pass);
        QVERIFY2(r.summary.contains(QStringLiteral("pool [www]")), qPrintable(r.summary));
        QVERIFY2(r.why.contains(QStringLiteral("www-data owns the socket")), qPrintable(r.why));
        QVERIFY(r.facts.contains(
            QStringLiteral("php-fpm master pid 812 runs as root (/etc/php/8.2/fpm/php-fpm.conf)")));
        // Only the pool file was read: the filter on /fpm/pool.d/ kept php-fpm.conf and cli's files out.
        const QByteArrayList seen = host.seen();
        QCOMPARE(int(std::count_if(seen.begin(), seen.end(),
                                   [](const QByteArray &c) { return c.contains("cat --"); })),
                 1);
    }

    void poolFailsWhenNoPoolListensThere()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"cat --", "pool.d/www.conf"}, 0, kDebianPool);
        const CheckResult r =
            runCheck(u"php-fpm-pool", &host, unixSubject(QStringLiteral("/run/php/php7.4-fpm.sock")));
        QCOMPARE(r.verdict, Verdict::Fail);
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::SocketMissing));
        QVERIFY2(r.summary.contains(QStringLiteral("no php-fpm pool listens on /run/php/php7.4-fpm.sock")),
                 qPrintable(r.summary));
        QVERIFY2(r.why.contains(QStringLiteral("[www] listen = /run/php/php8.2-fpm.sock")),
                 qPrintable(r.why));
        QVERIFY(!r.remedy.isEmpty());

        const CheckResult tcp =
            runCheck(u"php-fpm-pool", &host, tcpSubject(QStringLiteral("127.0.0.1"), 9000));
        QCOMPARE(tcp.verdict, Verdict::Fail);
        QCOMPARE(tcp.pointsTo, std::optional<Cause>(Cause::BackendRefused));
    }

    void poolFailsWhenTheSocketDeniesTheWorker()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"cat --", "pool.d/www.conf"}, 0, kRootOwnedPool);
        host.on({"stat -c", "php8.2-fpm.sock"}, 0, "socket|root|root|660|0\n");
        const CheckResult r =
            runCheck(u"php-fpm-pool", &host, unixSubject(QStringLiteral("/run/php/php8.2-fpm.sock")));
        QCOMPARE(r.verdict, Verdict::Fail);
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::SocketPermission));
        QVERIFY2(r.why.contains(QStringLiteral("neither the owner (root) nor in the group (root)")),
                 qPrintable(r.why));
        QVERIFY2(r.remedy.contains(QStringLiteral("listen.owner")) &&
                     r.remedy.contains(QStringLiteral("www-data")),
                 qPrintable(r.remedy));
    }

    void poolWarnsWhenOnlyTheRunningSocketAllowsIt()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"cat --", "pool.d/www.conf"}, 0, kRootOwnedPool);
        host.on({"stat -c", "php8.2-fpm.sock"}, 0, "socket|www-data|www-data|660|0\n");
        const CheckResult r =
            runCheck(u"php-fpm-pool", &host, unixSubject(QStringLiteral("/run/php/php8.2-fpm.sock")));
        QCOMPARE(r.verdict, Verdict::Warn);
        QVERIFY2(r.summary.contains(QStringLiteral("next restart")), qPrintable(r.summary));
    }

    void poolFailsWhenTheSocketIsMissing()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"cat --", "pool.d/www.conf"}, 0, kDebianPool);
        host.on({"stat -c", "php8.2-fpm.sock"}, 1, {},
                "stat: cannot statx '/run/php/php8.2-fpm.sock': No such file or directory\n");
        const CheckResult r =
            runCheck(u"php-fpm-pool", &host, unixSubject(QStringLiteral("/run/php/php8.2-fpm.sock")));
        QCOMPARE(r.verdict, Verdict::Fail);
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::SocketMissing));
        QVERIFY2(r.summary.contains(QStringLiteral("does not exist")), qPrintable(r.summary));
    }

    void poolOverTcpWithDockerLayout()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"find", "/usr/local/etc/php-fpm.d/"}, 0,
                nulList({"/usr/local/etc/php-fpm.d/zz-docker.conf", "/usr/local/etc/php-fpm.d/www.conf"}));
        host.on({"cat --", "/usr/local/etc/php-fpm.d/www.conf"}, 0, "[www]\nlisten = 127.0.0.1:9000\n");
        host.on({"cat --", "zz-docker.conf"}, 0, "[global]\ndaemonize = no\n[www]\nlisten = 9000\n");
        host.on({"cat --", "pool.d/www.conf"}, 0, kDebianPool);
        const CheckResult r = runCheck(u"php-fpm-pool", &host, tcpSubject(QStringLiteral("127.0.0.1"), 9000));
        QCOMPARE(r.verdict, Verdict::Pass);
        QVERIFY2(r.why.contains(QStringLiteral("zz-docker.conf:4")),
                 qPrintable(r.why)); // read in sorted order
    }

    void poolCannotRunWithoutHostOrFiles()
    {
        const CheckResult bundle =
            runCheck(u"php-fpm-pool", nullptr, unixSubject(QStringLiteral("/run/php.sock")));
        QCOMPARE(bundle.verdict, Verdict::CouldNotRun);
        QVERIFY(bundle.remedy.contains(QStringLiteral("--ssh")));
        QVERIFY(bundle.commands.empty());

        ScriptedHost empty; // no pool file anywhere
        const CheckResult none =
            runCheck(u"php-fpm-pool", &empty, unixSubject(QStringLiteral("/run/php.sock")));
        QCOMPARE(none.verdict, Verdict::CouldNotRun);
        QVERIFY2(none.summary.contains(QStringLiteral("no php-fpm pool file found")),
                 qPrintable(none.summary));
        QVERIFY(none.remedy.contains(QStringLiteral("php-fpm -tt")));

        ScriptedHost locked;
        scriptDebianHost(locked);
        locked.on({"cat --", "pool.d/www.conf"}, 1, {},
                  "cat: /etc/php/8.2/fpm/pool.d/www.conf: Permission denied\n");
        const CheckResult denied =
            runCheck(u"php-fpm-pool", &locked, unixSubject(QStringLiteral("/run/php.sock")));
        QCOMPARE(denied.verdict, Verdict::CouldNotRun);
        QVERIFY2(denied.summary.contains(QStringLiteral("Permission denied")), qPrintable(denied.summary));
        QVERIFY(denied.remedy.contains(QStringLiteral("--sudo")));
    }

    void maxChildrenWarnsWithCountsAndLastTime()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"tail -c 524288", "php8.2-fpm.log"}, 0, kFpmLog);
        CheckSubject s = unixSubject(QStringLiteral("/run/php/php8.2-fpm.sock"));
        s.cause = Cause::ReadTimeout;
        const CheckResult r = runCheck(u"php-fpm-max-children", &host, s);
        QCOMPARE(r.verdict, Verdict::Warn);
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::ReadTimeout));
        QVERIFY2(r.summary.contains(QStringLiteral("pm.max_children 3×")) &&
                     r.summary.contains(QStringLiteral("busy 1×")),
                 qPrintable(r.summary));
        QVERIFY2(r.summary.contains(QStringLiteral("12-Mar-2024 10:21:00")), qPrintable(r.summary));
        QVERIFY(r.remedy.contains(QStringLiteral("memory")));
    }

    void maxChildrenPassesOnACleanLog()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"tail -c", "php8.2-fpm.log"}, 0,
                "[10-Mar-2024 09:00:01] NOTICE: ready to handle connections\n");
        const CheckResult r =
            runCheck(u"php-fpm-max-children", &host, unixSubject(QStringLiteral("/run/php.sock")));
        QCOMPARE(r.verdict, Verdict::Pass);
        QVERIFY(r.summary.contains(QStringLiteral("/var/log/php8.2-fpm.log")));
    }

    void maxChildrenCannotRunOnAnUnreadableLog()
    {
        ScriptedHost host;
        scriptDebianHost(host);
        host.on({"tail -c", "php8.2-fpm.log"}, 1, {},
                "tail: cannot open '/var/log/php8.2-fpm.log' for reading: Permission denied\n");
        const CheckResult r =
            runCheck(u"php-fpm-max-children", &host, unixSubject(QStringLiteral("/run/php.sock")));
        QCOMPARE(r.verdict, Verdict::CouldNotRun);
        QVERIFY2(r.summary.contains(QStringLiteral("/var/log/php8.2-fpm.log")) &&
                     r.summary.contains(QStringLiteral("Permission denied")),
                 qPrintable(r.summary));
        QVERIFY2(r.remedy.contains(QStringLiteral("--sudo")) && r.remedy.contains(QStringLiteral("deploy")),
                 qPrintable(r.remedy));

        ScriptedHost nolog;
        const CheckResult none =
            runCheck(u"php-fpm-max-children", &nolog, unixSubject(QStringLiteral("/run/php.sock")));
        QCOMPARE(none.verdict, Verdict::CouldNotRun);
        QVERIFY(none.remedy.contains(QStringLiteral("journalctl")));
    }
};

QTEST_GUILESS_MAIN(TestPhpFpm)
#include "tst_phpfpm.moc"
