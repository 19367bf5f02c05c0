// The read-only probes of the guided checks. Like every template in command.cpp, the text around the
// arguments is fixed and ours; every argument that comes from the server (peer names, socket paths, unit
// names, Host headers) goes through shellQuote() as one word.

#include "transport/command.h"

#include "transport/shellquote.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace gwb {

namespace {

Result<QByteArray> quoted(QByteArrayView value)
{
    return shellQuote(value);
}

Result<QByteArray> absolutePath(const QByteArray &path)
{
    if (path.isEmpty())
        return Error::input(QStringLiteral("an empty path was given for a remote command"));
    if (path.startsWith('/'))
        return shellQuote(path);
    return shellQuote(QByteArray("./" + path));
}

bool plainToolName(const QByteArray &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return re.match(QString::fromLatin1(name)).hasMatch() && !name.startsWith('-');
}

// A value that goes into an HTTP header or a URL host must not carry a line break or a NUL: curl would
// send it as a second header line.
Result<void> headerSafe(const QByteArray &value, const char *what)
{
    if (value.contains('\r') || value.contains('\n') || value.contains('\0'))
        return Error::input(QStringLiteral("refusing a %1 that contains a line break: \"%2\"")
                                .arg(QLatin1String(what), QString::fromUtf8(value).toHtmlEscaped()));
    return {};
}

QByteArray urlHost(const QByteArray &host)
{
    QHostAddress address;
    if (address.setAddress(QString::fromLatin1(host)) && address.protocol() == QAbstractSocket::IPv6Protocol)
        return '[' + host + ']';
    return host;
}

bool isIpLiteral(const QByteArray &host)
{
    QHostAddress address;
    return address.setAddress(QString::fromLatin1(host));
}

int clampInt(int v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

} // namespace

RemoteCommand RemoteCommand::whichTools(QByteArrayList names)
{
    return {Template::WhichTools, std::move(names)};
}
RemoteCommand RemoteCommand::processList()
{
    return {Template::ProcessList, {}};
}
RemoteCommand RemoteCommand::httpProbe(const HttpTarget &t)
{
    RemoteCommand c{Template::HttpProbe,
                    {t.scheme, t.connectHost, t.socketPath, t.hostHeader, t.sni, t.path},
                    quint64(t.port)};
    c.m_length = quint64(clampInt(t.timeoutSec, 1, 60));
    return c;
}
RemoteCommand RemoteCommand::httpProbeRaw(const HttpTarget &t)
{
    RemoteCommand c = httpProbe(t);
    c.m_template = Template::HttpProbeRaw;
    return c;
}
RemoteCommand RemoteCommand::listeningTcp()
{
    return {Template::ListeningTcp, {}};
}
RemoteCommand RemoteCommand::socketSummary()
{
    return {Template::SocketSummary, {}};
}
RemoteCommand RemoteCommand::timeWaitCount()
{
    return {Template::TimeWaitCount, {}};
}
RemoteCommand RemoteCommand::statPath(QByteArray path)
{
    return {Template::StatPath, {std::move(path)}};
}
RemoteCommand RemoteCommand::namei(QByteArray path)
{
    return {Template::Namei, {std::move(path)}};
}
RemoteCommand RemoteCommand::seLinuxState()
{
    return {Template::SeLinuxState, {}};
}
RemoteCommand RemoteCommand::firewallRules(Firewall tool)
{
    return {Template::FirewallRules, {}, quint64(tool)};
}
RemoteCommand RemoteCommand::resolveName(QByteArray name)
{
    return {Template::ResolveName, {std::move(name)}};
}
RemoteCommand RemoteCommand::tlsProbe(QByteArray host, int port, QByteArray sni, int timeoutSec)
{
    RemoteCommand c{Template::TlsProbe, {std::move(host), std::move(sni)}, quint64(clampInt(port, 0, 65535))};
    c.m_length = quint64(clampInt(timeoutSec, 1, 60));
    return c;
}
RemoteCommand RemoteCommand::processUnit(qint64 pid)
{
    return {Template::ProcessUnit, {}, quint64(qMax<qint64>(pid, 0))};
}
RemoteCommand RemoteCommand::unitState(QByteArray unit)
{
    return {Template::UnitState, {std::move(unit)}};
}
RemoteCommand RemoteCommand::unitJournal(QByteArray unit, int lines)
{
    return {Template::UnitJournal, {std::move(unit)}, quint64(clampInt(lines, 1, 1000))};
}
RemoteCommand RemoteCommand::kernelLog(KernelSource source)
{
    return {Template::KernelLog, {}, quint64(source)};
}
RemoteCommand RemoteCommand::findFiles(QByteArray dir, QByteArray pattern, int maxDepth)
{
    return {Template::FindFiles, {std::move(dir), std::move(pattern)}, quint64(clampInt(maxDepth, 1, 8))};
}
RemoteCommand RemoteCommand::readTail(QByteArray path, quint64 bytes)
{
    return {Template::ReadTail, {std::move(path)}, qMax<quint64>(bytes, 1)};
}
RemoteCommand RemoteCommand::tcpdumpPort(int port, QByteArray host, int seconds, int packets)
{
    RemoteCommand c{Template::TcpdumpPort, {std::move(host)}, quint64(clampInt(port, 1, 65535))};
    c.m_length = quint64(clampInt(seconds, 1, 30)) << 16 | quint64(clampInt(packets, 1, 2000));
    return c;
}
RemoteCommand RemoteCommand::straceSummary(qint64 pid, int seconds)
{
    RemoteCommand c{Template::StraceSummary, {}, quint64(qMax<qint64>(pid, 0))};
    c.m_length = quint64(clampInt(seconds, 1, 30));
    return c;
}

RemoteCommand RemoteCommand::userGroups(QByteArray user)
{
    return {Template::UserGroups, {std::move(user)}};
}

RemoteCommand RemoteCommand::tcpConnect(QByteArray host, int port, int timeoutSec)
{
    RemoteCommand c{Template::TcpConnect, {std::move(host)}, quint64(clampInt(port, 1, 65535))};
    c.m_length = quint64(clampInt(timeoutSec, 1, 60));
    return c;
}

Result<QByteArray> RemoteCommand::renderProbe() const
{
    const QByteArray sudo = m_sudo ? QByteArray("sudo -n -- ") : QByteArray();
    const QByteArray arg0 = m_args.value(0);
    switch (m_template) {
    case Template::WhichTools: {
        if (m_args.isEmpty())
            return Error::input(QStringLiteral("no tool names were given"));
        QByteArray list;
        for (const QByteArray &name : m_args) {
            if (!plainToolName(name))
                return Error::input(QStringLiteral("refusing the tool name \"%1\"").arg(QString::fromUtf8(name)));
            list += ' ' + name;
        }
        return QByteArray("for t in" + list +
                          "; do if command -v \"$t\" >/dev/null 2>&1; then echo \"$t yes\"; else echo \"$t no\"; fi; done");
    }
    case Template::ProcessList:
        return QByteArray("ps -eo pid=,ppid=,user=,args=");
    case Template::HttpProbe: {
        const QByteArray scheme = arg0 == "https" ? QByteArray("https") : QByteArray("http");
        const QByteArray host = m_args.value(1), socket = m_args.value(2), hostHeader = m_args.value(3),
                         sni = m_args.value(4);
        QByteArray path = m_args.value(5);
        if (path.isEmpty() || !path.startsWith('/'))
            path.prepend('/');
        for (const auto &[value, what] : {std::pair{hostHeader, "Host header"}, std::pair{sni, "TLS server name"},
                                          std::pair{host, "peer address"}, std::pair{path, "probe path"}})
            if (auto ok = headerSafe(value, what); !ok)
                return ok.error();
        const QByteArray timeout = QByteArray::number(m_length);
        QByteArray out = "curl -sS -o /dev/null -D - -k --max-time " + timeout + " --connect-timeout " + timeout +
                         " -A gwb-check/1";
        out += " -w '\\ngwb-probe code=%{http_code} connect=%{time_connect} tls=%{time_appconnect} "
               "ttfb=%{time_starttransfer} header=%{size_header}\\n'";
        if (!hostHeader.isEmpty()) {
            auto h = quoted(QByteArray("Host: " + hostHeader));
            if (!h)
                return h.error();
            out += " -H " + *h;
        }
        QByteArray urlAuthority;
        if (!socket.isEmpty()) {
            auto s = absolutePath(socket);
            if (!s)
                return s.error();
            out += " --unix-socket " + *s;
            urlAuthority = hostHeader.isEmpty() ? QByteArray("localhost") : hostHeader;
        } else {
            if (host.isEmpty())
                return Error::input(QStringLiteral("no peer address was given for the HTTP probe"));
            const QByteArray port = QByteArray::number(m_number);
            if (scheme == "https" && !sni.isEmpty() && sni != host) {
                // Connect to the peer, but name `sni` in the TLS handshake, as proxy_ssl_server_name does.
                auto c = quoted(QByteArray(urlHost(sni) + ':' + port + ':' + urlHost(host) + ':' + port));
                if (!c)
                    return c.error();
                out += " --connect-to " + *c;
                urlAuthority = urlHost(sni) + ':' + port;
            } else {
                urlAuthority = urlHost(host) + ':' + port;
            }
        }
        auto url = quoted(QByteArray(scheme + "://" + urlAuthority + path));
        if (!url)
            return url.error();
        return QByteArray(out + " -- " + *url);
    }
    case Template::HttpProbeRaw: {
        QByteArray path = m_args.value(5);
        if (path.isEmpty() || !path.startsWith('/'))
            path.prepend('/');
        const QByteArray host = m_args.value(1);
        const QByteArray hostHeader = m_args.value(3).isEmpty() ? host : m_args.value(3);
        for (const auto &[value, what] : {std::pair{hostHeader, "Host header"}, std::pair{host, "peer address"},
                                          std::pair{path, "probe path"}})
            if (auto ok = headerSafe(value, what); !ok)
                return ok.error();
        if (host.isEmpty() || !m_args.value(2).isEmpty())
            return Error::input(QStringLiteral("the bash fallback probes TCP peers only"));
        // The script is fixed; host, port, path and Host header reach it as positional parameters.
        QByteArray out = "timeout " + QByteArray::number(m_length) +
                         " bash -c 'exec 3<>\"/dev/tcp/$1/$2\" || exit 7; "
                         "printf \"GET %s HTTP/1.0\\r\\nHost: %s\\r\\nUser-Agent: gwb-check/1\\r\\n"
                         "Connection: close\\r\\n\\r\\n\" \"$3\" \"$4\" >&3; head -c 65536 <&3' gwb-probe";
        for (const QByteArray &v : {host, QByteArray::number(m_number), path, hostHeader}) {
            auto q = quoted(v);
            if (!q)
                return q.error();
            out += ' ' + *q;
        }
        return out;
    }
    case Template::ListeningTcp:
        return QByteArray(sudo + "ss -ltnpH");
    case Template::SocketSummary:
        return QByteArray("ss -s");
    case Template::TimeWaitCount:
        return QByteArray("ss -tanH state time-wait | wc -l");
    case Template::StatPath: {
        auto p = absolutePath(arg0);
        if (!p)
            return p.error();
        return QByteArray(sudo + "stat -c '%F|%U|%G|%a|%s' -- " + *p);
    }
    case Template::Namei: {
        auto p = absolutePath(arg0);
        if (!p)
            return p.error();
        return QByteArray(sudo + "namei -l -- " + *p);
    }
    case Template::SeLinuxState:
        return QByteArray("getenforce; getsebool httpd_can_network_connect httpd_can_network_relay");
    case Template::FirewallRules:
        return QByteArray(sudo + (m_number == quint64(Firewall::Nft) ? QByteArray("nft list ruleset")
                                                           : QByteArray("iptables -S")));
    case Template::ResolveName: {
        if (arg0.isEmpty() || arg0.startsWith('-'))
            return Error::input(QStringLiteral("refusing to resolve \"%1\"").arg(QString::fromUtf8(arg0)));
        auto n = quoted(arg0);
        if (!n)
            return n.error();
        return QByteArray("getent ahosts " + *n);
    }
    case Template::TlsProbe: {
        const QByteArray host = arg0, sni = m_args.value(1);
        if (host.isEmpty() || host.startsWith('-') || sni.startsWith('-'))
            return Error::input(QStringLiteral("refusing the TLS probe target \"%1\"").arg(QString::fromUtf8(host)));
        auto target = quoted(QByteArray(urlHost(host) + ':' + QByteArray::number(m_number)));
        if (!target)
            return target.error();
        QByteArray out = "timeout " + QByteArray::number(m_length) + " openssl s_client -brief -connect " + *target;
        if (!sni.isEmpty()) {
            auto s = quoted(sni);
            if (!s)
                return s.error();
            out += " -servername " + *s;
        } else {
            out += " -noservername";
        }
        return QByteArray(out + " </dev/null");
    }
    case Template::ProcessUnit:
        return QByteArray("ps -o unit= -p " + QByteArray::number(m_number));
    case Template::UnitState:
    case Template::UnitJournal: {
        if (arg0.isEmpty() || arg0.startsWith('-'))
            return Error::input(QStringLiteral("refusing the unit name \"%1\"").arg(QString::fromUtf8(arg0)));
        auto u = quoted(arg0);
        if (!u)
            return u.error();
        if (m_template == Template::UnitState)
            return QByteArray("systemctl show -p Id -p ActiveState -p SubState -p Result -p NRestarts -p MainPID -- " + *u);
        return QByteArray(sudo + "journalctl --no-pager -q -o short-iso -p warning -n " + QByteArray::number(m_number) +
               " -u " + *u);
    }
    case Template::KernelLog:
        return m_number == quint64(KernelSource::Journal)
                   ? QByteArray(sudo + "journalctl -k --no-pager -q -o short-iso -n 5000")
                   : QByteArray(sudo + "dmesg");
    case Template::FindFiles: {
        QByteArray dir = arg0;
        while (dir.size() > 1 && dir.endsWith('/'))
            dir.chop(1);
        auto d = absolutePath(dir == "/" ? dir : dir + '/');
        auto pattern = quoted(m_args.value(1));
        if (!d)
            return d.error();
        if (!pattern)
            return pattern.error();
        return QByteArray(sudo + "find " + *d + " -maxdepth " + QByteArray::number(m_number) + " -type f -name " + *pattern +
               " -print0");
    }
    case Template::ReadTail: {
        auto p = absolutePath(arg0);
        if (!p)
            return p.error();
        return QByteArray(sudo + "tail -c " + QByteArray::number(m_number) + " -- " + *p);
    }
    case Template::TcpdumpPort: {
        const quint64 seconds = m_length >> 16, packets = m_length & 0xffff;
        QByteArray filter = "tcp port " + QByteArray::number(m_number);
        if (isIpLiteral(arg0))
            filter += " and host " + arg0;
        auto f = quoted(filter);
        if (!f)
            return f.error();
        return QByteArray(sudo + "timeout " + QByteArray::number(seconds) + " tcpdump -nn -l -i any -s 128 -c " +
               QByteArray::number(packets) + ' ' + *f);
    }
    case Template::TcpConnect: {
        if (arg0.isEmpty())
            return Error::input(QStringLiteral("no peer address was given for the connect probe"));
        auto h = quoted(arg0);
        if (!h)
            return h.error();
        // Fixed script; host and port arrive as positional parameters.
        return QByteArray("timeout " + QByteArray::number(m_length) +
                          " bash -c 'exec 3<>\"/dev/tcp/$1/$2\" && echo connected' gwb-probe " + *h + ' ' +
                          QByteArray::number(m_number));
    }
    case Template::UserGroups: {
        if (arg0.isEmpty() || arg0.startsWith('-'))
            return Error::input(QStringLiteral("refusing the user name \"%1\"").arg(QString::fromUtf8(arg0)));
        auto u = quoted(arg0);
        if (!u)
            return u.error();
        return QByteArray("id -Gn -- " + *u);
    }
    case Template::StraceSummary:
        return QByteArray(sudo + "timeout -s INT " + QByteArray::number(m_length) + " strace -f -c -p " +
               QByteArray::number(m_number));
    default:
        break;
    }
    return Error{Error::Kind::Internal, QStringLiteral("not a probe template")};
}

QString RemoteCommand::probeLabel() const
{
    const QString arg = QString::fromUtf8(m_args.value(0));
    switch (m_template) {
    case Template::WhichTools:
        return QStringLiteral("look for tools: %1").arg(QString::fromUtf8(m_args.join(' ')));
    case Template::ProcessList:
        return QStringLiteral("list processes");
    case Template::HttpProbe:
    case Template::HttpProbeRaw: {
        const QString where = m_args.value(2).isEmpty()
                                  ? QStringLiteral("%1:%2").arg(QString::fromUtf8(m_args.value(1))).arg(m_number)
                                  : QStringLiteral("unix:%1").arg(QString::fromUtf8(m_args.value(2)));
        return QStringLiteral("HTTP probe of %1%2").arg(where, m_template == Template::HttpProbeRaw
                                                                   ? QStringLiteral(" (bash, no curl)")
                                                                   : QString());
    }
    case Template::ListeningTcp:
        return QStringLiteral("list listening TCP sockets");
    case Template::SocketSummary:
        return QStringLiteral("socket summary");
    case Template::TimeWaitCount:
        return QStringLiteral("count TIME_WAIT connections");
    case Template::StatPath:
        return QStringLiteral("stat %1").arg(arg);
    case Template::Namei:
        return QStringLiteral("permissions along %1").arg(arg);
    case Template::SeLinuxState:
        return QStringLiteral("SELinux mode and booleans");
    case Template::FirewallRules:
        return QStringLiteral("read firewall rules");
    case Template::ResolveName:
        return QStringLiteral("resolve %1").arg(arg);
    case Template::TlsProbe:
        return QStringLiteral("TLS handshake with %1:%2").arg(arg).arg(m_number);
    case Template::ProcessUnit:
        return QStringLiteral("systemd unit of pid %1").arg(m_number);
    case Template::UnitState:
        return QStringLiteral("state of %1").arg(arg);
    case Template::UnitJournal:
        return QStringLiteral("recent warnings of %1").arg(arg);
    case Template::KernelLog:
        return QStringLiteral("read the kernel log");
    case Template::FindFiles:
        return QStringLiteral("find %1 in %2").arg(QString::fromUtf8(m_args.value(1)), arg);
    case Template::ReadTail:
        return QStringLiteral("read the end of %1").arg(arg);
    case Template::TcpdumpPort:
        return QStringLiteral("capture TCP port %1 (%2 s, at most %3 packets)")
            .arg(m_number)
            .arg(m_length >> 16)
            .arg(m_length & 0xffff);
    case Template::TcpConnect:
        return QStringLiteral("TCP connect to %1:%2").arg(arg).arg(m_number);
    case Template::UserGroups:
        return QStringLiteral("groups of %1").arg(arg);
    case Template::StraceSummary:
        return QStringLiteral("trace system calls of pid %1 for %2 s").arg(m_number).arg(m_length);
    default:
        return QString();
    }
}

} // namespace gwb
