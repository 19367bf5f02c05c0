// `gwb diagnose --ssh … --sudo` and `gwb collect` with a real sudo, as unprivileged logins. Everything else
// logs in as the user running the tests (root in CI), who reads every file, so the permission paths were
// never met there. Here, as root, the test makes two throwaway accounts — one with a NOPASSWD rule (a
// throwaway /etc/sudoers.d file, only read-only commands on this test's own directory), one without — lets
// them log in by key to a throwaway sshd, and runs a small real nginx whose rotated logs (the ones holding
// the 502s) are 0640 root:adm, the way logrotate leaves them on Debian. All of it is removed at the end,
// also when a check fails.

#include "gwbrun.h"
#include "sshdfixture.h"
#include "throwawayaccounts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <tuple>
#include <utility>

using namespace gwb;
using test::GwbRun;
using test::runGwb;

namespace {

constexpr auto kNginx = "/usr/sbin/nginx";
constexpr int kRequests = 6;

// Runs a program, quietly; true when it exited 0.
bool sh(const QString &program, const QStringList &args, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    const bool ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return ok;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool portFree(int port)
{
    QTcpServer s;
    return s.listen(QHostAddress::LocalHost, quint16(port));
}

// Two free loopback ports below the ephemeral range and apart from the test sshd (20000+): one nginx listens
// on, one nobody listens on (the "backend" that refuses).
std::pair<int, int> twoFreePorts()
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int a = 10000 + int(QRandomGenerator::global()->bounded(9998));
        if (portFree(a) && portFree(a + 1))
            return {a, a + 1};
    }
    return {0, 0};
}

// What gwb told the user: its stderr and the diagnostics of the JSON output (where a diagnosis over SSH puts
// the collection's warnings), one per line.
QString messages(const GwbRun &r)
{
    QString text = QString::fromUtf8(r.err);
    const QJsonArray diagnostics =
        QJsonDocument::fromJson(r.out).object()[QStringLiteral("diagnostics")].toArray();
    for (const QJsonValue &d : diagnostics)
        text += QLatin1Char('\n') + d.toObject()[QStringLiteral("message")].toString();
    return text;
}

QString findingsText(const QJsonArray &findings)
{
    QStringList s;
    for (const QJsonValue &v : findings)
        s << v.toObject()[QStringLiteral("cause")].toString() + QLatin1Char('@') +
                 v.toObject()[QStringLiteral("location")].toString();
    return s.join(QStringLiteral(", "));
}

} // namespace

class TestSudoSsh final : public QObject
{
    Q_OBJECT

    test::ThrowawayAccounts m_accounts;
    test::SshdFixture m_sshd;
    QTemporaryDir m_dir{QDir::temp().filePath(QStringLiteral("gwb-sudo-XXXXXX"))};
    QString m_sudoUser;   // may run the read-only commands below through sudo -n
    QString m_noSudoUser; // has no sudo rule at all
    QString m_group;      // the group that may write the current logs (stands in for nginx's own user)
    QString m_sudoers;    // our file in /etc/sudoers.d, once installed
    qint64 m_nginxPid = 0;
    int m_port = 0;
    int m_deadPort = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString conf() const { return path(QStringLiteral("nginx.conf")); }
    QString sudoLog() const { return path(QStringLiteral("sudo/sudo.log")); }
    QString rotated(const char *log) const { return path(QStringLiteral("logs/%1.1").arg(QLatin1StringView(log))); }

    QStringList sshArgs(const QString &user) const
    {
        return {QStringLiteral("--ssh"),
                QStringLiteral("%1@127.0.0.1:%2").arg(user).arg(m_sshd.port()),
                QStringLiteral("--identity"),
                m_sshd.file(QStringLiteral("user_%1_ed25519").arg(user)),
                QStringLiteral("--known-hosts"),
                m_sshd.file(QStringLiteral("known_hosts")),
                QStringLiteral("--nginx-conf"),
                conf(),
                QStringLiteral("--all")};
    }

    GwbRun diagnose(const QString &user, bool sudo)
    {
        QStringList args = QStringList{QStringLiteral("diagnose")} + sshArgs(user) +
                           QStringList{QStringLiteral("--format"), QStringLiteral("json")};
        if (sudo)
            args << QStringLiteral("--sudo");
        const GwbRun r = runGwb(args);
        // What the user would read, in the test log for a reviewer.
        qInfo("gwb diagnose as %s%s → exit %d\n%s", qPrintable(user), sudo ? " --sudo" : "", r.exitCode,
              qPrintable(messages(r)));
        return r;
    }

