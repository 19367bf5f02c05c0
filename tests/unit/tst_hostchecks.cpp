// The host and capture checks: their parsers against outputs in the shape Debian 12's tools print, the
// checks' judgements through a scripted transport, and the checks that work on this machine through a real
// LocalTransport (dns, ephemeral-ports, tls-probe against a plain-HTTP port, tcpdump with and without
// consent).
#include "checks/capturesummary.h"
#include "checks/checkengine.h"
#include "checks/hostparsers.h"
#include "diagnosis/investigation.h"
#include "nginx/configparser.h"
#include "transport/localtransport.h"

#include <QHostAddress>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace gwb;
using namespace std::chrono_literals;

namespace {

// Answers commands from a script: the first entry whose key occurs in the rendered text wins; anything
// unscripted "is not installed".
class ScriptedTransport final : public Transport
{
public:
    struct Reply
    {
        QByteArray key;
        CommandOutput output;
    };
    std::vector<Reply> replies;
    QStringList sent;

    void on(const char *key, int exitCode, QByteArray out, QByteArray err = {})
    {
        replies.push_back({QByteArray(key), CommandOutput{exitCode, std::move(out), std::move(err)}});
    }
    Result<CommandOutput> run(const RemoteCommand &command, std::chrono::milliseconds,
                              const CancelToken &) override
    {
        auto text = command.render();
        if (!text)
            return text.error();
        sent << QString::fromUtf8(*text);
        for (const Reply &r : replies)
            if (text->contains(r.key))
                return r.output;
        return CommandOutput{127, {}, QByteArray("sh: 1: " + text->split(' ').value(0) + ": not found\n")};
    }
    Result<StreamEnd> stream(const RemoteCommand &, const ChunkSink &, const ProgressSink &,
                             const CancelToken &) override
    {
        return Error::io(QStringLiteral("not scripted"));
    }
    QString describe() const override { return QStringLiteral("scripted"); }
};

const Check *checkById(const CheckRegistry &registry, const char *id)
{
    const Check *c = registry.find(QString::fromLatin1(id));
    if (!c)
        qFatal("no check %s", id);
    return c;
}

CheckSubject peer(const QString &host, int port, const QString &scheme = QStringLiteral("http"))
{
    CheckSubject s;
    s.kind = CheckSubject::Kind::Peer;
    s.host = host;
    s.port = port;
    s.scheme = scheme;
    s.peer = QStringLiteral("%1:%2").arg(host).arg(port);
    return s;
}

void scriptRootHost(ScriptedTransport &t)
{
    t.on("id -un", 0, "root\nroot\n");
    t.on("ps -eo pid=,ppid=,user=,args=", 0,
         "    1     0 root     /sbin/init\n"
         "  812     1 root     nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\n"
         "  813   812 www-data nginx: worker process\n"
         "  814   812 www-data nginx: worker process\n");
}

void scriptUserHost(ScriptedTransport &t)
{
    t.on("id -un", 0, "deploy\ndeploy sudo\n");
    t.on("ps -eo pid=,ppid=,user=,args=", 0,
         "  812     1 root     nginx: master process /usr/sbin/nginx\n"
         "  813   812 www-data nginx: worker process\n");
}

// A plain-HTTP server on its own thread (the checks block the test's thread while a command runs).
class PlainHttpServer final : public QThread
{
public:
    quint16 port() const { return m_port.load(); }

protected:
    void run() override
    {
        QTcpServer server;
        if (!server.listen(QHostAddress::LocalHost, 0))
            return;
        QObject::connect(&server, &QTcpServer::newConnection, &server, [&server] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write(
                        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 11\r\n"
                        "Connection: close\r\n\r\nbad request");
                    socket->disconnectFromHost();
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        m_port.store(server.serverPort());
        exec();
    }

private:
    std::atomic<quint16> m_port{0};
};

bool connectOnce(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    if (ok)
        (void)::write(fd, "GET / HTTP/1.0\r\n\r\n", 18);
    ::close(fd);
    return ok;
}

} // namespace

class TestHostChecks final : public QObject
{
    Q_OBJECT
private slots:
    // --- parsers
    // -----------------------------------------------------------------------------------------------

    void commandTroubles()
    {
        QCOMPARE(commandTrouble(0, "warning: something\n"), CommandTrouble::None);
        QCOMPARE(commandTrouble(127, "sh: 1: nft: not found\n"), CommandTrouble::ToolMissing);
        QCOMPARE(commandTrouble(1, "sudo: nft: command not found\n"), CommandTrouble::ToolMissing);
        QCOMPARE(commandTrouble(1, "sudo: a password is required\n"), CommandTrouble::SudoRefused);
        QCOMPARE(commandTrouble(127, "sh: 1: sudo: not found\n"), CommandTrouble::SudoRefused);
        QCOMPARE(commandTrouble(1, "dmesg: read kernel buffer failed: Operation not permitted\n"),
                 CommandTrouble::PermissionDenied);
        QCOMPARE(commandTrouble(1, "Operation not permitted (you must be root)\n"
                                   "netlink: Error: cache initialization failed: Operation not permitted\n"),
                 CommandTrouble::PermissionDenied);
        QCOMPARE(commandTrouble(1, "cat: /proc/813/limits: Permission denied\n"),
                 CommandTrouble::PermissionDenied);
        QCOMPARE(
            commandTrouble(1, "cat: /sys/module/apparmor/parameters/enabled: No such file or directory\n"),
            CommandTrouble::NoSuchFile);
        QCOMPARE(commandTrouble(124, ""), CommandTrouble::TimedOut);
    }

