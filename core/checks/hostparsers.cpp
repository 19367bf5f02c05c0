#include "checks/hostparsers.h"

#include <QDate>
#include <QDateTime>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>
#include <QTime>
#include <algorithm>

namespace gwb {

namespace {

QStringList textLines(QByteArrayView text)
{
    return QString::fromUtf8(text).split(QLatin1Char('\n'));
}

QString stripBrackets(QString host)
{
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    return host;
}

} // namespace

// --- how a command failed
// ------------------------------------------------------------------------------------

CommandTrouble commandTrouble(int exitCode, QByteArrayView err)
{
    if (exitCode == 0)
        return CommandTrouble::None;
    const QString e = QString::fromUtf8(err).toLower();
    if (e.contains(QLatin1StringView("sudo:")) && (e.contains(QLatin1StringView("password is required")) ||
                                                   e.contains(QLatin1StringView("terminal is required")) ||
                                                   e.contains(QLatin1StringView("not in the sudoers")) ||
                                                   e.contains(QLatin1StringView("is not allowed to")) ||
                                                   e.contains(QLatin1StringView("no tty present")) ||
                                                   e.contains(QLatin1StringView("may not run sudo"))))
        return CommandTrouble::SudoRefused;
    // sudo itself missing: "sh: 1: sudo: not found", "bash: sudo: command not found".
    if (e.contains(QLatin1StringView(" sudo: not found")) ||
        e.contains(QLatin1StringView(" sudo: command not found")))
        return CommandTrouble::SudoRefused;
    if (exitCode == 127 || e.contains(QLatin1StringView("command not found")) ||
        e.contains(
            QRegularExpression(QStringLiteral(": not found\\s*$"), QRegularExpression::MultilineOption)))
        return CommandTrouble::ToolMissing;
    if (e.contains(QLatin1StringView("permission denied")) ||
        e.contains(QLatin1StringView("operation not permitted")))
        return CommandTrouble::PermissionDenied;
    if (e.contains(QLatin1StringView("no such file or directory")))
        return CommandTrouble::NoSuchFile;
    if (exitCode == 124)
        return CommandTrouble::TimedOut;
    return CommandTrouble::None;
}

QString firstErrorLine(QByteArrayView err)
{
    for (const QString &line : textLines(err)) {
        const QString t = line.trimmed();
        if (!t.isEmpty())
            return t.left(200);
    }
    return {};
}

// --- SELinux
// -------------------------------------------------------------------------------------------------

SeLinuxState parseSeLinuxState(QByteArrayView out, QByteArrayView err)
{
    SeLinuxState s;
    static const QRegularExpression boolLine(QStringLiteral("^(\\w+)\\s+-->\\s+(on|off)$"));
    for (const QString &raw : textLines(out)) {
        const QString line = raw.trimmed();
        if (line == QLatin1StringView("Enforcing"))
            s.mode = SeLinuxState::Mode::Enforcing;
        else if (line == QLatin1StringView("Permissive"))
            s.mode = SeLinuxState::Mode::Permissive;
        else if (line == QLatin1StringView("Disabled"))
            s.mode = SeLinuxState::Mode::Disabled;
        else if (const auto m = boolLine.match(line); m.hasMatch())
            s.booleans[m.captured(1)] = m.captured(2) == QLatin1StringView("on");
    }
    if (s.mode == SeLinuxState::Mode::Unknown) {
        const QString e = QString::fromUtf8(err);
        if (e.contains(QLatin1StringView("getenforce")) &&
            (e.contains(QLatin1StringView("not found")) || e.contains(QLatin1StringView("No such file"))))
            s.mode = SeLinuxState::Mode::ToolsMissing;
        else if (e.contains(QLatin1StringView("SELinux is disabled")))
            s.mode = SeLinuxState::Mode::Disabled;
    }
    return s;
}

QString seLinuxModeName(SeLinuxState::Mode mode)
{
    switch (mode) {
    case SeLinuxState::Mode::ToolsMissing:
        return QStringLiteral("tools not installed");
    case SeLinuxState::Mode::Disabled:
        return QStringLiteral("disabled");
    case SeLinuxState::Mode::Permissive:
        return QStringLiteral("permissive");
    case SeLinuxState::Mode::Enforcing:
        return QStringLiteral("enforcing");
    case SeLinuxState::Mode::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

// --- AppArmor
// ------------------------------------------------------------------------------------------------

AppArmorLabel parseAppArmorLabel(QByteArrayView text)
{
    AppArmorLabel label;
    QString t = QString::fromUtf8(text);
    t.remove(QChar(u'\0'));
    t = t.trimmed();
    if (t.isEmpty() || t == QLatin1StringView("unconfined")) {
        label.profile = QStringLiteral("unconfined");
        label.mode = QStringLiteral("unconfined");
        return label;
    }
    static const QRegularExpression re(QStringLiteral("^(.*\\S)\\s+\\(([a-z_-]+)\\)$"));
    if (const auto m = re.match(t); m.hasMatch()) {
        label.profile = m.captured(1);
        label.mode = m.captured(2);
    } else {
        label.profile = t;
        label.mode = QStringLiteral("enforce"); // a bare profile name is enforced
    }
    label.unconfined = label.mode == QLatin1StringView("unconfined");
    return label;
}

// --- firewall
// ------------------------------------------------------------------------------------------------

bool FirewallRule::matchesPort(int port) const
{
    if (dports.empty())
        return true;
    return std::any_of(dports.begin(), dports.end(),
                       [port](const auto &r) { return port >= r.first && port <= r.second; });
}

bool FirewallRule::namesAddress(const QString &address) const
{
    QHostAddress a;
    if (!a.setAddress(stripBrackets(address)))
        return false;
    for (const QString &d : daddrs) {
        if (d.contains(QLatin1Char('/'))) {
            const auto subnet = QHostAddress::parseSubnet(d);
            if (subnet.second >= 0 && a.isInSubnet(subnet))
                return true;
        } else if (QHostAddress b; b.setAddress(d) && b.isEqual(a, QHostAddress::TolerantConversion)) {
            return true;
        }
    }
    return false;
}

namespace {

// "8080", "{ 80, 443, 8000-8100 }", "8000:8100", "80,443" → ranges. Names nft prints without -nn are skipped.
std::vector<std::pair<int, int>> portRanges(QString text)
{
    std::vector<std::pair<int, int>> out;
    text.remove(QLatin1Char('{')).remove(QLatin1Char('}'));
    for (const QString &item :
         text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        const QStringList ends = item.split(QRegularExpression(QStringLiteral("[-:]")));
        bool ok1 = false, ok2 = false;
        const int lo = ends.value(0).toInt(&ok1);
        const int hi = ends.size() > 1 ? ends.value(1).toInt(&ok2) : lo;
        if (ok1 && (ends.size() == 1 || ok2))
            out.emplace_back(lo, hi);
    }
    return out;
}

QStringList addressList(QString text)
{
    text.remove(QLatin1Char('{')).remove(QLatin1Char('}'));
    return text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
}

// Chains no hook calls directly inherit the hook of the first hooked chain that jumps to them.
void propagateHooks(FirewallRules &rules, std::map<QString, QString> hooks,
                    const std::vector<std::pair<QString, QString>> &jumps)
{
    for (int pass = 0; pass < 8; ++pass) {
        bool changed = false;
        for (const auto &[from, to] : jumps) {
            const auto f = hooks.find(from);
            if (f != hooks.end() && !f->second.isEmpty() && hooks[to].isEmpty()) {
                hooks[to] = f->second;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    for (FirewallRule &r : rules.rules)
        if (r.hook.isEmpty())
            r.hook = hooks[r.table + QLatin1Char('|') + r.chain];
}

} // namespace

FirewallRules parseNftRuleset(QByteArrayView text)
{
    FirewallRules out;
    enum class Block : std::uint8_t
    {
        Table,
        Chain,
        Other
    };
    std::vector<Block> stack;
    QString table, chain;
    std::map<QString, QString> hooks; // "table|chain" → hook
    std::vector<std::pair<QString, QString>> jumps;
    static const QRegularExpression tableRe(QStringLiteral("^table\\s+(.+?)\\s*\\{$"));
    static const QRegularExpression chainRe(QStringLiteral("^chain\\s+(\\S+)\\s*\\{$"));
    static const QRegularExpression typeRe(QStringLiteral("^type\\s+\\w+\\s+hook\\s+(\\w+)"));
    static const QRegularExpression policyRe(QStringLiteral("policy\\s+(\\w+)"));
    static const QRegularExpression verdictRe(QStringLiteral("(?:^|\\s)(drop|reject)(?:\\s|$)"));
    static const QRegularExpression dportRe(QStringLiteral("dport\\s+(\\{[^}]*\\}|\\S+)"));
    static const QRegularExpression daddrRe(QStringLiteral("ip6?\\s+daddr\\s+(\\{[^}]*\\}|\\S+)"));
    static const QRegularExpression rejectWithRe(QStringLiteral("reject\\s+with\\s+(.+)$"));
    static const QRegularExpression jumpRe(QStringLiteral("(?:jump|goto)\\s+(\\S+)"));
    static const QRegularExpression loopbackAcceptRe(
        QStringLiteral("^(?:iif|iifname|oif|oifname)\\s+\"?lo\"?\\s+(?:counter\\s+(?:packets\\s+\\d+\\s+"
                       "bytes\\s+\\d+\\s+)?)?accept$"));
    bool loopbackAccepted = false;
    static const QRegularExpression otherProtoRe(
        QStringLiteral("(?:^|\\s)(?:udp|icmp|icmpv6|sctp|dccp)\\s|l4proto\\s+(?:udp|icmp|icmpv6|sctp)"));
    for (const QString &raw : textLines(text)) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype opens = line.count(QLatin1Char('{')), closes = line.count(QLatin1Char('}'));
        if (line == QLatin1StringView("}")) {
            if (!stack.empty()) {
                if (stack.back() == Block::Chain)
                    chain.clear();
                else if (stack.back() == Block::Table)
                    table.clear();
                stack.pop_back();
            }
            continue;
        }
        if (opens > closes) {
            if (const auto m = tableRe.match(line); m.hasMatch() && stack.empty()) {
                table = m.captured(1);
                stack.push_back(Block::Table);
            } else if (const auto c = chainRe.match(line); c.hasMatch() && stack.size() == 1) {
                chain = c.captured(1);
                loopbackAccepted = false;
                hooks[table + QLatin1Char('|') + chain];
                stack.push_back(Block::Chain);
            } else {
                stack.push_back(Block::Other); // sets, maps, flowtables: their elements are no rules
            }
            continue;
        }
        if (stack.size() != 2 || stack.back() != Block::Chain)
            continue;
        if (const auto t = typeRe.match(line); t.hasMatch()) {
            const QString hook = t.captured(1);
            hooks[table + QLatin1Char('|') + chain] = hook;
            if (const auto p = policyRe.match(line); p.hasMatch())
                out.policies.push_back({table, chain, hook, p.captured(1)});
            continue;
        }
        if (line.startsWith(QLatin1StringView("policy ")))
            continue;
        ++out.ruleLines;
        if (loopbackAcceptRe.match(line).hasMatch()) {
            loopbackAccepted = true;
            continue;
        }
        if (const auto j = jumpRe.match(line); j.hasMatch())
            jumps.emplace_back(table + QLatin1Char('|') + chain, table + QLatin1Char('|') + j.captured(1));
        const auto v = verdictRe.match(line);
        if (!v.hasMatch())
            continue;
        FirewallRule rule;
        rule.action = v.captured(1) == QLatin1StringView("drop") ? FirewallRule::Action::Drop
                                                                 : FirewallRule::Action::Reject;
        rule.table = table;
        rule.chain = chain;
        rule.text = line;
        rule.afterLoopbackAccept = loopbackAccepted;
        auto it = dportRe.globalMatch(line);
        while (it.hasNext()) {
            const auto ranges = portRanges(it.next().captured(1));
            rule.dports.insert(rule.dports.end(), ranges.begin(), ranges.end());
        }
        auto at = daddrRe.globalMatch(line);
        while (at.hasNext())
            rule.daddrs << addressList(at.next().captured(1));
        if (const auto w = rejectWithRe.match(line);
            w.hasMatch() && rule.action == FirewallRule::Action::Reject)
            rule.rejectWith = w.captured(1).trimmed();
        rule.otherProtocol = otherProtoRe.match(line).hasMatch() && !line.contains(QLatin1StringView("tcp "));
        out.rules.push_back(std::move(rule));
    }
    propagateHooks(out, hooks, jumps);
    return out;
}

FirewallRules parseIptablesRules(QByteArrayView text)
{
    FirewallRules out;
    static const QStringList builtin{QStringLiteral("INPUT"), QStringLiteral("OUTPUT"),
                                     QStringLiteral("FORWARD"), QStringLiteral("PREROUTING"),
                                     QStringLiteral("POSTROUTING")};
    std::map<QString, QString> hooks;
    std::vector<std::pair<QString, QString>> jumps;
    QSet<QString> loopbackAccepting; // chains with "-i lo -j ACCEPT" / "-o lo -j ACCEPT" so far
    const QString table = QStringLiteral("filter");
    auto key = [&table](const QString &c) { return QString(table + QLatin1Char('|') + c); };
    for (const QString &raw : textLines(text)) {
        const QStringList f = raw.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (f.size() < 2)
            continue;
        if (f[0] == QLatin1StringView("-P") && f.size() >= 3) {
            hooks[key(f[1])] = f[1].toLower();
            out.policies.push_back({table, f[1], f[1].toLower(), f[2].toLower()});
            continue;
        }
        if (f[0] == QLatin1StringView("-N")) {
            hooks[key(f[1])] = builtin.contains(f[1]) ? f[1].toLower() : QString();
            continue;
        }
        if (f[0] != QLatin1StringView("-A"))
            continue;
        ++out.ruleLines;
        const QString chain = f[1];
        if (builtin.contains(chain))
            hooks[key(chain)] = chain.toLower();
        FirewallRule rule;
        rule.table = table;
        rule.chain = chain;
        rule.text = raw.trimmed();
        QString target;
        bool negated = false;
        for (qsizetype i = 2; i < f.size(); ++i) {
            const QString &t = f[i];
            const QString next = f.value(i + 1);
            if (t == QLatin1StringView("!")) {
                negated = true;
                continue;
            }
            if ((t == QLatin1StringView("-j") || t == QLatin1StringView("-g")) && !next.isEmpty()) {
                target = next;
            } else if ((t == QLatin1StringView("--dport") || t == QLatin1StringView("--dports") ||
                        t == QLatin1StringView("--destination-port") ||
                        t == QLatin1StringView("--destination-ports")) &&
                       !negated) {
                const auto ranges = portRanges(next);
                rule.dports.insert(rule.dports.end(), ranges.begin(), ranges.end());
            } else if ((t == QLatin1StringView("-d") || t == QLatin1StringView("--destination")) &&
                       !negated) {
                rule.daddrs << addressList(next);
            } else if ((t == QLatin1StringView("-p") || t == QLatin1StringView("--protocol")) && !negated) {
                rule.otherProtocol =
                    next.toLower() != QLatin1StringView("tcp") && next.toLower() != QLatin1StringView("all");
            } else if (t == QLatin1StringView("--reject-with")) {
                rule.rejectWith = next;
            }
            negated = false;
        }
        if (target.isEmpty())
            continue;
        const qsizetype iface = std::max(f.indexOf(QStringLiteral("-i")), f.indexOf(QStringLiteral("-o")));
        if (target == QLatin1StringView("ACCEPT") && iface > 0 &&
            f.value(iface + 1) == QLatin1StringView("lo") && f.size() == 6) {
            loopbackAccepting.insert(chain);
            continue;
        }
        rule.afterLoopbackAccept = loopbackAccepting.contains(chain);
        if (target != QLatin1StringView("DROP") && target != QLatin1StringView("REJECT")) {
            if (target != QLatin1StringView("ACCEPT") && target != QLatin1StringView("RETURN") &&
                target != QLatin1StringView("LOG"))
                jumps.emplace_back(key(chain), key(target));
            continue;
        }
        rule.action =
            target == QLatin1StringView("DROP") ? FirewallRule::Action::Drop : FirewallRule::Action::Reject;
        out.rules.push_back(std::move(rule));
    }
    propagateHooks(out, hooks, jumps);
    return out;
}

// --- name resolution
// -----------------------------------------------------------------------------------------

QStringList parseGetentHosts(QByteArrayView out)
{
    QStringList addresses;
    for (const QString &line : textLines(out)) {
        const QString first =
            line.section(QRegularExpression(QStringLiteral("\\s+")), 0, 0, QString::SectionSkipEmpty);
        QHostAddress a;
        if (!first.isEmpty() && a.setAddress(first) && !addresses.contains(first))
            addresses << first;
    }
    return addresses;
}

bool isIpLiteral(const QString &host)
{
    QHostAddress a;
    return a.setAddress(stripBrackets(host));
}

// --- TLS
// -----------------------------------------------------------------------------------------------------

TlsProbeOutcome parseTlsProbe(int exitCode, QByteArrayView out, QByteArrayView err)
{
    TlsProbeOutcome t;
    const QStringList lines = textLines(err) + textLines(out);
    QString reason; // the reason field of the first OpenSSL error line
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        auto value = [&line](const char *key) { return line.mid(qsizetype(qstrlen(key))).trimmed(); };
        if (line == QLatin1StringView("CONNECTION ESTABLISHED"))
            t.kind = TlsProbeOutcome::Kind::Established;
        else if (line.startsWith(QLatin1StringView("Protocol version:"))) {
            t.protocol = value("Protocol version:");
            t.kind = TlsProbeOutcome::Kind::Established;
        } else if (line.startsWith(QLatin1StringView("Ciphersuite:")))
            t.cipher = value("Ciphersuite:");
        else if (line.startsWith(QLatin1StringView("Peer certificate:")))
            t.peerCertificate = value("Peer certificate:");
        else if (line.startsWith(QLatin1StringView("Verification error:")))
            t.verifyError = value("Verification error:");
        else if (line == QLatin1StringView("Verification: OK"))
            t.verified = true;
        else if (reason.isEmpty() && line.contains(QLatin1StringView(":error:"))) {
            // 40E7...:error:0A00010B:SSL routines:ssl3_get_record:wrong version
            // number:../ssl/record/ssl3_record.c:350:
            const QStringList parts = line.split(QLatin1Char(':'));
            reason = parts.value(5).trimmed();
            if (reason.isEmpty())
                reason = line;
        }
    }
    if (t.kind == TlsProbeOutcome::Kind::Established)
        return t;
    const QString all = lines.join(QLatin1Char('\n'));
    auto has = [&all](const char *s) { return all.contains(QLatin1StringView(s), Qt::CaseInsensitive); };
    t.detail = reason.isEmpty() ? firstErrorLine(err) : reason;
    if (has("wrong version number") || has("packet length too long") || has("http request") ||
        has("record layer failure")) {
        t.kind = TlsProbeOutcome::Kind::PlainText;
    } else if (has("connection refused") || has("connect:errno") || has("no route to host") ||
               has("network is unreachable") || has("name or service not known") || has("getaddrinfo")) {
        t.kind = TlsProbeOutcome::Kind::ConnectFailed;
    } else if (exitCode == 124) {
        t.kind = TlsProbeOutcome::Kind::TimedOut;
        t.detail = QStringLiteral("no handshake before the time limit");
    } else if (has("alert") || has("handshake failure") || has("no protocols available") ||
               has("unsupported protocol") || has("no shared cipher") || has("unexpected eof") ||
               has("ssl routines")) {
        t.kind = TlsProbeOutcome::Kind::HandshakeFailed;
    }
    return t;
}

// --- limits and sockets
// --------------------------------------------------------------------------------------

std::optional<ProcessLimit> parseProcLimit(QByteArrayView text, QByteArrayView name)
{
    const QString wanted = QString::fromUtf8(name);
    for (const QString &line : textLines(text)) {
        if (!line.startsWith(wanted))
            continue;
        const QStringList f =
            line.mid(wanted.size()).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        if (f.size() < 2)
            return std::nullopt;
        auto number = [](const QString &v) -> std::optional<qint64> {
            if (v == QLatin1StringView("unlimited"))
                return -1;
            bool ok = false;
            const qint64 n = v.toLongLong(&ok);
            return ok ? std::optional<qint64>(n) : std::nullopt;
        };
        const auto soft = number(f[0]), hard = number(f[1]);
        if (!soft || !hard)
            return std::nullopt;
        return ProcessLimit{*soft, *hard};
    }
    return std::nullopt;
}

namespace {

const ConfigDirective *findIn(const std::vector<ConfigDirective> &directives, const QStringList &path,
                              qsizetype depth)
{
    const ConfigDirective *found = nullptr;
    for (const ConfigDirective &d : directives) {
        if (d.isInclude()) {
            if (const ConfigDirective *f = findIn(d.children, path, depth))
                found = f;
            continue;
        }
        if (d.name != path[depth])
            continue;
        if (depth + 1 == path.size())
            found = &d;
        else if (d.hasBlock)
            if (const ConfigDirective *f = findIn(d.children, path, depth + 1))
                found = f;
    }
    return found;
}

} // namespace

const ConfigDirective *findMainDirective(const std::vector<ConfigDirective> &directives,
                                         const QStringList &path)
{
    if (path.isEmpty())
        return nullptr;
    return findIn(directives, path, 0);
}

std::optional<SocketTotals> parseSocketSummary(QByteArrayView out)
{
    static const QRegularExpression re(QStringLiteral("^TCP:\\s+(\\d+)\\s+\\(estab\\s+(\\d+),\\s*closed\\s+("
                                                      "\\d+),\\s*orphaned\\s+(\\d+),\\s*timewait\\s+(\\d+)"));
    for (const QString &line : textLines(out)) {
        const auto m = re.match(line.trimmed());
        if (!m.hasMatch())
            continue;
        SocketTotals t;
        t.tcp = m.captured(1).toLongLong();
        t.established = m.captured(2).toLongLong();
        t.closed = m.captured(3).toLongLong();
        t.orphaned = m.captured(4).toLongLong();
        t.timeWait = m.captured(5).toLongLong();
        return t;
    }
    return std::nullopt;
}

std::optional<std::pair<int, int>> parsePortRange(QByteArrayView text)
{
    const QStringList f =
        QString::fromUtf8(text).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (f.size() != 2)
        return std::nullopt;
    bool ok1 = false, ok2 = false;
    const int lo = f[0].toInt(&ok1), hi = f[1].toInt(&ok2);
    if (!ok1 || !ok2 || lo <= 0 || hi < lo || hi > 65535)
        return std::nullopt;
    return std::pair{lo, hi};
}

std::optional<qint64> parseLineCount(QByteArrayView text)
{
    bool ok = false;
    const qint64 n = QString::fromUtf8(text).trimmed().toLongLong(&ok);
    return ok && n >= 0 ? std::optional<qint64>(n) : std::nullopt;
}

// --- kernel log
// ----------------------------------------------------------------------------------------------

namespace {

// "2024-05-03T10:12:01+0200" (journalctl -o short-iso) → the wall clock as if it were UTC, like the log
// times.
qint64 journalWallMs(const QString &line)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{4}-\\d\\d-\\d\\d)T(\\d\\d:\\d\\d:\\d\\d)"));
    const auto m = re.match(line);
    if (!m.hasMatch())
        return 0;
    const QDate date = QDate::fromString(m.captured(1), QStringLiteral("yyyy-MM-dd"));
    const QTime time = QTime::fromString(m.captured(2), QStringLiteral("HH:mm:ss"));
    if (!date.isValid() || !time.isValid())
        return 0;
    return QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

std::vector<OomKill> parseOomKills(QByteArrayView log)
{
    std::vector<OomKill> out;
    static const QRegularExpression killed(QStringLiteral("Kill(?:ed)? process (\\d+) \\(([^)]*)\\)"));
    static const QRegularExpression reaped(QStringLiteral("oom_reaper: reaped process (\\d+) \\(([^)]*)\\)"));
    static const QRegularExpression oomKill(QStringLiteral("oom-kill:.*?task=([^,]+),pid=(\\d+)"));
    static const QRegularExpression memcg(QStringLiteral("task_memcg=([^,]+)"));
    auto entry = [&out](qint64 pid) -> OomKill & {
        for (OomKill &k : out)
            if (k.pid == pid)
                return k;
        out.push_back({});
        out.back().pid = pid;
        return out.back();
    };
    for (const QString &raw : textLines(log)) {
        const QString line = raw.trimmed();
        qint64 pid = -1;
        QString name;
        if (const auto m = oomKill.match(line); m.hasMatch()) {
            pid = m.captured(2).toLongLong();
            name = m.captured(1);
        } else if (const auto k = killed.match(line); k.hasMatch()) {
            pid = k.captured(1).toLongLong();
            name = k.captured(2);
        } else if (const auto r = reaped.match(line); r.hasMatch()) {
            pid = r.captured(1).toLongLong();
            name = r.captured(2);
        } else {
            continue;
        }
        OomKill &k = entry(pid);
        if (k.process.isEmpty())
            k.process = name;
        if (k.line.isEmpty() || line.contains(QLatin1StringView("Killed process")))
            k.line = line.left(300);
        if (k.wallMs == 0)
            k.wallMs = journalWallMs(line);
        if (const auto c = memcg.match(line); c.hasMatch() && k.cgroup.isEmpty())
            k.cgroup = c.captured(1);
    }
    return out;
}

int countOomMentions(QByteArrayView log)
{
    int n = 0;
    for (const QString &line : textLines(log))
        if (line.contains(QLatin1StringView("invoked oom-killer")) ||
            line.contains(QLatin1StringView("Out of memory")))
            ++n;
    return n;
}

// --- tcpdump
// -------------------------------------------------------------------------------------------------

std::optional<TcpPacket> parseTcpdumpLine(QByteArrayView raw)
{
    static const QRegularExpression re(QStringLiteral("^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{6})\\s+(?:\\S+\\s+("
                                                      "?:In|Out|B|M|P)\\s+)?IP6?\\s+(\\S+)\\s+>\\s+(\\S+):"
                                                      "\\s+Flags\\s+\\[([^\\]]*)\\](.*)$"));
    static const QRegularExpression lengthRe(QStringLiteral("length\\s+(\\d+)"));
    const auto m = re.match(QString::fromUtf8(raw).trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    auto endpoint = [](const QString &text, QString &host, int &port) {
        const qsizetype dot = text.lastIndexOf(QLatin1Char('.'));
        if (dot <= 0)
            return false;
        bool ok = false;
        port = text.mid(dot + 1).toInt(&ok);
        host = text.left(dot);
        return ok;
    };
    TcpPacket p;
    if (!endpoint(m.captured(5), p.srcHost, p.srcPort) || !endpoint(m.captured(6), p.dstHost, p.dstPort))
        return std::nullopt;
    p.timeUs =
        ((m.captured(1).toLongLong() * 60 + m.captured(2).toLongLong()) * 60 + m.captured(3).toLongLong()) *
            1000000 +
        m.captured(4).toLongLong();
    p.flags = m.captured(7);
    if (const auto l = lengthRe.match(m.captured(8)); l.hasMatch())
        p.length = l.captured(1).toLongLong();
    return p;
}

// --- strace
// --------------------------------------------------------------------------------------------------

StraceTable parseStraceSummary(QByteArrayView text)
{
    StraceTable t;
    static const QRegularExpression row(
        QStringLiteral("^\\s*([\\d.]+)\\s+([\\d.]+)\\s+(\\d+)\\s+(\\d+)\\s+(?:(\\d+)\\s+)?(\\S+)\\s*$"));
    for (const QString &raw : textLines(text)) {
        const QString line = raw.trimmed();
        if (line.startsWith(QLatin1StringView("strace: Process")) &&
            line.endsWith(QLatin1StringView("attached"))) {
            t.attached = true;
            continue;
        }
        if (line.startsWith(QLatin1StringView("strace: ")) && t.problem.isEmpty() &&
            (line.contains(QLatin1StringView("Operation not permitted")) ||
             line.contains(QLatin1StringView("No such process")) ||
             line.contains(QLatin1StringView("attach:")) ||
             line.contains(QLatin1StringView("Permission denied")))) {
            t.problem = line.mid(8);
            continue;
        }
        const auto m = row.match(line);
        if (!m.hasMatch())
            continue;
        SyscallStat s;
        s.percentTime = m.captured(1).toDouble();
        s.seconds = m.captured(2).toDouble();
        s.calls = m.captured(4).toLongLong();
        s.errors = m.captured(5).isEmpty() ? 0 : m.captured(5).toLongLong();
        s.name = m.captured(6);
        if (s.name == QLatin1StringView("total"))
            t.total = s;
        else
            t.rows.push_back(s);
    }
    return t;
}

// --- shared by the host and capture checks
// -------------------------------------------------------------------

CheckResult noHostResult(CheckResult r)
{
    r.why = QStringLiteral("this check runs commands on the nginx host, and the investigation has no host");
    return couldNotRun(
        std::move(r),
        QStringLiteral("not run: the investigation has no host (it was opened from files or a bundle)"),
        QStringLiteral("open the investigation with --ssh USER@HOST or --local on the nginx host, then "
                       "run the check again"));
}

std::optional<CheckResult> unusableAnswer(const CheckResult &r, const Result<CommandOutput> &out,
                                          const QString &what, CheckContext &context, const QString &hint)
{
    if (!context.hasHost())
        return noHostResult(r);
    CheckResult scratch = r;
    const bool usedSudo = !r.commands.empty() && r.commands.back().sudo;
    const QString command = r.commands.empty() ? QString() : r.commands.back().text;
    if (!out) {
        CheckResult c = r;
        c.why = QStringLiteral("`%1` did not complete: %2").arg(command, out.error().message);
        return couldNotRun(std::move(c),
                           QStringLiteral("could not read %1: %2").arg(what, out.error().message),
                           QStringLiteral("check the connection to the host and run the check again"));
    }
    const QString user = context.facts(scratch).loginUser.isEmpty() ? QStringLiteral("the login user")
                                                                    : context.facts(scratch).loginUser;
    const QString errLine = firstErrorLine(out->err);
    CheckResult c = r;
    switch (commandTrouble(out->exitCode, out->err)) {
    case CommandTrouble::None:
    case CommandTrouble::NoSuchFile:
        return std::nullopt;
    case CommandTrouble::ToolMissing:
        c.why = QStringLiteral("`%1` failed: %2").arg(command, errLine);
        return couldNotRun(
            std::move(c),
            QStringLiteral("could not read %1: the tool is not installed on the host").arg(what),
            QStringLiteral("install the tool on the nginx host (or run the command above by hand "
                           "where it is available), then run the check again"));
    case CommandTrouble::PermissionDenied: {
        c.why = QStringLiteral("`%1` was refused: %2").arg(command, errLine);
        QString remedy = usedSudo
                             ? QStringLiteral("it was refused even under sudo -n: run it as root (in a "
                                              "container this may need CAP_SYS_ADMIN/CAP_SYS_PTRACE)")
                             : QStringLiteral("run gwb with --sudo (sudo -n must work without a password for "
                                              "%1) or connect as root")
                                   .arg(user);
        if (!hint.isEmpty())
            remedy += QStringLiteral("; ") + hint;
        return couldNotRun(std::move(c),
                           QStringLiteral("could not read %1 as %2: permission denied").arg(what, user),
                           remedy);
    }
    case CommandTrouble::SudoRefused:
        c.why = QStringLiteral("`%1` needs sudo -n, which was refused: %2").arg(command, errLine);
        return couldNotRun(
            std::move(c), QStringLiteral("could not read %1: sudo -n was refused for %2").arg(what, user),
            QStringLiteral("allow passwordless sudo for %1 for this read-only command, or connect "
                           "as root")
                .arg(user));
    case CommandTrouble::TimedOut:
        c.why = QStringLiteral("`%1` was stopped by its time limit").arg(command);
        return couldNotRun(
            std::move(c), QStringLiteral("could not read %1: the command did not finish in time").arg(what),
            QStringLiteral("run the check again; if it keeps timing out, run the command by hand"));
    }
    return std::nullopt;
}

QString withPidPlaceholder(const QString &text)
{
    if (text.endsWith(QLatin1StringView(" 0")))
        return QString(text.chopped(1) + QStringLiteral("WORKER_PID"));
    return text;
}

Verdict worse(Verdict a, Verdict b)
{
    auto rank = [](Verdict v) {
        switch (v) {
        case Verdict::Fail:
            return 3;
        case Verdict::Warn:
            return 2;
        case Verdict::CouldNotRun:
            return 1;
        case Verdict::Pass:
            break;
        }
        return 0;
    };
    return rank(a) >= rank(b) ? a : b;
}

} // namespace gwb