    // The commands sudo ran (or refused) for the sudo user so far, from the log our sudoers file asks for.
    QByteArray sudoLogged() const { return readFile(sudoLog()); }

    // What a user may run through sudo: the read-only templates gwb uses (core/transport/command.cpp), each
    // pinned to this test's directory. sudoers wildcards also match spaces, so this pins programs and the
    // directory rather than every byte; for a throwaway account on a test machine that is tight enough.
    QByteArray sudoersText(const QString &alias) const
    {
        const QByteArray d = QFile::encodeName(m_dir.path());
        const QByteArray logs = d + "/logs/";
        const QByteArray user = m_sudoUser.toLatin1();
        const QByteArray a = alias.toLatin1();
        QByteArray text = "# Gateway Workbench integration test (tst_sudo_ssh); removed when the test ends.\n";
        // One unwrapped line per command in our own log: the test reads what sudo really ran.
        text += QByteArray("Defaults:") + user + " logfile=" + QFile::encodeName(sudoLog()) +
                ", loglinelen=0, !lecture\n";
        text += QByteArray("Cmnd_Alias ") + a + " = /usr/bin/true, \\\n";
        text += QByteArray("    ") + kNginx + " -T -p " + d + "/ -c " + d + "/nginx.conf, \\\n";
        text += QByteArray("    /usr/bin/test -r ") + logs + "*, \\\n";
        text += QByteArray("    /usr/bin/stat -L -c * -- ") + logs + "*, \\\n";
        text += QByteArray("    /usr/bin/find ") + logs + " -maxdepth 1 -type f -name * -print0, \\\n";
        text += QByteArray("    /usr/bin/cat -- ") + logs + "*, \\\n";
        text += QByteArray("    /usr/bin/tail -c * -- ") + logs + "*, \\\n";
        text += QByteArray("    /usr/bin/gzip -dc -- ") + logs + "*\n";
        text += user + " ALL=(root) NOPASSWD: " + a + "\n";
        return text;
    }

    // Checked with visudo on its own, then moved into /etc/sudoers.d under a name with a dot (which sudo
    // ignores) and renamed into place, then the whole sudo configuration is checked again: a broken file
    // must never stay there, not even for a moment's sudo in another terminal.
    QString installSudoers()
    {
        const QString alias = QStringLiteral("GWB_TEST_") + test::ThrowawayAccounts::uniqueName({}).toUpper();
        const QString draft = path(QStringLiteral("sudoers.draft"));
        if (!writeFile(draft, sudoersText(alias)))
            return QStringLiteral("cannot write %1").arg(draft);
        QString out;
        if (!sh(QStringLiteral("visudo"), {QStringLiteral("-cf"), draft}, &out))
            return QStringLiteral("visudo -cf rejects our rule: ") + out;
        const QString final = QStringLiteral("/etc/sudoers.d/") + m_sudoUser;
        const QString staging = final + QStringLiteral(".partial");
        if (!QFile::copy(draft, staging) || !sh(QStringLiteral("chmod"), {QStringLiteral("0440"), staging}))
            return QStringLiteral("cannot write %1").arg(staging);
        if (!QFile::rename(staging, final)) {
            QFile::remove(staging);
            return QStringLiteral("cannot install %1").arg(final);
        }
        m_sudoers = final;
        if (!sh(QStringLiteral("visudo"), {QStringLiteral("-c")}, &out)) {
            removeSudoers();
            return QStringLiteral("visudo -c fails with our file in place: ") + out;
        }
        return {};
    }

    void removeSudoers()
    {
        if (m_sudoers.isEmpty())
            return;
        if (!QFile::remove(m_sudoers))
            qWarning("could not remove %s", qPrintable(m_sudoers));
        m_sudoers.clear();
    }