    void seLinux()
    {
        SeLinuxState s = parseSeLinuxState(
            "Enforcing\nhttpd_can_network_connect --> off\nhttpd_can_network_relay --> on\n", "");
        QCOMPARE(s.mode, SeLinuxState::Mode::Enforcing);
        QCOMPARE(s.booleans.at(QStringLiteral("httpd_can_network_connect")), false);
        QCOMPARE(s.booleans.at(QStringLiteral("httpd_can_network_relay")), true);
        s = parseSeLinuxState("", "sh: 1: getenforce: not found\nsh: 1: getsebool: not found\n");
        QCOMPARE(s.mode, SeLinuxState::Mode::ToolsMissing);
        s = parseSeLinuxState("Disabled\n", "getsebool:  SELinux is disabled\n");
        QCOMPARE(s.mode, SeLinuxState::Mode::Disabled);
        QVERIFY(s.booleans.empty());
    }

    void appArmor()
    {
        AppArmorLabel l = parseAppArmorLabel("unconfined\n");
        QVERIFY(l.unconfined);
        l = parseAppArmorLabel(QByteArrayView("/usr/sbin/nginx (enforce)\n\0", 27));
        QVERIFY(!l.unconfined);
        QCOMPARE(l.profile, QStringLiteral("/usr/sbin/nginx"));
        QCOMPARE(l.mode, QStringLiteral("enforce"));
        l = parseAppArmorLabel("nginx (complain)\n");
        QCOMPARE(l.mode, QStringLiteral("complain"));
        QVERIFY(!l.unconfined);
    }

    void nftRules()
    {
        const QByteArray ruleset = "table inet filter {\n"
                                   "\tset blocked_v4 {\n"
                                   "\t\ttype ipv4_addr\n"
                                   "\t\telements = { 192.0.2.10, 192.0.2.11 }\n"
                                   "\t}\n"
                                   "\n"
                                   "\tchain input {\n"
                                   "\t\ttype filter hook input priority filter; policy accept;\n"
                                   "\t\tiif \"lo\" accept\n"
                                   "\t\tct state established,related accept\n"
                                   "\t\ttcp dport 9000 drop\n"
                                   "\t\tudp dport 8080 drop\n"
                                   "\t}\n"
                                   "\n"
                                   "\tchain output {\n"
                                   "\t\ttype filter hook output priority filter; policy accept;\n"
                                   "\t\tip daddr 10.0.0.5 tcp dport { 8080, 8443-8450 } counter packets 3 "
                                   "bytes 180 reject with tcp reset\n"
                                   "\t\tjump egress_block\n"
                                   "\t}\n"
                                   "\n"
                                   "\tchain egress_block {\n"
                                   "\t\tip daddr 10.20.0.0/16 drop\n"
                                   "\t}\n"
                                   "}\n";
        const FirewallRules r = parseNftRuleset(ruleset);
        QCOMPARE(r.rules.size(), size_t(4));
        QCOMPARE(r.policies.size(), size_t(2));
        const FirewallRule &in = r.rules[0];
        QCOMPARE(in.hook, QStringLiteral("input"));
        QVERIFY(in.afterLoopbackAccept);
        QVERIFY(in.matchesPort(9000));
        QVERIFY(!in.matchesPort(9001));
        QVERIFY(r.rules[1].otherProtocol);
        const FirewallRule &out = r.rules[2];
        QCOMPARE(out.action, FirewallRule::Action::Reject);
        QCOMPARE(out.table, QStringLiteral("inet filter"));
        QCOMPARE(out.chain, QStringLiteral("output"));
        QCOMPARE(out.rejectWith, QStringLiteral("tcp reset"));
        QVERIFY(out.matchesPort(8080) && out.matchesPort(8445) && !out.matchesPort(8451));
        QVERIFY(out.namesAddress(QStringLiteral("10.0.0.5")));
        QVERIFY(!out.namesAddress(QStringLiteral("10.0.0.6")));
        const FirewallRule &custom = r.rules[3];
        QCOMPARE(custom.chain, QStringLiteral("egress_block"));
        QCOMPARE(custom.hook, QStringLiteral("output")); // reached by a jump from the output chain
        QVERIFY(custom.namesAddress(QStringLiteral("10.20.3.4")));
        QVERIFY(custom.dports.empty());
    }

    void iptablesRules()
    {
        const QByteArray rules = "-P INPUT ACCEPT\n"
                                 "-P FORWARD DROP\n"
                                 "-P OUTPUT ACCEPT\n"
                                 "-N APP-EGRESS\n"
                                 "-A INPUT -i lo -j ACCEPT\n"
                                 "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"
                                 "-A INPUT -p tcp -m multiport --dports 80,443,8000:8100 -j REJECT "
                                 "--reject-with icmp-port-unreachable\n"
                                 "-A OUTPUT -j APP-EGRESS\n"
                                 "-A APP-EGRESS -d 10.0.0.5/32 -p tcp -m tcp --dport 9000 -j DROP\n"
                                 "-A APP-EGRESS -p udp -m udp --dport 9000 -j DROP\n";
        const FirewallRules r = parseIptablesRules(rules);
        QCOMPARE(r.ruleLines, 6);
        QCOMPARE(r.rules.size(), size_t(3));
        QCOMPARE(r.rules[0].hook, QStringLiteral("input"));
        QVERIFY(r.rules[0].afterLoopbackAccept);
        QCOMPARE(r.rules[0].rejectWith, QStringLiteral("icmp-port-unreachable"));
        QVERIFY(r.rules[0].matchesPort(8050) && r.rules[0].matchesPort(443) && !r.rules[0].matchesPort(8101));
        QCOMPARE(r.rules[1].hook, QStringLiteral("output"));
        QCOMPARE(r.rules[1].action, FirewallRule::Action::Drop);
        QVERIFY(r.rules[1].namesAddress(QStringLiteral("10.0.0.5")));
        QVERIFY(r.rules[2].otherProtocol);
        QCOMPARE(r.policies.size(), size_t(3));
    }

