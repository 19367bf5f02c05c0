#pragma once

#include "common/result.h"
#include "common/strongtypes.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QString>
#include <cstdint>

namespace gwb {

// Whether a command may be prefixed with `sudo -n` (never prompts: fails instead). Only the user grants it.
enum class SudoUse : std::uint8_t
{
    No,
    Allowed
};

// A command we are willing to run on a host we diagnose. There is no way to build one from free text: each
// factory below is a fixed read-only template, and its arguments (paths, names — often taken from the
// server's own nginx config or ps output, so possibly hostile) are data that render() shell-quotes one by
// one. A relative path is prefixed with ./ so that a name like "-rf" or "(" is never read as an option.
class RemoteCommand
{
public:
    enum class Template : std::uint8_t
    {
        Id,             // id -un; id -Gn
        SudoCheck,      // sudo -n true
        FindNginx,      // command -v nginx, plus the usual install paths that are executable
        RunningMasters, // ps -eo pid=,args= filtered to "nginx: master process" lines
        NginxVersion,   // BIN -V (prints version and configure arguments on stderr)
        NginxDump,      // BIN -T [-p PREFIX] [-c CONF]
        ReadFile,       // cat -- FILE
        ReadFileFrom,   // tail -c +OFFSET+1 -- FILE
        ReadGzip,       // gzip -dc -- FILE
        StatFile,       // stat -L -c '%s %Y %i %U %G %a' -- FILE
        ListRotated,    // find DIR/ -maxdepth 1 -type f -name 'BASE*' -print0 (BASE matched literally)
        TestReadable,   // test -r FILE (exit status 0 = readable)
        ReadRange,      // tail -c +OFFSET+1 -- FILE | head -c LENGTH
        HostClock,      // date '+%s %z' (the host's Unix time and UTC offset)
        // Probes of the guided checks (rendered in probecommands.cpp); all read-only and bounded in time.
        WhichTools,       // for t in NAMES: "NAME yes|no" (command -v)
        ProcessList,      // ps -eo pid=,ppid=,user=,args=
        HttpProbe,        // curl a URL the way nginx would reach the peer (Host header, SNI)
        HttpProbeRaw,     // the same with bash /dev/tcp when curl is missing (plain HTTP only)
        ListeningTcp,     // ss -ltnpH
        SocketSummary,    // ss -s
        TimeWaitCount,    // ss -tanH state time-wait | wc -l
        StatPath,         // stat -c '%F|%U|%G|%a|%s' -- PATH (no -L: sockets and links as they are)
        Namei,            // namei -l -- PATH
        SeLinuxState,     // getenforce; getsebool httpd_can_network_connect httpd_can_network_relay
        FirewallRules,    // nft list ruleset, or iptables -S (needs root: sudo -n)
        ResolveName,      // getent ahosts NAME
        TlsProbe,         // openssl s_client -brief -connect HOST:PORT [-servername SNI] </dev/null
        ProcessUnit,      // ps -o unit= -p PID
        UnitState,        // systemctl show -p ... -- UNIT
        UnitJournal,      // journalctl -u UNIT -n N -p warning
        KernelLog,        // journalctl -k -n 5000, else dmesg
        FindFiles,        // find DIR/ -maxdepth N -type f -name GLOB -print0 (GLOB interpreted by find only)
        ReadTail,         // tail -c N -- FILE
        TcpdumpPort,      // timeout S tcpdump -nn -l -i any -c N 'tcp port P' (consent, sudo)
        StraceSummary,    // timeout -s INT S strace -f -c -p PID (consent, sudo)
        UserGroups,       // id -Gn -- USER
        TcpConnect,       // timeout T bash -c 'exec 3<>/dev/tcp/HOST/PORT' (connect only, sends nothing)
    };

    [[nodiscard]] static RemoteCommand id();
    [[nodiscard]] static RemoteCommand sudoCheck();
    [[nodiscard]] static RemoteCommand findNginx();
    [[nodiscard]] static RemoteCommand runningMasters();
    // `binary` is "nginx" (looked up in PATH) or an absolute path whose file name is nginx* or openresty*:
    // anything else is refused at render(), so a forged process title cannot make us execute another program.
    [[nodiscard]] static RemoteCommand nginxVersion(QByteArray binary);
    [[nodiscard]] static RemoteCommand nginxDump(QByteArray binary, QByteArray prefix = {},
                                                 QByteArray confFile = {});
    [[nodiscard]] static RemoteCommand readFile(QByteArray path);
    [[nodiscard]] static RemoteCommand readFileFrom(QByteArray path, ByteOffset offset);
    [[nodiscard]] static RemoteCommand readGzip(QByteArray path);
    [[nodiscard]] static RemoteCommand statFile(QByteArray path);
    // Files in `dir` whose name starts with `baseName` (access.log → access.log, access.log.1, .2.gz …).
    // Glob characters in baseName are escaped: it is matched literally. Output is NUL-separated paths.
    [[nodiscard]] static RemoteCommand listRotated(QByteArray dir, QByteArray baseName);
    [[nodiscard]] static RemoteCommand testReadable(QByteArray path);
    // `length` bytes from byte `offset` (GNU tail seeks on a regular file, so the bytes before are never
    // read): a slice to probe timestamps, or the part of a log inside a time window.
    [[nodiscard]] static RemoteCommand readRange(QByteArray path, ByteOffset offset, quint64 length);
    // The host's clock, to compare file mtimes (Unix time) with log times (the host's wall clock).
    [[nodiscard]] static RemoteCommand hostClock();

