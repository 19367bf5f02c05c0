#pragma once

// Pure parsers for what the host checks' tools print (getenforce/getsebool, AppArmor labels, nft/iptables
// rules, getent, openssl s_client -brief, /proc/PID/limits, ss, the kernel log, tcpdump lines, strace -c),
// plus the few result helpers the host and capture checks share. The parsers take bytes and return values:
// they never run anything, so tests feed them outputs captured from real tools.

#include "checks/check.h"
#include "nginx/configparser.h"

#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace gwb {

// --- how a command failed
// ------------------------------------------------------------------------------------

enum class CommandTrouble : std::uint8_t
{
    None,
    ToolMissing,      // "sh: 1: nft: not found", exit 127, "sudo: nft: command not found"
    PermissionDenied, // "Permission denied", "Operation not permitted", dmesg_restrict, ptrace refused
    SudoRefused,      // sudo -n wants a password, or the user may not use sudo, or sudo is missing
    NoSuchFile,       // "No such file or directory"
    TimedOut,         // timeout(1) ended it: exit 124
};
CommandTrouble commandTrouble(int exitCode, QByteArrayView err);
// One line of stderr worth quoting (the first non-empty one, at most 200 characters).
QString firstErrorLine(QByteArrayView err);

// --- SELinux
// -------------------------------------------------------------------------------------------------

struct SeLinuxState
{
    enum class Mode : std::uint8_t
    {
        Unknown,
        ToolsMissing, // getenforce is not installed
        Disabled,
        Permissive,
        Enforcing,
    };
    Mode mode = Mode::Unknown;
    std::map<QString, bool> booleans; // "httpd_can_network_connect" → on
};
// Output of `getenforce; getsebool httpd_can_network_connect httpd_can_network_relay`.
SeLinuxState parseSeLinuxState(QByteArrayView out, QByteArrayView err);
QString seLinuxModeName(SeLinuxState::Mode mode);

// --- AppArmor
// ------------------------------------------------------------------------------------------------

struct AppArmorLabel
{
    QString profile; // "/usr/sbin/nginx", "nginx"; "unconfined" for none
    QString mode;    // "enforce", "complain", "kill", "unconfined"
    bool unconfined = true;
};
// /proc/PID/attr/current: "unconfined", "/usr/sbin/nginx (enforce)", "nginx (complain)".
AppArmorLabel parseAppArmorLabel(QByteArrayView text);

// --- firewall
// ------------------------------------------------------------------------------------------------

struct FirewallRule
{
    enum class Action : std::uint8_t
    {
        Drop,
        Reject,
    };
    Action action = Action::Drop;
    QString table;      // nft: "inet filter"; iptables: "filter"
    QString chain;      // "output", "OUTPUT", "DOCKER-USER"
    QString hook;       // "input", "output", "forward", ... ; empty for a chain no hook calls directly
    QString text;       // the rule as printed
    QString rejectWith; // "tcp reset", "icmp-port-unreachable"; empty: the tool's default
    std::vector<std::pair<int, int>> dports; // destination port ranges; empty: every port
    QStringList daddrs;                      // destination addresses or networks named by the rule
    bool otherProtocol = false; // the rule is about another protocol (udp, icmp): not nginx's TCP connects
    bool afterLoopbackAccept = false; // an earlier rule of its chain accepts everything on lo

    bool matchesPort(int port) const;
    bool namesAddress(const QString &address) const; // exact address, or inside a named IPv4/IPv6 network
};

struct FirewallChainPolicy
{
    QString table, chain, hook, policy; // policy "drop"/"accept"
};

struct FirewallRules
{
    std::vector<FirewallRule> rules; // only DROP and REJECT rules
    std::vector<FirewallChainPolicy> policies;
    int ruleLines = 0; // every rule line, whatever its verdict
};
FirewallRules parseNftRuleset(QByteArrayView text);    // `nft list ruleset`
FirewallRules parseIptablesRules(QByteArrayView text); // `iptables -S`

// --- name resolution
// -----------------------------------------------------------------------------------------

// `getent ahosts NAME`: the distinct addresses, in order.
QStringList parseGetentHosts(QByteArrayView out);
bool isIpLiteral(const QString &host);

// --- TLS
// -----------------------------------------------------------------------------------------------------

struct TlsProbeOutcome
{
    enum class Kind : std::uint8_t
    {
        Unknown,
        Established,     // handshake done
        PlainText,       // "wrong version number"/"packet length too long": the port does not speak TLS
        HandshakeFailed, // an alert or no shared protocol/cipher
        ConnectFailed,   // refused, unreachable
        TimedOut,        // timeout(1) ended it
    };
    Kind kind = Kind::Unknown;
    QString protocol;        // "TLSv1.3"
    QString cipher;          // "TLS_AES_256_GCM_SHA384"
    QString peerCertificate; // "CN = app.internal"
    QString verifyError;     // "self-signed certificate"; empty when verified or not said
    bool verified = false;   // "Verification: OK"
    QString detail;          // the error line that decided a failure
};
// `timeout S openssl s_client -brief ...`: -brief prints to stderr, the exit code says how it ended.
TlsProbeOutcome parseTlsProbe(int exitCode, QByteArrayView out, QByteArrayView err);