    void getent()
    {
        QCOMPARE(parseGetentHosts(
                     "127.0.0.1       STREAM localhost\n127.0.0.1       DGRAM  \n127.0.0.1       RAW    \n"
                     "::1             STREAM localhost\n::1             DGRAM  \n"),
                 (QStringList{QStringLiteral("127.0.0.1"), QStringLiteral("::1")}));
        QVERIFY(parseGetentHosts("").isEmpty());
        QVERIFY(isIpLiteral(QStringLiteral("10.0.0.1")) && isIpLiteral(QStringLiteral("[::1]")));
        QVERIFY(!isIpLiteral(QStringLiteral("app.internal")));
    }

    void tlsOutputs()
    {
        TlsProbeOutcome t = parseTlsProbe(0, "",
                                          "depth=0 CN = app.internal\n"
                                          "verify error:num=18:self-signed certificate\n"
                                          "CONNECTION ESTABLISHED\n"
                                          "Protocol version: TLSv1.3\n"
                                          "Ciphersuite: TLS_AES_256_GCM_SHA384\n"
                                          "Peer certificate: CN = app.internal\n"
                                          "Hash used: SHA256\n"
                                          "Signature type: RSA-PSS\n"
                                          "Verification error: self-signed certificate\n"
                                          "Server Temp Key: X25519, 253 bits\n"
                                          "DONE\n");
        QCOMPARE(t.kind, TlsProbeOutcome::Kind::Established);
        QCOMPARE(t.protocol, QStringLiteral("TLSv1.3"));
        QCOMPARE(t.cipher, QStringLiteral("TLS_AES_256_GCM_SHA384"));
        QCOMPARE(t.verifyError, QStringLiteral("self-signed certificate"));
        QVERIFY(!t.verified);

        t = parseTlsProbe(1, "",
                          "40E7C8F1B67F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version "
                          "number:../ssl/record/ssl3_record.c:354:\n");
        QCOMPARE(t.kind, TlsProbeOutcome::Kind::PlainText);
        QCOMPARE(t.detail, QStringLiteral("wrong version number"));

        t = parseTlsProbe(1, "",
                          "40D78FDCB07F0000:error:8000006F:system library:BIO_connect:Connection "
                          "refused:../crypto/bio/bio_sock2.c:117:calling connect()\n"
                          "40D78FDCB07F0000:error:10000067:BIO routines:BIO_connect:connect "
                          "error:../crypto/bio/bio_sock2.c:119:\nconnect:errno=111\n");
        QCOMPARE(t.kind, TlsProbeOutcome::Kind::ConnectFailed);

        t = parseTlsProbe(
            1, "",
            "40F7A1E3D57F0000:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake "
            "failure:../ssl/record/rec_layer_s3.c:1584:SSL alert number 40\n");
        QCOMPARE(t.kind, TlsProbeOutcome::Kind::HandshakeFailed);
        QCOMPARE(t.detail, QStringLiteral("sslv3 alert handshake failure"));

        t = parseTlsProbe(124, "", "");
        QCOMPARE(t.kind, TlsProbeOutcome::Kind::TimedOut);
    }

    void limitsAndSockets()
    {
        const QByteArray limits =
            "Limit                     Soft Limit           Hard Limit           Units     \n"
            "Max cpu time              unlimited            unlimited            seconds   \n"
            "Max processes             15422                15422                processes \n"
            "Max open files            1024                 524288               files     \n"
            "Max locked memory         8388608              8388608              bytes     \n";
        const auto l = parseProcLimit(limits);
        QVERIFY(l);
        QCOMPARE(l->soft, qint64(1024));
        QCOMPARE(l->hard, qint64(524288));
        const auto cpu = parseProcLimit(limits, "Max cpu time");
        QVERIFY(cpu && cpu->soft == -1);
        QVERIFY(!parseProcLimit("garbage\n"));

        const auto totals =
            parseSocketSummary("Total: 178\nTCP:   23 (estab 9, closed 3, orphaned 0, timewait 3)\n\n"
                               "Transport Total     IP        IPv6\nRAW\t  0         0         0\n");
        QVERIFY(totals);
        QCOMPARE(totals->tcp, qint64(23));
        QCOMPARE(totals->established, qint64(9));
        QCOMPARE(totals->timeWait, qint64(3));

        const auto range = parsePortRange("32768\t60999\n");
        QVERIFY(range && range->first == 32768 && range->second == 60999);
        QVERIFY(!parsePortRange("60999 32768\n"));
        QCOMPARE(parseLineCount("  4711\n"), std::optional<qint64>(4711));
    }