    // A small nginx of our own (the lab's logs are not what this test needs): one location proxies to a port
    // nobody listens on, so each request is a 502 with "connect() failed (111: Connection refused)".
    QString startNginx()
    {
        std::tie(m_port, m_deadPort) = twoFreePorts();
        if (!m_port)
            return QStringLiteral("no free ports");
        const QString d = m_dir.path();
        for (const char *sub : {"logs", "run", "tmp", "sudo"})
            if (!QDir(d).mkpath(QString::fromLatin1(sub)))
                return QStringLiteral("cannot create %1/%2").arg(d, QLatin1StringView(sub));
        // Searchable for everyone (the logins must reach the files to be told they cannot read them); the
        // sudo log stays root's.
        sh(QStringLiteral("chmod"), {QStringLiteral("0755"), d, path(QStringLiteral("logs")), path(QStringLiteral("run")),
                                     path(QStringLiteral("tmp"))});
        sh(QStringLiteral("chmod"), {QStringLiteral("0700"), path(QStringLiteral("sudo"))});
        const QString text = QStringLiteral(
                                 "daemon on;\n"
                                 "worker_processes 1;\n"
                                 "pid %1/run/nginx.pid;\n"
                                 "error_log %1/logs/error.log;\n"
                                 "events { worker_connections 64; }\n"
                                 "http {\n"
                                 "    access_log %1/logs/access.log;\n"
                                 "    client_body_temp_path %1/tmp/client_body;\n"
                                 "    proxy_temp_path %1/tmp/proxy;\n"
                                 "    fastcgi_temp_path %1/tmp/fastcgi;\n"
                                 "    uwsgi_temp_path %1/tmp/uwsgi;\n"
                                 "    scgi_temp_path %1/tmp/scgi;\n"
                                 "    upstream orders { server 127.0.0.1:%3; }\n"
                                 "    server {\n"
                                 "        listen 127.0.0.1:%2;\n"
                                 "        location /api/ { proxy_pass http://orders; }\n"
                                 "        location / { return 200 \"ok\\n\"; }\n"
                                 "    }\n"
                                 "}\n")
                                 .arg(d)
                                 .arg(m_port)
                                 .arg(m_deadPort);
        if (!writeFile(conf(), text.toUtf8()))
            return QStringLiteral("cannot write %1").arg(conf());
        QString out;
        if (!sh(QString::fromLatin1(kNginx), {QStringLiteral("-p"), d + QLatin1Char('/'), QStringLiteral("-c"), conf()},
                &out))
            return QStringLiteral("nginx did not start: ") + out;
        m_nginxPid = readFile(path(QStringLiteral("run/nginx.pid"))).trimmed().toLongLong();
        if (m_nginxPid <= 0)
            return QStringLiteral("nginx wrote no pid");
        for (int i = 0; i < kRequests; ++i)
            sh(QStringLiteral("curl"), {QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                                        QStringLiteral("http://127.0.0.1:%1/api/orders/%2").arg(m_port).arg(i)});
        return {};
    }

    void stopNginx()
    {
        if (m_nginxPid <= 0)
            return;
        // Only if that pid still is our master (it carries our configuration path on its command line).
        if (readFile(QStringLiteral("/proc/%1/cmdline").arg(m_nginxPid)).contains(QFile::encodeName(conf()))) {
            ::kill(pid_t(m_nginxPid), SIGQUIT);
            for (int i = 0; i < 100 && QFile::exists(QStringLiteral("/proc/%1").arg(m_nginxPid)); ++i)
                QTest::qWait(50);
        }
        m_nginxPid = 0;
    }

    // Yesterday's logs as logrotate leaves them on Debian (0640 root:adm), and fresh, empty current ones.
    // The current logs and the pid file are writable by m_group: nginx -T opens them for writing, and
    // without that it fails for anyone but root — that case is tested on its own below.
    QString rotate()
    {
        for (const char *log : {"access.log", "error.log"}) {
            const QString current = path(QStringLiteral("logs/") + QLatin1StringView(log));
            if (!QFile::rename(current, rotated(log)))
                return QStringLiteral("cannot rotate %1").arg(current);
            if (!sh(QStringLiteral("chown"), {QStringLiteral("root:adm"), rotated(log)}) ||
                !sh(QStringLiteral("chmod"), {QStringLiteral("0640"), rotated(log)}))
                return QStringLiteral("cannot chown %1 to root:adm").arg(rotated(log));
            if (!writeFile(current, {}) || !sh(QStringLiteral("chown"), {QStringLiteral("root:") + m_group, current}) ||
                !sh(QStringLiteral("chmod"), {QStringLiteral("0660"), current}))
                return QStringLiteral("cannot create %1").arg(current);
        }
        const QString pid = path(QStringLiteral("run/nginx.pid"));
        if (!sh(QStringLiteral("chown"), {QStringLiteral("root:") + m_group, pid}) ||
            !sh(QStringLiteral("chmod"), {QStringLiteral("0660"), pid}))
            return QStringLiteral("cannot share %1").arg(pid);
        return {};
    }