// --- limits and sockets
// --------------------------------------------------------------------------------------

struct ProcessLimit
{
    qint64 soft = -1; // -1: unlimited
    qint64 hard = -1;
};
// One row of /proc/PID/limits, by its name ("Max open files").
std::optional<ProcessLimit> parseProcLimit(QByteArrayView text, QByteArrayView name = "Max open files");

// A directive of the main context (or inside blocks named by the path, e.g. {"events","worker_connections"}),
// looking through `include`s. The last one wins, as in nginx.
const ConfigDirective *findMainDirective(const std::vector<ConfigDirective> &directives,
                                         const QStringList &path);

struct SocketTotals
{
    qint64 tcp = -1, established = -1, closed = -1, orphaned = -1, timeWait = -1;
};
std::optional<SocketTotals> parseSocketSummary(QByteArrayView out);     // `ss -s`
std::optional<std::pair<int, int>> parsePortRange(QByteArrayView text); // ip_local_port_range
std::optional<qint64> parseLineCount(QByteArrayView text);              // `... | wc -l`

// --- kernel log
// ----------------------------------------------------------------------------------------------

struct OomKill
{
    qint64 wallMs = 0; // host wall clock (like the log times), 0 when the line has no absolute time
    qint64 pid = -1;
    QString process; // "php-fpm8.2"
    QString cgroup;  // "/system.slice/php8.2-fpm.service" when the kernel said
    QString line;
};
// Kills from `journalctl -k -o short-iso` or `dmesg` lines ("Out of memory: Killed process 1234 (x)",
// "Memory cgroup out of memory: Killed process", "oom-kill:...task=x,pid=1234"), one per pid.
std::vector<OomKill> parseOomKills(QByteArrayView log);
// Lines mentioning the OOM killer that named no victim ("invoked oom-killer").
int countOomMentions(QByteArrayView log);

// --- tcpdump
// -------------------------------------------------------------------------------------------------

struct TcpPacket
{
    qint64 timeUs = -1; // microseconds since midnight (tcpdump's default timestamp)
    QString srcHost, dstHost;
    int srcPort = 0, dstPort = 0;
    QString flags; // "S", "S.", ".", "P.", "F.", "R", "R."
    qint64 length = 0;

    bool syn() const { return flags.contains(QLatin1Char('S')); }
    bool ack() const { return flags.contains(QLatin1Char('.')); }
    bool rst() const { return flags.contains(QLatin1Char('R')); }
    bool fin() const { return flags.contains(QLatin1Char('F')); }
};
// "10:12:01.123456 lo    In  IP 127.0.0.1.57156 > 127.0.0.1.8080: Flags [S], seq ..., length 0" (with or
// without the interface and direction columns of `-i any`; IPv6 "IP6 ::1.57156 > ::1.8080").
std::optional<TcpPacket> parseTcpdumpLine(QByteArrayView line);

// --- strace
// --------------------------------------------------------------------------------------------------

struct SyscallStat
{
    QString name;
    qint64 calls = 0;
    qint64 errors = 0;
    double seconds = 0;
    double percentTime = 0;
};
struct StraceTable
{
    std::vector<SyscallStat> rows; // without the total row
    std::optional<SyscallStat> total;
    bool attached = false; // "strace: Process N attached"
    QString problem;       // "attach: ptrace(PTRACE_SEIZE, 1234): Operation not permitted"
};
// The -c summary strace prints on stderr when it detaches.
StraceTable parseStraceSummary(QByteArrayView text);

// --- shared by the host and capture checks
// -------------------------------------------------------------------

// The result for an investigation opened without a host.
CheckResult noHostResult(CheckResult r);
// When a command gave no usable answer (transport error, missing tool, permission, sudo refused, timeout): a
// could-not-run result naming `what` ("the nftables ruleset", "/proc/1234/limits"), what is missing and what
// to do. nullopt when the command answered, whatever its exit code.
// `hint` is added to the remedy of a permission problem ("or add USER to the group adm").
std::optional<CheckResult> unusableAnswer(const CheckResult &r, const Result<CommandOutput> &out,
                                          const QString &what, CheckContext &context,
                                          const QString &hint = {});
// The text shown for a command rendered with pid 0 because the pid is only known when the check runs:
// "... strace -f -c -p 0" → "... strace -f -c -p WORKER_PID".
QString withPidPlaceholder(const QString &text);
// The worse of two verdicts (fail > warn > could-not-run > pass).
Verdict worse(Verdict a, Verdict b);

} // namespace gwb