    void configDirectives()
    {
        const ParsedConfig parsed =
            ConfigParser::parseText("user www-data;\nworker_processes auto;\n"
                                    "worker_rlimit_nofile 8192;\n"
                                    "events {\n    worker_connections 4096;\n    multi_accept on;\n}\n"
                                    "http {\n    server { listen 80; }\n}\n",
                                    QStringLiteral("nginx.conf"));
        const ConfigDirective *wc = findMainDirective(
            parsed.directives, {QStringLiteral("events"), QStringLiteral("worker_connections")});
        QVERIFY(wc);
        QCOMPARE(wc->args.value(0), QStringLiteral("4096"));
        const ConfigDirective *rl =
            findMainDirective(parsed.directives, {QStringLiteral("worker_rlimit_nofile")});
        QVERIFY(rl && rl->args.value(0) == QLatin1StringView("8192"));
        QVERIFY(!findMainDirective(parsed.directives,
                                   {QStringLiteral("worker_connections")})); // only inside events
    }

    void kernelLog()
    {
        const QByteArray journal =
            "2024-05-03T10:11:58+0200 web1 kernel: php-fpm8.2 invoked oom-killer: "
            "gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n"
            "2024-05-03T10:11:58+0200 web1 kernel: "
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/"
            ",mems_allowed=0,global_oom,task_memcg=/system.slice/"
            "php8.2-fpm.service,task=php-fpm8.2,pid=2345,uid=33\n"
            "2024-05-03T10:11:58+0200 web1 kernel: Out of memory: Killed process 2345 (php-fpm8.2) "
            "total-vm:1345672kB, anon-rss:987654kB, file-rss:0kB, shmem-rss:0kB, UID:33 pgtables:2400kB "
            "oom_score_adj:0\n"
            "2024-05-03T10:11:58+0200 web1 kernel: oom_reaper: reaped process 2345 (php-fpm8.2), now "
            "anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n"
            "2024-05-03T10:20:00+0200 web1 kernel: Memory cgroup out of memory: Killed process 3456 (node) "
            "total-vm:2345678kB, anon-rss:512000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1800kB "
            "oom_score_adj:0\n"
            "2024-05-03T10:21:00+0200 web1 kernel: EXT4-fs (vda1): mounted filesystem\n";
        const auto kills = parseOomKills(journal);
        QCOMPARE(kills.size(), size_t(2));
        QCOMPARE(kills[0].pid, qint64(2345));
        QCOMPARE(kills[0].process, QStringLiteral("php-fpm8.2"));
        QCOMPARE(kills[0].cgroup, QStringLiteral("/system.slice/php8.2-fpm.service"));
        QVERIFY(kills[0].line.contains(QLatin1StringView("Killed process 2345")));
        QCOMPARE(kills[0].wallMs,
                 QDateTime(QDate(2024, 5, 3), QTime(10, 11, 58), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(kills[1].process, QStringLiteral("node"));

        const auto fromDmesg =
            parseOomKills("[12345.678901] Out of memory: Killed process 999 (java) total-vm:1kB\n");
        QCOMPARE(fromDmesg.size(), size_t(1));
        QCOMPARE(fromDmesg[0].wallMs, qint64(0));
        QVERIFY(parseOomKills("[    1.259192] random: crng reseeded\n").empty());
    }

    void tcpdumpLines()
    {
        auto p = parseTcpdumpLine(
            "16:32:25.313170 lo    In  IP 127.0.0.1.57156 > 127.0.0.1.18444: Flags [S], seq 2296431332, "
            "win 65495, options [mss 65495,sackOK,TS val 2322192399 ecr 0,nop,wscale 10], length 0");
        QVERIFY(p);
        QCOMPARE(p->srcHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(p->srcPort, 57156);
        QCOMPARE(p->dstPort, 18444);
        QVERIFY(p->syn() && !p->ack());
        QCOMPARE(p->timeUs, ((16LL * 60 + 32) * 60 + 25) * 1000000 + 313170);
        p = parseTcpdumpLine(
            "10:00:00.000001 eth0  Out IP6 2001:db8::1.40000 > 2001:db8::2.8080: Flags [P.], seq 1:80, "
            "ack 1, win 64, length 79");
        QVERIFY(p);
        QCOMPARE(p->srcHost, QStringLiteral("2001:db8::1"));
        QCOMPARE(p->dstPort, 8080);
        QCOMPARE(p->length, qint64(79));
        p = parseTcpdumpLine(
            "10:00:00.000001 IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [R.], seq 0, ack 1, win 0, length 0");
        QVERIFY(p && p->rst());
        QVERIFY(!parseTcpdumpLine(
            "listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 128 bytes"));
    }

    void captureSummaries()
    {
        // A normal exchange (captured on loopback): nginx's side closes first.
        const QByteArray normal = "16:32:25.313170 lo    In  IP 127.0.0.1.57156 > 127.0.0.1.8080: Flags [S], "
                                  "seq 1, win 65495, length 0\n"
                                  "16:32:25.313183 lo    In  IP 127.0.0.1.8080 > 127.0.0.1.57156: Flags "
                                  "[S.], seq 3, ack 2, win 65483, length 0\n"
                                  "16:32:25.313196 lo    In  IP 127.0.0.1.57156 > 127.0.0.1.8080: Flags [.], "
                                  "ack 1, win 64, length 0\n"
                                  "16:32:25.313247 lo    In  IP 127.0.0.1.57156 > 127.0.0.1.8080: Flags "
                                  "[P.], seq 1:80, ack 1, win 64, length 79\n"
                                  "16:32:25.315311 lo    In  IP 127.0.0.1.8080 > 127.0.0.1.57156: Flags "
                                  "[P.], seq 1:157, ack 80, win 64, length 156\n"
                                  "16:32:25.315494 lo    In  IP 127.0.0.1.57156 > 127.0.0.1.8080: Flags "
                                  "[F.], seq 80, ack 157, win 106, length 0\n"
                                  "16:32:25.316563 lo    In  IP 127.0.0.1.8080 > 127.0.0.1.57156: Flags "
                                  "[F.], seq 157, ack 81, win 64, length 0\n";
        CaptureSummary s = summariseCapture(normal, 8080, QStringLiteral("127.0.0.1"));
        QCOMPARE(s.packets, 7);
        QCOMPARE(s.connections, 1);
        QCOMPARE(s.syn, 1);
        QCOMPARE(s.synAck, 1);
        QCOMPARE(s.bytesToPeer, qint64(79));
        QCOMPARE(s.bytesFromPeer, qint64(156));
        QCOMPARE(s.refused + s.unanswered + s.resetAfterData + s.peerClosedFirst, 0);

        // Refused: SYN answered by RST.
        s = summariseCapture("10:00:00.000001 eth0  Out IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [S], seq 1, "
                             "win 64240, length 0\n"
                             "10:00:00.000300 eth0  In  IP 10.0.0.2.8080 > 10.0.0.1.40000: Flags [R.], seq "
                             "0, ack 2, win 0, length 0\n",
                             8080, QStringLiteral("10.0.0.2"));
        QCOMPARE(s.refused, 1);
        QCOMPARE(s.rstFromPeer, 1);

        // Dropped: the SYN is retransmitted, nothing comes back; a copy on a bridge counts once.
        s = summariseCapture("10:00:00.000001 docker0 Out IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [S], seq "
                             "1, win 64240, length 0\n"
                             "10:00:00.000020 veth1 Out IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [S], seq 1, "
                             "win 64240, length 0\n"
                             "10:00:01.020001 eth0  Out IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [S], seq 1, "
                             "win 64240, length 0\n"
                             "10:00:03.100001 eth0  Out IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [S], seq 1, "
                             "win 64240, length 0\n",
                             8080, QStringLiteral("10.0.0.2"));
        QCOMPARE(s.packets, 3);
        QCOMPARE(s.syn, 3);
        QCOMPARE(s.synRetransmits, 2);
        QCOMPARE(s.unanswered, 1);
        QCOMPARE(s.unansweredRetried, 1);

        // Reset after the request was sent, and a premature close on a second connection.
        s = summariseCapture(
            "10:00:00.000001 IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [S], seq 1, length 0\n"
            "10:00:00.000100 IP 10.0.0.2.8080 > 10.0.0.1.40000: Flags [S.], seq 5, ack 2, length 0\n"
            "10:00:00.000200 IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [P.], seq 1:300, ack 1, length 299\n"
            "10:00:00.500000 IP 10.0.0.2.8080 > 10.0.0.1.40000: Flags [R.], seq 1, ack 300, length 0\n"
            "10:00:01.000001 IP 10.0.0.1.40002 > 10.0.0.2.8080: Flags [S], seq 1, length 0\n"
            "10:00:01.000100 IP 10.0.0.2.8080 > 10.0.0.1.40002: Flags [S.], seq 5, ack 2, length 0\n"
            "10:00:01.000200 IP 10.0.0.1.40002 > 10.0.0.2.8080: Flags [P.], seq 1:300, ack 1, length 299\n"
            "10:00:01.200000 IP 10.0.0.2.8080 > 10.0.0.1.40002: Flags [F.], seq 1, ack 300, length 0\n"
            "10:00:01.200100 IP 10.0.0.1.40002 > 10.0.0.2.8080: Flags [F.], seq 300, ack 2, length 0\n",
            8080, QStringLiteral("10.0.0.2"));
        QCOMPARE(s.connections, 2);
        QCOMPARE(s.resetAfterData, 1);
        QCOMPARE(s.peerClosedFirst, 1);
        QCOMPARE(s.peerClosedBeforeReply, 1);
        QCOMPARE(s.refused, 0);
    }

    void straceTable()
    {
        const QByteArray out = "strace: Process 813 attached\n"
                               "strace: Process 813 detached\n"
                               "% time     seconds  usecs/call     calls    errors syscall\n"
                               "------ ----------- ----------- --------- --------- ----------------\n"
                               " 61.20    0.004210          35       120           epoll_wait\n"
                               " 14.02    0.000965           8       118        40 recvfrom\n"
                               " 10.11    0.000696           5       118           writev\n"
                               "  8.00    0.000550          13        40        40 connect\n"
                               "  6.67    0.000459           3       118           close\n"
                               "------ ----------- ----------- --------- --------- ----------------\n"
                               "100.00    0.006880          13       514        80 total\n";
        const StraceTable t = parseStraceSummary(out);
        QVERIFY(t.attached);
        QVERIFY(t.problem.isEmpty());
        QCOMPARE(t.rows.size(), size_t(5));
        QCOMPARE(t.rows[0].name, QStringLiteral("epoll_wait"));
        QCOMPARE(t.rows[0].calls, qint64(120));
        QCOMPARE(t.rows[0].errors, qint64(0));
        QCOMPARE(t.rows[1].errors, qint64(40));
        QVERIFY(t.total && t.total->calls == 514 && t.total->errors == 80);

        const StraceTable refused =
            parseStraceSummary("strace: attach: ptrace(PTRACE_SEIZE, 813): Operation not permitted\n");
        QVERIFY(refused.rows.empty());
        QVERIFY(refused.problem.contains(QLatin1StringView("Operation not permitted")));
    }

    // --- judgements through a scripted host
    // --------------------------------------------------------------------

    void everyCheckSaysWhenThereIsNoHost()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        CheckOptions options;
        options.consent.tcpdump = options.consent.strace = true;
        CheckContext context(nullptr, nullptr, nullptr, options);
        for (const char *id : {"mac-policy", "firewall", "dns", "tls-probe", "worker-limits",
                               "ephemeral-ports", "oom-kills", "tcpdump-capture", "strace-worker"}) {
            const CheckResult r =
                checkById(registry, id)
                    ->run(peer(QStringLiteral("app.internal"), 443, QStringLiteral("https")), context);
            QVERIFY2(r.verdict == Verdict::CouldNotRun, id);
            QVERIFY2(r.summary.contains(QLatin1StringView("no host")), qPrintable(r.summary));
            QVERIFY2(!r.remedy.isEmpty(), id);
            QVERIFY2(r.commands.empty(), id);
        }
    }

    void plannedCommandTexts()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        CheckOptions options;
        options.sudo = SudoUse::Allowed;
        options.consent.maxSeconds = 3;
        options.consent.maxPackets = 50;
        CheckContext context(nullptr, nullptr, nullptr, options);
        const CheckSubject s = peer(QStringLiteral("10.0.0.5"), 8080);
        QCOMPARE(checkById(registry, "firewall")->plannedCommands(s, context).value(0),
                 QStringLiteral("sudo -n -- nft list ruleset"));
        QCOMPARE(
            checkById(registry, "tcpdump-capture")->plannedCommands(s, context).value(0),
            QStringLiteral(
                "sudo -n -- timeout 3 tcpdump -nn -l -i any -s 128 -c 50 'tcp port 8080 and host 10.0.0.5'"));
        QCOMPARE(checkById(registry, "strace-worker")->plannedCommands(s, context).value(0),
                 QStringLiteral("sudo -n -- timeout -s INT 3 strace -f -c -p WORKER_PID"));
        QCOMPARE(checkById(registry, "dns")
                     ->plannedCommands(peer(QStringLiteral("app.internal"), 80), context)
                     .value(0),
                 QStringLiteral("getent ahosts 'app.internal'"));
        QVERIFY(!checkById(registry, "dns")->appliesTo(s, context));
        QVERIFY(!checkById(registry, "tls-probe")->appliesTo(s, context));
        QVERIFY(checkById(registry, "tls-probe")
                    ->appliesTo(peer(QStringLiteral("10.0.0.5"), 443, QStringLiteral("https")), context));
    }

    void macPolicyJudgements()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        {
            ScriptedTransport t;
            scriptRootHost(t);
            t.on("getenforce", 0,
                 "Enforcing\nhttpd_can_network_connect --> off\nhttpd_can_network_relay --> off\n");
            t.on("/sys/module/apparmor", 1, {},
                 "cat: /sys/module/apparmor/parameters/enabled: No such file or directory\n");
            CheckContext context(&t, nullptr, nullptr, CheckOptions{});
            const CheckResult r =
                checkById(registry, "mac-policy")->run(peer(QStringLiteral("10.0.0.5"), 8080), context);
            QCOMPARE(r.verdict, Verdict::Fail);
            QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::ConnectPermission));
            QVERIFY(r.remedy.contains(QLatin1StringView("setsebool -P httpd_can_network_connect 1")));
        }
        {
            ScriptedTransport t;
            scriptRootHost(t);
            t.on("getenforce", 127, {}, "sh: 1: getenforce: not found\nsh: 1: getsebool: not found\n");
            t.on("stat -c", 1, {}, "stat: cannot statx '/sys/fs/selinux': No such file or directory\n");
            t.on("/sys/module/apparmor", 0, "Y\n");
            t.on("/proc/813/attr/apparmor/current", 0, "/usr/sbin/nginx (enforce)\n");
            CheckContext context(&t, nullptr, nullptr, CheckOptions{});
            CheckSubject socket;
            socket.kind = CheckSubject::Kind::UnixSocket;
            socket.peer = QStringLiteral("unix:/run/php/php8.2-fpm.sock");
            socket.socketPath = QStringLiteral("/run/php/php8.2-fpm.sock");
            const CheckResult r = checkById(registry, "mac-policy")->run(socket, context);
            QCOMPARE(r.verdict, Verdict::Warn);
            QVERIFY(r.summary.contains(QLatin1StringView("/usr/sbin/nginx")));
            QVERIFY(r.facts.join(QLatin1Char('\n')).contains(QLatin1StringView("SELinux is not in use")));
        }
    }

    void firewallJudgements()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        {
            // Not root, no sudo: nothing is listed, and it says how to allow it.
            ScriptedTransport t;
            scriptUserHost(t);
            CheckContext context(&t, nullptr, nullptr, CheckOptions{});
            const CheckResult r =
                checkById(registry, "firewall")->run(peer(QStringLiteral("10.0.0.5"), 8080), context);
            QCOMPARE(r.verdict, Verdict::CouldNotRun);
            QVERIFY(r.remedy.contains(QLatin1StringView("--sudo")));
            QVERIFY(!t.sent.join(QLatin1Char('\n')).contains(QLatin1StringView("nft")));
        }
        {
            // sudo allowed but refused: could not run, never a pass.
            ScriptedTransport t;
            scriptUserHost(t);
            t.on("nft list ruleset", 1, {}, "sudo: a password is required\n");
            CheckOptions options;
            options.sudo = SudoUse::Allowed;
            CheckContext context(&t, nullptr, nullptr, options);
            const CheckResult r =
                checkById(registry, "firewall")->run(peer(QStringLiteral("10.0.0.5"), 8080), context);
            QCOMPARE(r.verdict, Verdict::CouldNotRun);
            QVERIFY(r.summary.contains(QLatin1StringView("sudo")));
        }
        const QByteArray ruleset = "table inet filter {\n"
                                   "\tchain output {\n"
                                   "\t\ttype filter hook output priority filter; policy accept;\n"
                                   "\t\ttcp dport 8080 reject with tcp reset\n"
                                   "\t\ttcp dport 9000 drop\n"
                                   "\t}\n"
                                   "}\n";
        ScriptedTransport t;
        scriptRootHost(t);
        t.on("nft list ruleset", 0, ruleset);
        CheckContext context(&t, nullptr, nullptr, CheckOptions{});
        CheckResult r = checkById(registry, "firewall")->run(peer(QStringLiteral("10.0.0.5"), 8080), context);
        QCOMPARE(r.verdict, Verdict::Fail);
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::BackendRefused));
        r = checkById(registry, "firewall")->run(peer(QStringLiteral("10.0.0.5"), 9000), context);
        QCOMPARE(r.verdict, Verdict::Fail);
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::ConnectTimeout));
        r = checkById(registry, "firewall")->run(peer(QStringLiteral("10.0.0.5"), 3000), context);
        QCOMPARE(r.verdict, Verdict::Pass);
    }

    void workerLimitsJudgement()
    {
        Investigation inv;
        inv.parsedConfig = ConfigParser::parseText("events { worker_connections 4096; }\nhttp { }\n",
                                                   QStringLiteral("nginx.conf"));
        ScriptedTransport t;
        scriptRootHost(t);
        t.on("/proc/813/limits", 0,
             "Limit                     Soft Limit           Hard Limit           Units     \n"
             "Max open files            1024                 524288               files     \n");
        t.on("ss -s", 0, "Total: 178\nTCP:   23 (estab 9, closed 3, orphaned 0, timewait 3)\n");
        CheckContext context(&t, &inv, nullptr, CheckOptions{});
        const CheckResult r =
            checkById(CheckRegistry::withBuiltins(), "worker-limits")->run(CheckSubject{}, context);
        QCOMPARE(r.verdict, Verdict::Fail);
        QVERIFY(r.summary.contains(QLatin1StringView("4096")) &&
                r.summary.contains(QLatin1StringView("1024")));
        QVERIFY(r.remedy.contains(QLatin1StringView("worker_rlimit_nofile")));
    }

    void oomKillsWithoutAccess()
    {
        ScriptedTransport t;
        scriptUserHost(t);
        t.on("journalctl -k", 0, {});
        t.on("dmesg", 1, {}, "dmesg: read kernel buffer failed: Operation not permitted\n");
        CheckContext context(&t, nullptr, nullptr, CheckOptions{});
        const CheckResult r =
            checkById(CheckRegistry::withBuiltins(), "oom-kills")->run(CheckSubject{}, context);
        QCOMPARE(r.verdict, Verdict::CouldNotRun);
        QVERIFY(r.remedy.contains(QLatin1StringView("adm")));
        QVERIFY(r.remedy.contains(QLatin1StringView("dmesg_restrict")));
        QVERIFY(r.remedy.contains(QLatin1StringView("--sudo")));
    }

    void oomKillsDuringTheFailures()
    {
        ScriptedTransport t;
        scriptRootHost(t);
        t.on("journalctl -k", 0,
             "2024-05-03T10:11:58+0200 web1 kernel: Out of memory: Killed process 2345 (php-fpm8.2) "
             "total-vm:1345672kB\n");
        DiagnosisResult d;
        Finding f;
        f.cause = Cause::PrematureClose;
        f.firstMs = QDateTime(QDate(2024, 5, 3), QTime(10, 12, 0), Qt::UTC).toMSecsSinceEpoch();
        f.lastMs = f.firstMs + 60000;
        d.findings.push_back(f);
        CheckSubject s = peer(QStringLiteral("127.0.0.1"), 9000);
        s.cause = Cause::PrematureClose;
        s.finding = 0;
        CheckContext context(&t, nullptr, &d, CheckOptions{});
        const CheckResult r = checkById(CheckRegistry::withBuiltins(), "oom-kills")->run(s, context);
        QCOMPARE(r.verdict, Verdict::Fail);
        QVERIFY(r.summary.contains(QLatin1StringView("php-fpm8.2")));
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::PrematureClose));
    }

    // --- on this machine
    // ---------------------------------------------------------------------------------------

    void dnsLocalhostPasses()
    {
        LocalTransport local;
        CheckContext context(&local, nullptr, nullptr, CheckOptions{});
        const CheckResult r = checkById(CheckRegistry::withBuiltins(), "dns")
                                  ->run(peer(QStringLiteral("localhost"), 80), context);
        QVERIFY2(r.verdict == Verdict::Pass, qPrintable(r.summary + QLatin1Char(' ') + r.why));
        QVERIFY(r.summary.contains(QLatin1StringView("127.0.0.1")) ||
                r.summary.contains(QLatin1StringView("::1")));
        QCOMPARE(r.commands.size(), size_t(1));
        QCOMPARE(r.commands[0].text, QStringLiteral("getent ahosts 'localhost'"));
    }

    void ephemeralPortsPassesWithNumbers()
    {
        LocalTransport local;
        CheckContext context(&local, nullptr, nullptr, CheckOptions{});
        const CheckResult r = checkById(CheckRegistry::withBuiltins(), "ephemeral-ports")
                                  ->run(peer(QStringLiteral("127.0.0.1"), 80), context);
        QVERIFY2(r.verdict == Verdict::Pass, qPrintable(r.summary + QLatin1Char(' ') + r.why));
        QVERIFY(r.facts.join(QLatin1Char('\n')).contains(QLatin1StringView("ip_local_port_range")));
        QVERIFY(r.facts.join(QLatin1Char('\n')).contains(QLatin1StringView("TIME_WAIT")));
    }

    void tlsProbeAgainstPlainHttp()
    {
        PlainHttpServer server;
        server.start();
        QTRY_VERIFY(server.port() != 0);
        LocalTransport local;
        CheckContext context(&local, nullptr, nullptr, CheckOptions{});
        const CheckResult r =
            checkById(CheckRegistry::withBuiltins(), "tls-probe")
                ->run(peer(QStringLiteral("127.0.0.1"), server.port(), QStringLiteral("https")), context);
        server.quit();
        server.wait();
        if (r.verdict == Verdict::CouldNotRun &&
            r.summary.contains(QLatin1StringView("openssl is not installed")))
            QSKIP("openssl is not installed here");
        QVERIFY2(r.verdict == Verdict::Fail, qPrintable(r.summary + QLatin1Char(' ') + r.why));
        QCOMPARE(r.pointsTo, std::optional<Cause>(Cause::TlsHandshake));
    }

    void tcpdumpWithoutConsentSendsNothing()
    {
        const CheckRegistry registry = CheckRegistry::withBuiltins();
        LocalTransport local;
        CheckOptions options;
        options.consent.tcpdump = false;
        CheckContext context(&local, nullptr, nullptr, options);
        const PlannedCheck planned{checkById(registry, "tcpdump-capture"),
                                   peer(QStringLiteral("127.0.0.1"), 8080), QStringLiteral("test"), -1};
        const CheckResult r = runPlanned(planned, context);
        QCOMPARE(r.verdict, Verdict::CouldNotRun);
        QVERIFY(r.commands.empty());
        QVERIFY(r.remedy.contains(QLatin1StringView("--allow-capture")));
        // Called directly, the check refuses too, before any command.
        const CheckResult direct = planned.check->run(planned.subject, context);
        QCOMPARE(direct.verdict, Verdict::CouldNotRun);
        QVERIFY(direct.commands.empty());
    }

    void tcpdumpWithConsentSeesSyns()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("tcpdump"),
                                           {QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin")})
                .isEmpty() &&
            QStandardPaths::findExecutable(QStringLiteral("tcpdump")).isEmpty())
            QSKIP("tcpdump is not installed (expected at /usr/bin/tcpdump)");
        if (::geteuid() != 0)
            QSKIP("the capture needs root (the tests run as root in CI)");
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const quint16 port = server.serverPort();
        std::atomic_int connected{0};
        std::thread client([port, &connected] {
            std::this_thread::sleep_for(800ms); // let tcpdump start listening
            for (int i = 0; i < 6; ++i) {
                connected += connectOnce(port) ? 1 : 0;
                std::this_thread::sleep_for(150ms);
            }
        });
        LocalTransport local;
        CheckOptions options;
        options.consent.tcpdump = true;
        options.consent.maxSeconds = 2;
        CheckContext context(&local, nullptr, nullptr, options);
        const CheckSubject s = peer(QStringLiteral("127.0.0.1"), port);
        const CheckResult r = runPlanned(
            {checkById(CheckRegistry::withBuiltins(), "tcpdump-capture"), s, QStringLiteral("test"), -1},
            context);
        client.join();
        QVERIFY(connected > 0);
        if (r.verdict == Verdict::CouldNotRun && r.summary.contains(QLatin1StringView("permission denied")))
            QSKIP(qPrintable(QStringLiteral("no capture rights here: %1").arg(r.why)));
        QVERIFY2(!r.commands.empty(), qPrintable(r.summary));
        const CommandRecord &capture = r.commands.back();
        QVERIFY2(capture.text.contains(QLatin1StringView("tcpdump")), qPrintable(capture.text));
        QVERIFY2(r.verdict != Verdict::CouldNotRun,
                 qPrintable(r.summary + QLatin1Char(' ') + r.why + QLatin1Char(' ') +
                            QString::fromUtf8(capture.err)));
        const CaptureSummary sum = summariseCapture(capture.out, port, QStringLiteral("127.0.0.1"));
        QVERIFY2(sum.syn > 0, qPrintable(QString::fromUtf8(capture.out + capture.err)));
        QVERIFY(sum.synAck > 0);
        QVERIFY2(r.facts.join(QLatin1Char('\n')).contains(QStringLiteral("SYN %1").arg(sum.syn)),
                 qPrintable(r.facts.join(QLatin1Char('\n'))));
        QVERIFY2(r.verdict == Verdict::Pass, qPrintable(r.summary + QLatin1Char(' ') + r.why));
    }
};

QTEST_GUILESS_MAIN(TestHostChecks)
#include "tst_hostchecks.moc"