    void cleanAll()
    {
        stopNginx();
        m_sshd.stop(); // ends the accounts' sessions, so userdel does not refuse them
        removeSudoers();
        m_accounts.removeAll();
    }

public:
    ~TestSudoSsh() override { cleanAll(); }

private slots:
    void initTestCase()
    {
        if (const QString why = test::ThrowawayAccounts::unavailableReason(); !why.isEmpty())
            QSKIP(qPrintable(why));
        if (!QFile::exists(QStringLiteral("/usr/bin/sudo")) || !QFile::exists(QStringLiteral("/usr/sbin/visudo")))
            QSKIP("needs sudo (Debian: apt-get install sudo)");
        if (!test::SshdFixture::available() || !QFile::exists(QString::fromLatin1(kNginx)))
            QSKIP("needs /usr/sbin/sshd and /usr/sbin/nginx");
        if (!sh(QStringLiteral("getent"), {QStringLiteral("group"), QStringLiteral("adm")}))
            QSKIP("needs the adm group");
        QVERIFY(m_dir.isValid());

        m_sudoUser = test::ThrowawayAccounts::uniqueName(QStringLiteral("gwbsudo"));
        m_noSudoUser = test::ThrowawayAccounts::uniqueName(QStringLiteral("gwbnosudo"));
        m_group = test::ThrowawayAccounts::uniqueName(QStringLiteral("gwbweb"));
        QString failure = m_accounts.addGroup(m_group);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        for (const QString &user : {m_sudoUser, m_noSudoUser}) {
            failure = m_accounts.addUser(user, {m_group});
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
        }
        failure = startNginx();
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QTRY_COMPARE_WITH_TIMEOUT(int(readFile(path(QStringLiteral("logs/access.log"))).count(" 502 ")), kRequests,
                                  10000);
        QVERIFY(readFile(path(QStringLiteral("logs/error.log"))).contains("Connection refused"));
        failure = rotate();
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        failure = installSudoers();
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        failure = m_sshd.start({QStringLiteral("--user"), m_sudoUser, QStringLiteral("--user"), m_noSudoUser});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    void cleanupTestCase()
    {
        const QString sudoers = m_sudoers;
        cleanAll();
        QVERIFY(!QFile::exists(sudoers));
        for (const QString &user : {m_sudoUser, m_noSudoUser}) {
            if (user.isEmpty())
                continue; // skipped before any account was made
            QVERIFY2(!test::ThrowawayAccounts::exists(user), qPrintable(user));
            QVERIFY(!QFile::exists(QStringLiteral("/home/") + user));
        }
    }

    // The fixture is what the test claims: the logins cannot read yesterday's logs on their own.
    void theRotatedLogsAreUnreadableForTheLogins()
    {
        for (const char *log : {"access.log", "error.log"}) {
            QVERIFY(readFile(rotated(log)).size() > 0);
            const QFileInfo info(rotated(log));
            QCOMPARE(info.group(), QStringLiteral("adm"));
            QVERIFY(!(info.permissions() & QFile::ReadOther));
        }
        QVERIFY(!sh(QStringLiteral("runuser"), {QStringLiteral("-u"), m_sudoUser, QStringLiteral("--"),
                                                QStringLiteral("cat"), rotated("access.log")}));
    }

    void withSudoTheLogsAreReadAndDiagnosed()
    {
        const QByteArray before = sudoLogged();
        const GwbRun r = diagnose(m_sudoUser, true);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray findings =
            QJsonDocument::fromJson(r.out).object()[QStringLiteral("findings")].toArray();
        bool refused = false;
        for (const QJsonValue &v : findings)
            refused = refused || (v.toObject()[QStringLiteral("cause")].toString() == QStringLiteral("backend-refused") &&
                                  v.toObject()[QStringLiteral("location")].toString().contains(QStringLiteral("/api/")));
        QVERIFY2(refused, qPrintable(QStringLiteral("no backend-refused at /api/; found: ") + findingsText(findings)));
        QVERIFY2(!messages(r).contains(QStringLiteral("cannot read")), qPrintable(messages(r)));
        QVERIFY2(!messages(r).contains(QStringLiteral("sudo -n does not work")), qPrintable(messages(r)));
        // sudo itself saw the reads of the rotated files, as root.
        const QByteArray logged = sudoLogged().mid(before.size());
        QVERIFY2(logged.contains("COMMAND=/usr/bin/true"), logged.constData());
        QVERIFY2(logged.contains("COMMAND=/usr/sbin/nginx -T"), logged.constData());
        QVERIFY2(logged.contains(QFile::encodeName(rotated("access.log"))), logged.constData());
        QVERIFY2(!logged.contains("command not allowed"), logged.constData());
    }

    void collectWithSudoBundlesTheRotatedLogs()
    {
        QTemporaryDir out;
        const QString bundle = out.filePath(QStringLiteral("bundle"));
        const GwbRun c = runGwb(QStringList{QStringLiteral("collect"), QStringLiteral("--output"), bundle} +
                                sshArgs(m_sudoUser) + QStringList{QStringLiteral("--sudo")});
        qInfo("gwb collect --sudo → exit %d\n%s%s", c.exitCode, c.out.constData(), c.err.constData());
        QVERIFY2(c.exitCode == 0, c.err.constData());
        const QByteArray manifest = readFile(bundle + QStringLiteral("/manifest.json"));
        for (const char *log : {"access.log", "error.log"})
            QVERIFY2(manifest.contains(QFile::encodeName(rotated(log))), manifest.constData());
    }

    void withoutSudoTheMessageNamesFilePermissionAndFix()
    {
        const QByteArray before = sudoLogged();
        const GwbRun r = diagnose(m_sudoUser, false);
        QVERIFY2(r.exitCode == 0, r.err.constData()); // the other logs were collected and diagnosed
        const QString err = messages(r);
        for (const char *log : {"access.log", "error.log"}) {
            const QString file = rotated(log);
            QVERIFY2(err.contains(QStringLiteral("cannot read %1 as %2").arg(file, m_sudoUser)), qPrintable(err));
        }
        QVERIFY2(err.contains(QStringLiteral("owned by root:adm with mode 0640")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("no read permission")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("usermod -aG adm %1").arg(m_sudoUser)), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("pass --sudo")), qPrintable(err));
        // The 502s are in the unreadable files: nothing to find, and nothing was read through sudo.
        QVERIFY(QJsonDocument::fromJson(r.out).object()[QStringLiteral("findings")].toArray().isEmpty());
        QCOMPARE(sudoLogged(), before);
    }