    // --- probes of the guided checks -----------------------------------------------------------------------
    // `names` must be plain tool names ([A-Za-z0-9._-]+); anything else is refused at render().
    [[nodiscard]] static RemoteCommand whichTools(QByteArrayList names);
    [[nodiscard]] static RemoteCommand processList();
    // What nginx would do to reach a peer: connect to connectHost:port (IP or name; unix socket when
    // socketPath is set), send Host: hostHeader and, for https, SNI `sni` (empty: none). Prints the response
    // headers, then one line "gwb-probe code=... connect=... tls=... ttfb=... header=...". Bounded by timeoutSec.
    struct HttpTarget
    {
        QByteArray scheme = "http"; // http or https
        QByteArray connectHost;     // where to connect
        int port = 80;
        QByteArray socketPath;      // unix socket instead of host:port
        QByteArray hostHeader;
        QByteArray sni;
        QByteArray path = "/";
        int timeoutSec = 5;
    };
    [[nodiscard]] static RemoteCommand httpProbe(const HttpTarget &target);
    // bash /dev/tcp fallback (plain HTTP over TCP only): prints the first 64 KiB of the response.
    [[nodiscard]] static RemoteCommand httpProbeRaw(const HttpTarget &target);
    [[nodiscard]] static RemoteCommand listeningTcp();
    [[nodiscard]] static RemoteCommand socketSummary();
    [[nodiscard]] static RemoteCommand timeWaitCount();
    [[nodiscard]] static RemoteCommand statPath(QByteArray path);
    [[nodiscard]] static RemoteCommand namei(QByteArray path);
    [[nodiscard]] static RemoteCommand seLinuxState();
    enum class Firewall : std::uint8_t { Nft, Iptables };
    [[nodiscard]] static RemoteCommand firewallRules(Firewall tool);
    [[nodiscard]] static RemoteCommand resolveName(QByteArray name);
    [[nodiscard]] static RemoteCommand tlsProbe(QByteArray host, int port, QByteArray sni, int timeoutSec);
    [[nodiscard]] static RemoteCommand processUnit(qint64 pid);
    [[nodiscard]] static RemoteCommand unitState(QByteArray unit);
    [[nodiscard]] static RemoteCommand unitJournal(QByteArray unit, int lines);
    enum class KernelSource : std::uint8_t { Journal, Dmesg };
    [[nodiscard]] static RemoteCommand kernelLog(KernelSource source);
    // Files under dir (depth ≤ maxDepth) whose name matches the glob `pattern` (find's -name, never the
    // shell's). NUL-separated output, like listRotated.
    [[nodiscard]] static RemoteCommand findFiles(QByteArray dir, QByteArray pattern, int maxDepth);
    // The last `bytes` bytes of a file.
    [[nodiscard]] static RemoteCommand readTail(QByteArray path, quint64 bytes);
    // Captures: only run with consent; seconds and packets are clamped (1..30 s, 1..2000 packets). `host`
    // narrows the filter when it is an IP literal (anything else is left out of the filter).
    [[nodiscard]] static RemoteCommand tcpdumpPort(int port, QByteArray host, int seconds, int packets);
    [[nodiscard]] static RemoteCommand straceSummary(qint64 pid, int seconds);
    // The groups of a user (the nginx worker user, to judge socket permissions).
    [[nodiscard]] static RemoteCommand userGroups(QByteArray user);
    // Opens a TCP connection and closes it without sending a byte (for peers that do not speak HTTP).
    [[nodiscard]] static RemoteCommand tcpConnect(QByteArray host, int port, int timeoutSec);

    // The same command behind `sudo -n --` when `sudo` is Allowed. Templates that gain nothing from root
    // (id, sudo check, discovery) ignore it.
    [[nodiscard]] RemoteCommand withSudo(SudoUse sudo) const;

    Template kind() const { return m_template; }
    bool usesSudo() const { return m_sudo; }
    // The text for `sh -c` / the SSH exec request, or why it cannot be built (NUL byte, empty path,
    // refused nginx binary).
    [[nodiscard]] Result<QByteArray> render() const;
    // Whether the template is a traffic capture (needs the user's consent).
    bool isCapture() const { return m_template == Template::TcpdumpPort || m_template == Template::StraceSummary; }
    // Short human description for progress and error messages, e.g. "read /var/log/nginx/error.log".
    QString label() const;

private:
    RemoteCommand(Template t, QByteArrayList args, quint64 number = 0);
    Result<QByteArray> renderProbe() const; // probecommands.cpp
    QString probeLabel() const;

    Template m_template;
    QByteArrayList m_args; // data only: quoted one by one in render()
    quint64 m_number = 0;  // the offset of ReadFileFrom / ReadRange
    quint64 m_length = 0;  // the length of ReadRange
    bool m_sudo = false;
};

// What StatFile prints, parsed.
struct RemoteFileStat
{
    quint64 size = 0;
    qint64 mtimeSeconds = 0; // Unix time
    quint64 inode = 0;
    QString owner;
    QString group;
    int mode = 0; // permission bits, e.g. 0640
};
[[nodiscard]] Result<RemoteFileStat> parseStatOutput(QByteArrayView output);

// Splits ListRotated's NUL-separated output into paths (a file name may contain a newline; NUL it cannot).
QByteArrayList splitNulList(QByteArrayView output);

} // namespace gwb