    void collectWithoutSudoSaysTheSame()
    {
        QTemporaryDir out;
        const QString bundle = out.filePath(QStringLiteral("bundle"));
        const GwbRun c = runGwb(QStringList{QStringLiteral("collect"), QStringLiteral("--output"), bundle} +
                                sshArgs(m_sudoUser));
        qInfo("gwb collect → exit %d\n%s%s", c.exitCode, c.out.constData(), c.err.constData());
        QVERIFY2(c.exitCode == 0, c.err.constData());
        const QString all = QString::fromUtf8(c.out + c.err);
        QVERIFY2(all.contains(QStringLiteral("cannot read %1").arg(rotated("access.log"))), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("adm")), qPrintable(all));
        QVERIFY(QFile::exists(bundle + QStringLiteral("/manifest.json")));
        // The readable current logs are in the bundle; the rotated ones are not (only named in a warning).
        QVERIFY2(all.contains(path(QStringLiteral("logs/access.log")) + QStringLiteral(" → ")), qPrintable(all));
        QVERIFY2(!all.contains(rotated("access.log") + QStringLiteral(" → ")), qPrintable(all));
    }

    void sudoThatDoesNotWorkIsSaidAndCollectionGoesOn()
    {
        const GwbRun r = diagnose(m_noSudoUser, true);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString err = messages(r);
        QVERIFY2(err.contains(QStringLiteral("--sudo was given but sudo -n does not work for this user")),
                 qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("continuing without sudo")), qPrintable(err));
        // It went on without sudo: the dump worked, the readable logs were read, the others are named.
        QVERIFY2(err.contains(QStringLiteral("cannot read %1 as %2").arg(rotated("access.log"), m_noSudoUser)),
                 qPrintable(err));
        // The advice does not send the user back to --sudo, which was just seen not to work.
        QVERIFY2(err.contains(QStringLiteral("run sudo -n without a password")), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("pass --sudo")), qPrintable(err));
        QVERIFY(QJsonDocument::fromJson(r.out).object().contains(QStringLiteral("findings")));
    }

    // On most hosts nginx -T itself needs root (it opens the pid file and the logs for writing): without
    // --sudo that is one clear error that names the file and the way out; with --sudo it works.
    void nginxDumpThatNeedsRootSaysSo()
    {
        const QString pid = path(QStringLiteral("run/nginx.pid"));
        QVERIFY(sh(QStringLiteral("chmod"), {QStringLiteral("0600"), pid}));
        const GwbRun r = diagnose(m_sudoUser, false);
        const GwbRun withSudo = diagnose(m_sudoUser, true);
        QVERIFY(sh(QStringLiteral("chmod"), {QStringLiteral("0660"), pid}));

        QVERIFY(r.exitCode != 0);
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.contains(QStringLiteral(" -T failed on ")), qPrintable(err));
        QVERIFY2(err.contains(pid), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("Permission denied")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("pass --sudo")), qPrintable(err));
        QVERIFY2(withSudo.exitCode == 0, withSudo.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSudoSsh)
#include "tst_sudo_ssh.moc"
