// Checks of the nginx host itself: mandatory access control (SELinux, AppArmor), the firewall, name
// resolution, the TLS handshake with the peer, the workers' limits, ephemeral ports and the OOM killer.
// Each one reads with the fixed probe templates, parses with hostparsers.h and says what it could not see.

#include "checks/builtins.h"
#include "checks/checksupport.h"
#include "checks/hostparsers.h"
#include "diagnosis/investigation.h"

#include <QDateTime>
#include <algorithm>

namespace gwb {

namespace {

QString planned(const RemoteCommand &command, const CheckContext &context, bool preferSudo = false)
{
    return commandText(command, preferSudo ? context.options().sudo : SudoUse::No);
}

QByteArray procPath(qint64 pid, const char *leaf)
{
    return QByteArray("/proc/" + QByteArray::number(pid) + '/' + leaf);
}

bool canBeRoot(CheckContext &context, CheckResult &r)
{
    return context.facts(r).root || context.options().sudo == SudoUse::Allowed;
}

CheckResult needsRoot(CheckResult r, CheckContext &context, const QString &what)
{
    const QString user = context.facts(r).loginUser;
    r.why = QStringLiteral("%1 needs root, and %2 is not root and sudo was not allowed")
                .arg(what, user.isEmpty() ? QStringLiteral("the login user") : user);
    return couldNotRun(
        std::move(r), QStringLiteral("not run: %1 needs root").arg(what),
        QStringLiteral("run gwb with --sudo (sudo -n must work without a password) or connect as root"));
}

qint64 workerPid(const HostFacts &facts)
{
    if (!facts.workerPids.isEmpty())
        return facts.workerPids.constFirst();
    return facts.masterPids.isEmpty() ? -1 : facts.masterPids.constFirst();
}

// --- mac-policy
// ------------------------------------------------------------------------------------------------

class MacPolicy final : public Check
{
public:
    QString id() const override { return QStringLiteral("mac-policy"); }
    QString title() const override { return QStringLiteral("SELinux and AppArmor"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "With SELinux enforcing, nginx may not connect to network ports unless "
            "httpd_can_network_connect is on, and it may not use a socket whose label it is not "
            "allowed: the connect fails with (13: Permission denied) although the file "
            "permissions look right. An AppArmor profile in enforce mode can deny the same.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer || s.kind == CheckSubject::Kind::UnixSocket;
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::seLinuxState(), context),
                planned(RemoteCommand::statPath("/sys/fs/selinux"), context),
                planned(RemoteCommand::readFile("/sys/module/apparmor/parameters/enabled"), context),
                planned(RemoteCommand::readFile("/proc/WORKER_PID/attr/current"), context, true)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        const HostFacts &facts = context.facts(r);
        Verdict verdict = Verdict::Pass;
        QStringList findings, remedies;
        bool seKnown = false, aaKnown = false, seAbsent = false;

        // SELinux: getenforce/getsebool, else the selinuxfs files they read.
        auto se = context.run(RemoteCommand::seLinuxState(), r);
        if (!se)
            return *unusableAnswer(r, se, QStringLiteral("the SELinux state"), context);
        SeLinuxState state = parseSeLinuxState(se->out, se->err);
        if (state.mode == SeLinuxState::Mode::ToolsMissing || state.mode == SeLinuxState::Mode::Unknown) {
            auto fs = context.run(RemoteCommand::statPath("/sys/fs/selinux"), r);
            if (fs && fs->exitCode == 0) {
                if (auto enforce = context.run(RemoteCommand::readFile("/sys/fs/selinux/enforce"), r, true);
                    enforce && enforce->exitCode == 0) {
                    state.mode = enforce->out.trimmed() == "1" ? SeLinuxState::Mode::Enforcing
                                                               : SeLinuxState::Mode::Permissive;
                    for (const char *b : {"httpd_can_network_connect", "httpd_can_network_relay"}) {
                        auto v = context.run(
                            RemoteCommand::readFile(QByteArray("/sys/fs/selinux/booleans/") + b), r, true);
                        if (v && v->exitCode == 0)
                            state.booleans[QString::fromLatin1(b)] = v->out.trimmed().startsWith('1');
                    }
                }
            } else if (fs && commandTrouble(fs->exitCode, fs->err) == CommandTrouble::NoSuchFile) {
                state.mode = SeLinuxState::Mode::Disabled;
                seAbsent = true;
            }
        }
        if (state.mode != SeLinuxState::Mode::Unknown && state.mode != SeLinuxState::Mode::ToolsMissing) {
            seKnown = true;
            r.facts << (seAbsent ? QStringLiteral("SELinux is not in use (no getenforce, no /sys/fs/selinux)")
                                 : QStringLiteral("SELinux: %1").arg(seLinuxModeName(state.mode)));
            for (const auto &[name, on] : state.booleans)
                r.facts << QStringLiteral("%1 --> %2")
                               .arg(name, on ? QStringLiteral("on") : QStringLiteral("off"));
        } else {
            r.facts << QStringLiteral(
                "SELinux state unknown (getenforce missing and /sys/fs/selinux not readable)");
        }
        if (state.mode == SeLinuxState::Mode::Enforcing) {
            const auto connect = state.booleans.find(QStringLiteral("httpd_can_network_connect"));
            const auto relay = state.booleans.find(QStringLiteral("httpd_can_network_relay"));
            const bool relayOn = relay != state.booleans.end() && relay->second;
            if (s.kind == CheckSubject::Kind::UnixSocket) {
                verdict = worse(verdict, Verdict::Warn);
                findings << QStringLiteral(
                                "SELinux is enforcing: the socket %1 must carry a label nginx (httpd_t) may "
                                "connect to, whatever its file mode says")
                                .arg(s.socketPath);
                remedies << QStringLiteral(
                                "look at the label with `ls -Z %1` and at denials with `ausearch -m avc -ts "
                                "recent`; give the socket's directory a type like httpd_var_run_t "
                                "(semanage fcontext + restorecon)")
                                .arg(s.socketPath);
            } else if (connect == state.booleans.end()) {
                verdict = worse(verdict, Verdict::Warn);
                findings << QStringLiteral(
                    "SELinux is enforcing and httpd_can_network_connect could not be read");
                remedies << QStringLiteral("run `getsebool httpd_can_network_connect` on the host");
            } else if (!connect->second) {
                if (relayOn) {
                    verdict = worse(verdict, Verdict::Warn);
                    findings << QStringLiteral(
                                    "SELinux is enforcing with httpd_can_network_connect off; "
                                    "httpd_can_network_relay is on, which allows only ports labelled "
                                    "for HTTP (http_port_t …), so port %1 may be denied")
                                    .arg(s.port);
                    remedies << QStringLiteral(
                                    "check `semanage port -l | grep http_port_t` for %1, or `setsebool -P "
                                    "httpd_can_network_connect 1`")
                                    .arg(s.port);
                } else {
                    verdict = worse(verdict, Verdict::Fail);
                    r.pointsTo = Cause::ConnectPermission;
                    findings << QStringLiteral(
                                    "SELinux is enforcing and httpd_can_network_connect is off: nginx may "
                                    "not connect to %1 (connect() fails with 13: Permission denied)")
                                    .arg(s.peer);
                    remedies << QStringLiteral(
                        "`setsebool -P httpd_can_network_connect 1` (confirm first with "
                        "`ausearch -m avc -c nginx -ts recent`)");
                }
            }
        } else if (state.mode == SeLinuxState::Mode::Permissive) {
            r.facts << QStringLiteral("permissive: denials are logged (ausearch -m avc) but not enforced");
        }

        // AppArmor: is it on, and which profile confines the worker.
        auto aa = context.run(RemoteCommand::readFile("/sys/module/apparmor/parameters/enabled"), r);
        if (!aa)
            return *unusableAnswer(r, aa, QStringLiteral("the AppArmor state"), context);
        if (aa->exitCode == 0 && aa->out.trimmed() == "Y") {
            const qint64 pid = workerPid(facts);
            if (pid <= 0) {
                r.facts << QStringLiteral(
                    "AppArmor is enabled; no nginx process is running, so its profile is unknown");
            } else {
                auto label =
                    context.run(RemoteCommand::readFile(procPath(pid, "attr/apparmor/current")), r, true);
                if (label && label->exitCode != 0 &&
                    commandTrouble(label->exitCode, label->err) == CommandTrouble::NoSuchFile)
                    label = context.run(RemoteCommand::readFile(procPath(pid, "attr/current")), r, true);
                if (label && label->exitCode == 0) {
                    aaKnown = true;
                    const AppArmorLabel l = parseAppArmorLabel(label->out);
                    r.facts << QStringLiteral("AppArmor label of nginx pid %1: %2")
                                   .arg(pid)
                                   .arg(l.unconfined ? QStringLiteral("unconfined")
                                                     : QStringLiteral("%1 (%2)").arg(l.profile, l.mode));
                    if (!l.unconfined &&
                        (l.mode == QLatin1StringView("enforce") || l.mode == QLatin1StringView("kill"))) {
                        verdict = worse(verdict, Verdict::Warn);
                        findings << QStringLiteral(
                                        "nginx runs under the AppArmor profile %1 in %2 mode: a connect it "
                                        "does not allow fails with 13: Permission denied")
                                        .arg(l.profile, l.mode);
                        remedies << QStringLiteral(
                                        "look for `apparmor=\"DENIED\"` lines in the kernel log (journalctl "
                                        "-k | grep DENIED); allow the socket or network access in the "
                                        "profile, or test with `aa-complain %1`")
                                        .arg(l.profile);
                    }
                } else {
                    r.facts << QStringLiteral(
                                   "AppArmor is enabled; the profile of nginx pid %1 could not be read%2")
                                   .arg(pid)
                                   .arg(label ? QStringLiteral(" (%1)").arg(firstErrorLine(label->err))
                                              : QString());
                }
            }
        } else if (aa->exitCode == 0) {
            aaKnown = true;
            r.facts << QStringLiteral("AppArmor is disabled");
        } else if (commandTrouble(aa->exitCode, aa->err) == CommandTrouble::NoSuchFile) {
            aaKnown = true;
            r.facts << QStringLiteral("AppArmor is not in this kernel");
        }

        if (!seKnown && !aaKnown)
            return couldNotRun(
                std::move(r), QStringLiteral("neither the SELinux nor the AppArmor state could be read"),
                QStringLiteral("run gwb with --sudo or as root, or check by hand with `getenforce` and "
                               "`aa-status`"));
        r.verdict = verdict;
        if (verdict == Verdict::Pass) {
            r.summary =
                QStringLiteral("no mandatory access control stands between nginx and %1").arg(s.label());
            r.why =
                QStringLiteral("SELinux is not enforcing a denial here and nginx is not under an enforcing "
                               "AppArmor profile");
            if (!seKnown || !aaKnown) {
                r.verdict = Verdict::Warn;
                r.summary = QStringLiteral("no denial found, but the %1 state could not be read")
                                .arg(seKnown ? QStringLiteral("AppArmor") : QStringLiteral("SELinux"));
                r.remedy = QStringLiteral("run gwb with --sudo or as root to read it");
            }
            return r;
        }
        r.summary = findings.constFirst();
        r.why = findings.join(QStringLiteral("; "));
        r.remedy = remedies.join(QStringLiteral("; "));
        return r;
    }
};

// --- firewall
// --------------------------------------------------------------------------------------------------

class Firewall final : public Check
{
public:
    QString id() const override { return QStringLiteral("firewall"); }
    QString title() const override { return QStringLiteral("Firewall rules on the nginx host"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "A REJECT rule answers nginx's connect at once (like a refusal); a DROP rule lets it "
            "hang until proxy_connect_timeout. Both look like a broken backend from nginx's side.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer && s.port > 0;
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::firewallRules(RemoteCommand::Firewall::Nft), context, true),
                planned(RemoteCommand::firewallRules(RemoteCommand::Firewall::Iptables), context, true)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        if (!canBeRoot(context, r))
            return needsRoot(std::move(r), context, QStringLiteral("listing the firewall rules"));

        FirewallRules rules;
        QStringList tools;
        auto nft = context.run(RemoteCommand::firewallRules(RemoteCommand::Firewall::Nft), r, true);
        if (!nft)
            return *unusableAnswer(r, nft, QStringLiteral("the nftables ruleset"), context);
        const CommandTrouble nftTrouble = commandTrouble(nft->exitCode, nft->err);
        if (nftTrouble != CommandTrouble::ToolMissing) {
            if (auto bad = unusableAnswer(r, nft, QStringLiteral("the nftables ruleset"), context))
                return *bad;
            rules = parseNftRuleset(nft->out);
            tools << QStringLiteral("nft");
        }
        // iptables-legacy rules are invisible to nft: ask iptables too when nft showed nothing.
        if (nftTrouble == CommandTrouble::ToolMissing || rules.ruleLines == 0) {
            auto ipt = context.run(RemoteCommand::firewallRules(RemoteCommand::Firewall::Iptables), r, true);
            if (!ipt)
                return *unusableAnswer(r, ipt, QStringLiteral("the iptables rules"), context);
            const CommandTrouble iptTrouble = commandTrouble(ipt->exitCode, ipt->err);
            if (iptTrouble == CommandTrouble::ToolMissing && tools.isEmpty()) {
                return couldNotRun(
                    std::move(r), QStringLiteral("neither nft nor iptables is installed on the host"),
                    QStringLiteral("list the rules with the tool that manages this host's firewall "
                                   "(nftables, iptables, a cloud security group)"));
            }
            if (iptTrouble != CommandTrouble::ToolMissing) {
                if (auto bad = unusableAnswer(r, ipt, QStringLiteral("the iptables rules"), context))
                    return *bad;
                const FirewallRules more = parseIptablesRules(ipt->out);
                rules.rules.insert(rules.rules.end(), more.rules.begin(), more.rules.end());
                rules.policies.insert(rules.policies.end(), more.policies.begin(), more.policies.end());
                rules.ruleLines += more.ruleLines;
                tools << QStringLiteral("iptables");
            }
        }
        r.facts << QStringLiteral("%1 rule lines read with %2, %3 of them DROP or REJECT")
                       .arg(rules.ruleLines)
                       .arg(tools.join(QStringLiteral(" and ")))
                       .arg(rules.rules.size());

        const bool hostIsIp = isIpLiteral(s.host);
        const bool local = s.isLocalAddress();
        const FirewallRule *decisive = nullptr;
        Verdict verdict = Verdict::Pass;
        QStringList matched;
        for (const FirewallRule &rule : rules.rules) {
            if (rule.otherProtocol)
                continue;
            const bool portNamed = !rule.dports.empty() && rule.matchesPort(s.port);
            const bool addressNamed = !rule.daddrs.isEmpty() && hostIsIp && rule.namesAddress(s.host);
            const bool relevant = (portNamed && (rule.daddrs.isEmpty() || addressNamed || !hostIsIp)) ||
                                  (addressNamed && rule.dports.empty());
            if (!relevant)
                continue;
            const QString where =
                QStringLiteral("%1 %2 (%3)")
                    .arg(rule.table, rule.chain,
                         rule.hook.isEmpty() ? QStringLiteral("no hook")
                                             : QString(QStringLiteral("hook ") + rule.hook));
            const bool outgoing =
                rule.hook == QLatin1StringView("output") || rule.hook == QLatin1StringView("postrouting");
            const bool incoming =
                rule.hook == QLatin1StringView("input") || rule.hook == QLatin1StringView("prerouting");
            Verdict v = Verdict::Warn;
            QString note;
            if (local && rule.afterLoopbackAccept) {
                v = Verdict::Pass;
                note = QStringLiteral("loopback traffic is accepted earlier in the chain");
            } else if (outgoing || (incoming && local)) {
                v = Verdict::Fail;
            } else if (incoming) {
                v = Verdict::Pass;
                note = QStringLiteral(
                           "an input rule: it filters connections to this host, not nginx's connects to %1")
                           .arg(s.peer);
            }
            matched << QStringLiteral("%1: %2%3")
                           .arg(where, rule.text,
                                note.isEmpty() ? QString() : QString(QStringLiteral(" — ") + note));
            if (v != Verdict::Pass && (worse(verdict, v) != verdict || !decisive)) {
                verdict = worse(verdict, v);
                decisive = &rule;
            }
        }
        for (const QString &m : matched)
            r.facts << QStringLiteral("rule: %1").arg(m);
        for (const FirewallChainPolicy &p : rules.policies) {
            if (p.policy == QLatin1StringView("drop") && p.hook == QLatin1StringView("output")) {
                r.facts << QStringLiteral(
                               "chain %1 %2 has policy drop: outgoing connections no rule accepts are "
                               "dropped")
                               .arg(p.table, p.chain);
                if (verdict == Verdict::Pass) {
                    verdict = Verdict::Warn;
                    r.summary =
                        QStringLiteral("the output chain %1 drops what it does not accept: make sure a rule "
                                       "accepts port %2")
                            .arg(p.chain)
                            .arg(s.port);
                    r.why = QStringLiteral(
                                "with an output policy of drop, nginx's SYNs to %1 vanish unless a rule "
                                "accepts them; connects then hang until proxy_connect_timeout")
                                .arg(s.peer);
                    r.remedy =
                        QStringLiteral("add an accept rule for tcp dport %1 to the output chain, or confirm "
                                       "one covers it (established/related rules do not cover new connects)")
                            .arg(s.port);
                }
            }
        }
        r.verdict = verdict;
        if (!decisive) {
            if (verdict == Verdict::Pass) {
                r.summary = QStringLiteral("no DROP or REJECT rule on this host names port %1%2")
                                .arg(s.port)
                                .arg(hostIsIp ? QStringLiteral(" or %1").arg(s.host) : QString());
                r.why =
                    QStringLiteral("only rules that name the peer's port or address are judged; a firewall "
                                   "between the hosts (a security group, a network appliance) is not visible "
                                   "from here");
            }
            return r;
        }
        const bool reject = decisive->action == FirewallRule::Action::Reject;
        const QString with = decisive->rejectWith.toLower();
        const bool unreachable =
            with.contains(QLatin1StringView("host")) || with.contains(QLatin1StringView("net")) ||
            with.contains(QLatin1StringView("admin")) || with.contains(QLatin1StringView("prohib"));
        r.pointsTo = !reject ? Cause::ConnectTimeout
                             : (unreachable ? Cause::BackendUnreachable : Cause::BackendRefused);
        r.summary = QStringLiteral("a %1 rule in %2 %3 matches connections to %4")
                        .arg(reject ? QStringLiteral("REJECT") : QStringLiteral("DROP"), decisive->table,
                             decisive->chain, s.peer);
        r.why = reject
                    ? QStringLiteral("a rejected SYN is answered at once%1, so nginx logs %2")
                          .arg(decisive->rejectWith.isEmpty()
                                   ? QString()
                                   : QString(QStringLiteral(" (") + decisive->rejectWith + QLatin1Char(')')),
                               unreachable ? QStringLiteral("(113: No route to host)")
                                           : QStringLiteral("(111: Connection refused)"))
                    : QStringLiteral(
                          "a dropped SYN gets no answer: nginx waits until proxy_connect_timeout and logs "
                          "\"upstream timed out (110) while connecting\"");
        if (verdict == Verdict::Warn)
            r.why += QStringLiteral(
                         " — if the chain sees these packets (%1: it is not called directly by the output "
                         "hook, so whether it applies depends on the rules that jump to it)")
                         .arg(decisive->hook.isEmpty() ? QStringLiteral("no hook") : decisive->hook);
        r.why +=
            QStringLiteral("; earlier accept rules of the chain are not evaluated here, so check the order");
        r.remedy = QStringLiteral("remove or narrow the rule (`%1`), or accept tcp dport %2 to %3 before it")
                       .arg(decisive->text)
                       .arg(s.port)
                       .arg(s.host);
        return r;
    }
};

// --- dns
// -------------------------------------------------------------------------------------------------------

class Dns final : public Check
{
public:
    QString id() const override { return QStringLiteral("dns"); }
    QString title() const override { return QStringLiteral("Resolve the peer's name from the nginx host"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "nginx resolves names in proxy_pass and upstream servers when it loads its config "
            "(or at run time with a resolver when proxy_pass has variables). A name that no "
            "longer resolves, or resolves elsewhere, sends requests nowhere or to the wrong host.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer && !s.host.isEmpty() && !isIpLiteral(s.host);
    }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::resolveName(s.host.toUtf8()), context)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        auto out = context.run(RemoteCommand::resolveName(s.host.toUtf8()), r);
        if (!out)
            return *unusableAnswer(r, out, QStringLiteral("the addresses of %1").arg(s.host), context);
        if (const CommandTrouble t = commandTrouble(out->exitCode, out->err);
            t == CommandTrouble::ToolMissing || t == CommandTrouble::PermissionDenied)
            return *unusableAnswer(r, out, QStringLiteral("the addresses of %1").arg(s.host), context);
        const QStringList addresses = parseGetentHosts(out->out);
        const Location *loc = locationOf(context, s);
        const bool variablePass = loc && loc->pass && loc->pass->kind == PassTarget::Kind::Variable;
        const EffectiveValue resolver = effectiveOf(context, s, QStringLiteral("resolver"));
        const bool hasResolver = !resolver.args.isEmpty() && !resolver.isDefault;
        if (hasResolver)
            r.facts << QStringLiteral("resolver %1").arg(resolver.text());
        if (addresses.isEmpty()) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::DnsFailure;
            r.summary = QStringLiteral("%1 does not resolve from the nginx host").arg(s.host);
            r.why =
                QStringLiteral(
                    "`getent ahosts %1` found no address (exit %2): nginx cannot resolve it either%3")
                    .arg(s.host)
                    .arg(out->exitCode)
                    .arg(hasResolver ? QStringLiteral(" (nginx asks its resolver directly; getent also reads "
                                                      "/etc/hosts, so the resolver may disagree)")
                                     : QString());
            r.remedy = QStringLiteral(
                           "fix the DNS record or /etc/hosts entry for %1, or point proxy_pass/upstream at "
                           "a name or address that exists; reload nginx afterwards")
                           .arg(s.host);
            return r;
        }
        r.facts << QStringLiteral("%1 → %2").arg(s.host, addresses.join(QStringLiteral(", ")));
        if (variablePass && !hasResolver) {
            r.verdict = Verdict::Warn;
            r.pointsTo = Cause::DnsFailure;
            r.summary =
                QStringLiteral("%1 resolves here, but proxy_pass uses variables and no resolver is set")
                    .arg(s.host);
            r.why = QStringLiteral(
                        "with a variable in proxy_pass nginx resolves the name per request and needs a "
                        "`resolver`; without one it logs \"no resolver defined to resolve %1\" and answers "
                        "502")
                        .arg(s.host);
            r.remedy =
                QStringLiteral("add `resolver 127.0.0.53 valid=30s;` (or your DNS server) to the http or "
                               "server block, or define the peer in an upstream block");
            return r;
        }
        r.verdict = Verdict::Pass;
        r.summary = QStringLiteral("%1 resolves to %2").arg(s.host, addresses.join(QStringLiteral(", ")));
        r.why = variablePass
                    ? QStringLiteral("nginx resolves it per request with its resolver, which asks DNS "
                                     "directly (no /etc/hosts): if the failures continue, query that server "
                                     "with `dig @SERVER %1`")
                          .arg(s.host)
                    : QStringLiteral("nginx resolved this name when it started or last reloaded; if these "
                                     "addresses changed since, nginx still uses the old ones until a reload "
                                     "(or `server %1 resolve` with a resolver)")
                          .arg(s.host);
        return r;
    }
};

// --- tls-probe
// -------------------------------------------------------------------------------------------------

int tlsSeconds(const CheckContext &context)
{
    const qint64 seconds = (qint64(context.options().probeTimeout.count()) + 999) / 1000;
    return int(std::clamp<qint64>(seconds, 1, 30));
}

class TlsProbe final : public Check
{
public:
    QString id() const override { return QStringLiteral("tls-probe"); }
    QString title() const override { return QStringLiteral("TLS handshake with the peer"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "nginx talks TLS to an https/grpcs peer. A port that speaks plain HTTP, a server that "
            "needs SNI, a protocol or cipher mismatch or a certificate nginx cannot verify each "
            "fail the handshake, and the client gets a 502.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer && s.port > 0 &&
               (s.scheme == QLatin1StringView("https") || s.scheme == QLatin1StringView("grpcs"));
    }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::tlsProbe(s.host.toUtf8(), s.port, s.sni.toUtf8(), tlsSeconds(context)),
                        context)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        if (!context.hasTool(QStringLiteral("openssl"), r))
            return couldNotRun(
                std::move(r), QStringLiteral("openssl is not installed on the nginx host"),
                QStringLiteral("install openssl (apt install openssl / dnf install openssl) or run "
                               "the handshake from another host in the same network"));
        auto out = context.run(
            RemoteCommand::tlsProbe(s.host.toUtf8(), s.port, s.sni.toUtf8(), tlsSeconds(context)), r);
        if (!out)
            return *unusableAnswer(r, out, QStringLiteral("a TLS handshake with %1").arg(s.peer), context);
        const TlsProbeOutcome t = parseTlsProbe(out->exitCode, out->out, out->err);
        const QString prefix = modulePrefix(s);
        const bool verifyOn =
            effectiveOf(context, s, prefix + QStringLiteral("ssl_verify")).text() == QLatin1StringView("on");
        const EffectiveValue trusted =
            effectiveOf(context, s, prefix + QStringLiteral("ssl_trusted_certificate"));
        r.facts << (s.sni.isEmpty()
                        ? QStringLiteral(
                              "no server name sent (nginx sends none without %1ssl_server_name on)")
                              .arg(prefix)
                        : QStringLiteral("server name sent: %1").arg(s.sni));
        r.facts << describeEffective(context, s, prefix + QStringLiteral("ssl_verify"));
        switch (t.kind) {
        case TlsProbeOutcome::Kind::Established: {
            r.facts << QStringLiteral("protocol %1, cipher %2").arg(t.protocol, t.cipher);
            if (!t.peerCertificate.isEmpty())
                r.facts << QStringLiteral("certificate: %1").arg(t.peerCertificate);
            r.facts << (t.verifyError.isEmpty()
                            ? QStringLiteral("verification against the system CAs: %1")
                                  .arg(t.verified ? QStringLiteral("OK") : QStringLiteral("not reported"))
                            : QStringLiteral("verification against the system CAs: %1").arg(t.verifyError));
            if (!t.verifyError.isEmpty() && verifyOn) {
                r.verdict = Verdict::Fail;
                r.pointsTo = Cause::TlsVerify;
                r.summary = QStringLiteral("the handshake works, but the certificate does not verify: %1")
                                .arg(t.verifyError);
                r.why =
                    QStringLiteral(
                        "%1ssl_verify is on, so nginx rejects a certificate it cannot verify. openssl "
                        "used the system CA store here; nginx uses %2")
                        .arg(prefix, trusted.args.isEmpty() ? QStringLiteral("its ssl_trusted_certificate")
                                                            : trusted.text());
                r.remedy = QStringLiteral(
                               "confirm with `openssl s_client -connect %1:%2 -CAfile <the trusted file>`; "
                               "put the issuing CA in %3ssl_trusted_certificate, or fix the certificate "
                               "chain on the peer")
                               .arg(s.host)
                               .arg(s.port)
                               .arg(prefix);
                return r;
            }
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("TLS handshake with %1 works (%2)").arg(s.peer, t.protocol);
            r.why = verifyOn
                        ? QStringLiteral("the handshake completed and the certificate verified")
                        : QStringLiteral("the handshake completed; nginx does not verify the certificate "
                                         "(%1ssl_verify off), so verification does not decide here")
                              .arg(prefix);
            return r;
        }
        case TlsProbeOutcome::Kind::PlainText:
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::TlsHandshake;
            r.summary =
                QStringLiteral("%1 does not speak TLS: it answered the handshake in plain text").arg(s.peer);
            r.why = QStringLiteral(
                        "openssl reported \"%1\": the bytes that came back are not a TLS record, typically "
                        "an HTTP error page from a plain-HTTP server")
                        .arg(t.detail);
            r.remedy = QStringLiteral(
                           "use %1 in proxy_pass for this peer, or point it at the port where the backend "
                           "serves TLS")
                           .arg(s.scheme == QLatin1StringView("grpcs") ? QStringLiteral("grpc://")
                                                                       : QStringLiteral("http://"));
            return r;
        case TlsProbeOutcome::Kind::HandshakeFailed:
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::TlsHandshake;
            r.summary = QStringLiteral("the TLS handshake with %1 fails: %2").arg(s.peer, t.detail);
            r.why = QStringLiteral(
                "the peer ended the handshake; usual reasons are a missing server name (SNI), no "
                "common protocol version or cipher, or a client certificate it requires");
            r.remedy =
                s.sni.isEmpty()
                    ? QStringLiteral("try `%1ssl_server_name on;` (and %1ssl_name if the name differs), then "
                                     "compare %1ssl_protocols/%1ssl_ciphers with what the peer accepts")
                          .arg(prefix)
                    : QStringLiteral("compare %1ssl_protocols and %1ssl_ciphers with what the peer accepts; "
                                     "if it wants a client certificate, set %1ssl_certificate")
                          .arg(prefix);
            return r;
        case TlsProbeOutcome::Kind::TimedOut:
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::TlsTimeout;
            r.summary =
                QStringLiteral("no TLS handshake with %1 within %2 s").arg(s.peer).arg(tlsSeconds(context));
            r.why = QStringLiteral(
                "the connect or the handshake did not complete in time: a peer that accepts but "
                "never answers, an overloaded TLS terminator, or a firewall dropping packets");
            r.remedy =
                QStringLiteral("look at the peer's load and its TLS listener; compare with %1connect_timeout")
                    .arg(prefix);
            return r;
        case TlsProbeOutcome::Kind::ConnectFailed: {
            const bool refused = t.detail.contains(QLatin1StringView("refused"), Qt::CaseInsensitive) ||
                                 QString::fromUtf8(out->err).contains(QLatin1StringView("errno=111"));
            r.verdict = Verdict::Fail;
            r.pointsTo = refused ? Cause::BackendRefused : Cause::BackendUnreachable;
            r.summary = QStringLiteral("could not connect to %1 to start TLS: %2").arg(s.peer, t.detail);
            r.why = QStringLiteral(
                "the TCP connect failed before any TLS: the problem is the connection, not TLS");
            r.remedy = QStringLiteral("run the probe-peer and listening-socket checks for this peer");
            return r;
        }
        case TlsProbeOutcome::Kind::Unknown:
            break;
        }
        r.why = QStringLiteral("openssl ended with exit %1 and printed nothing this check recognises: %2")
                    .arg(out->exitCode)
                    .arg(firstErrorLine(out->err));
        return couldNotRun(std::move(r), QStringLiteral("the TLS probe gave no verdict"),
                           QStringLiteral("run the command above by hand and read its output"));
    }
};

// --- worker-limits
// ---------------------------------------------------------------------------------------------

class WorkerLimits final : public Check
{
public:
    QString id() const override { return QStringLiteral("worker-limits"); }
    QString title() const override
    {
        return QStringLiteral("Worker connections against the open-file limit");
    }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "Every connection is a file descriptor, and a proxied request holds two (client and "
            "upstream). When worker_connections is above what the worker's open-file limit "
            "allows, accept() and connect() fail with (24: Too many open files) under load.");
    }
    GuidedStep step() const override { return GuidedStep::Config; }
    bool appliesTo(const CheckSubject &, const CheckContext &) const override { return true; }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::readFile("/proc/WORKER_PID/limits"), context, true),
                planned(RemoteCommand::socketSummary(), context)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        const HostFacts &facts = context.facts(r);

        // The config: `events { worker_connections }` and worker_rlimit_nofile (the ConfigModel keeps
        // neither).
        std::optional<qint64> connections;
        std::optional<qint64> rlimit;
        const Investigation *inv = context.investigation();
        if (inv && !inv->parsedConfig.directives.empty()) {
            const ConfigDirective *wc =
                findMainDirective(inv->parsedConfig.directives,
                                  {QStringLiteral("events"), QStringLiteral("worker_connections")});
            bool ok = false;
            const qint64 n = wc ? wc->args.value(0).toLongLong(&ok) : 512;
            connections = wc && !ok ? std::nullopt : std::optional<qint64>(n);
            r.facts << (wc ? QStringLiteral("worker_connections %1 (%2)")
                                 .arg(wc->args.value(0), wc->where.toString())
                           : QStringLiteral("worker_connections 512 (nginx default)"));
            if (const ConfigDirective *rl = findMainDirective(inv->parsedConfig.directives,
                                                              {QStringLiteral("worker_rlimit_nofile")})) {
                if (const qint64 v = rl->args.value(0).toLongLong(&ok); ok) {
                    rlimit = v;
                    r.facts
                        << QStringLiteral("worker_rlimit_nofile %1 (%2)").arg(v).arg(rl->where.toString());
                }
            }
        } else {
            r.facts << QStringLiteral("worker_connections unknown: the investigation has no nginx config");
        }

        // The limit the running worker really has.
        std::optional<ProcessLimit> limit;
        const qint64 pid = workerPid(facts);
        if (pid > 0) {
            auto out = context.run(RemoteCommand::readFile(procPath(pid, "limits")), r, true);
            if (auto bad = unusableAnswer(r, out, QStringLiteral("/proc/%1/limits").arg(pid), context))
                return *bad;
            limit = parseProcLimit(out->out);
            if (limit)
                r.facts << QStringLiteral("nginx pid %1: Max open files soft %2, hard %3")
                               .arg(pid)
                               .arg(limit->soft < 0 ? QStringLiteral("unlimited")
                                                    : QString::number(limit->soft))
                               .arg(limit->hard < 0 ? QStringLiteral("unlimited")
                                                    : QString::number(limit->hard));
        } else if (rlimit) {
            limit = ProcessLimit{*rlimit, *rlimit};
            r.facts << QStringLiteral("no nginx worker is running: judging with worker_rlimit_nofile");
        }
        if (auto ss = context.run(RemoteCommand::socketSummary(), r); ss && ss->exitCode == 0) {
            if (const auto totals = parseSocketSummary(ss->out))
                r.facts << QStringLiteral(
                               "TCP sockets on the host: %1 (established %2, time-wait %3, orphaned %4)")
                               .arg(totals->tcp)
                               .arg(totals->established)
                               .arg(totals->timeWait)
                               .arg(totals->orphaned);
        }

        if (!limit)
            return couldNotRun(
                std::move(r), QStringLiteral("the workers' open-file limit is unknown"),
                pid > 0 ? QStringLiteral("/proc/%1/limits has no \"Max open files\" row; read it by hand")
                              .arg(pid)
                        : QStringLiteral("no nginx process runs on the host and worker_rlimit_nofile is "
                                         "not set: run the check while nginx runs"));
        if (!connections)
            return couldNotRun(
                std::move(r), QStringLiteral("the open-file limit is known, but worker_connections is not"),
                QStringLiteral("open the investigation with the nginx config (nginx -T) to compare"));
        const qint64 wc = *connections, soft = limit->soft;
        if (soft < 0) {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("the workers have no open-file limit (worker_connections %1)").arg(wc);
            r.why = QStringLiteral("an unlimited soft limit never stops accept() or connect()");
            return r;
        }
        const QString fix =
            QStringLiteral("set `worker_rlimit_nofile %1;` in the main context (or LimitNOFILE=%1 in "
                           "the systemd unit) and reload, or lower worker_connections")
                .arg(qMax<qint64>(2 * wc + 1024, soft));
        if (wc > soft) {
            r.verdict = Verdict::Fail;
            r.summary = QStringLiteral("worker_connections %1 is above the workers' open-file limit %2")
                            .arg(wc)
                            .arg(soft);
            r.why = QStringLiteral(
                "a worker can run out of descriptors long before it reaches worker_connections; "
                "accept() and connect() then fail with (24: Too many open files) and nginx logs "
                "it in the error log");
            r.remedy = fix;
        } else if (2 * wc > soft) {
            r.verdict = Verdict::Warn;
            r.summary =
                QStringLiteral("worker_connections %1 needs up to %2 descriptors when proxying, above the "
                               "limit %3")
                    .arg(wc)
                    .arg(2 * wc)
                    .arg(soft);
            r.why =
                QStringLiteral("each proxied request holds a client and an upstream connection, so a worker "
                               "near worker_connections needs twice as many descriptors (plus log files)");
            r.remedy = fix;
        } else {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral(
                            "the open-file limit %1 covers worker_connections %2 (2 descriptors per proxied "
                            "request)")
                            .arg(soft)
                            .arg(wc);
            r.why = QStringLiteral("2 × %1 = %2 ≤ %3").arg(wc).arg(2 * wc).arg(soft);
        }
        return r;
    }
};

// --- ephemeral-ports
// -------------------------------------------------------------------------------------------

class EphemeralPorts final : public Check
{
public:
    QString id() const override { return QStringLiteral("ephemeral-ports"); }
    QString title() const override { return QStringLiteral("Ephemeral ports and TIME_WAIT"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "Each new upstream connection takes a local port from ip_local_port_range, and a "
            "closed one keeps it in TIME_WAIT for 60 s. Without upstream keepalive a busy proxy "
            "runs out, and connect() fails with (99: Cannot assign requested address).");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind != CheckSubject::Kind::UnixSocket;
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::readFile("/proc/sys/net/ipv4/ip_local_port_range"), context),
                planned(RemoteCommand::timeWaitCount(), context),
                planned(RemoteCommand::readFile("/proc/sys/net/ipv4/tcp_tw_reuse"), context)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        auto range = context.run(RemoteCommand::readFile("/proc/sys/net/ipv4/ip_local_port_range"), r);
        if (auto bad =
                unusableAnswer(r, range, QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"), context))
            return *bad;
        auto tw = context.run(RemoteCommand::timeWaitCount(), r);
        if (auto bad = unusableAnswer(r, tw, QStringLiteral("the TIME_WAIT count"), context))
            return *bad;
        const auto ports = parsePortRange(range->out);
        const auto count = parseLineCount(tw->out);
        if (!ports || !count || tw->exitCode != 0) {
            r.why = QStringLiteral("range: \"%1\", TIME_WAIT count: \"%2\" %3")
                        .arg(QString::fromUtf8(range->out.trimmed()), QString::fromUtf8(tw->out.trimmed()),
                             firstErrorLine(tw->err));
            return couldNotRun(std::move(r),
                               QStringLiteral("the port range or the TIME_WAIT count could not be read"),
                               QStringLiteral("run the commands above by hand (ss comes with iproute2)"));
        }
        const qint64 size = qint64(ports->second) - ports->first + 1;
        const double share = double(*count) / double(size);
        const int percent = int(share * 100.0 + 0.5);
        r.facts << QStringLiteral("ip_local_port_range %1–%2 (%3 ports)")
                       .arg(ports->first)
                       .arg(ports->second)
                       .arg(size);
        r.facts << QStringLiteral("%1 sockets in TIME_WAIT (%2% of the range)").arg(*count).arg(percent);
        QString reuse;
        if (auto rw = context.run(RemoteCommand::readFile("/proc/sys/net/ipv4/tcp_tw_reuse"), r);
            rw && rw->exitCode == 0) {
            reuse = QString::fromUtf8(rw->out.trimmed());
            r.facts << QStringLiteral("net.ipv4.tcp_tw_reuse = %1%2")
                           .arg(reuse, reuse == QLatin1StringView("2") ? QStringLiteral(" (loopback only)")
                                                                       : QString());
        }
        const QString caveat =
            QStringLiteral("the count covers every TIME_WAIT socket on the host; the ports run out "
                           "per destination (address and port), so for one peer this is an upper "
                           "bound");
        const QString remedy =
            QStringLiteral("reuse upstream connections: `keepalive 32;` in the upstream block with "
                           "`proxy_http_version 1.1;` and `proxy_set_header Connection \"\";`; "
                           "widen net.ipv4.ip_local_port_range%1")
                .arg(reuse == QLatin1StringView("1") ? QString()
                                                     : QStringLiteral(" and set net.ipv4.tcp_tw_reuse = 1"));
        if (share >= 0.8) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::AddressExhausted;
            r.summary = QStringLiteral("%1 TIME_WAIT sockets hold %2% of the %3 ephemeral ports")
                            .arg(*count)
                            .arg(percent)
                            .arg(size);
            r.why = QStringLiteral(
                        "at 80% and above new connects start failing with (99: Cannot assign requested "
                        "address); %1")
                        .arg(caveat);
            r.remedy = remedy;
        } else if (share >= 0.5) {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("%1 TIME_WAIT sockets hold %2% of the %3 ephemeral ports")
                            .arg(*count)
                            .arg(percent)
                            .arg(size);
            r.why = QStringLiteral("half the range is in TIME_WAIT: a traffic peak can exhaust it; %1")
                        .arg(caveat);
            r.remedy = remedy;
        } else {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("%1 TIME_WAIT sockets for %2 ephemeral ports (%3%)")
                            .arg(*count)
                            .arg(size)
                            .arg(percent);
            r.why =
                QStringLiteral("below 50% of the range there is room for new connections; %1").arg(caveat);
        }
        return r;
    }
};

// --- oom-kills
// -------------------------------------------------------------------------------------------------

class OomKills final : public Check
{
public:
    QString id() const override { return QStringLiteral("oom-kills"); }
    QString title() const override { return QStringLiteral("Processes killed for memory"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "When memory runs out the kernel kills a process: a backend worker that dies drops "
            "its connections (reset, premature close) and a backend that is gone refuses new "
            "ones. The kernel log says who was killed and when.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &, const CheckContext &) const override { return true; }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {planned(RemoteCommand::kernelLog(RemoteCommand::KernelSource::Journal), context, true),
                planned(RemoteCommand::kernelLog(RemoteCommand::KernelSource::Dmesg), context, true)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        const HostFacts &facts = context.facts(r);
        const bool journalGroup = facts.loginGroups.contains(QStringLiteral("adm")) ||
                                  facts.loginGroups.contains(QStringLiteral("systemd-journal"));
        QByteArray text;
        QString source;
        QStringList refused;

        auto journal = context.run(RemoteCommand::kernelLog(RemoteCommand::KernelSource::Journal), r, true);
        if (!journal)
            return *unusableAnswer(r, journal, QStringLiteral("the kernel log"), context);
        const bool journalSudo = r.commands.back().sudo;
        const CommandTrouble jt = commandTrouble(journal->exitCode, journal->err);
        // Without root or the journal groups, journalctl -q shows only the user's own entries: no kernel
        // lines.
        const bool journalComplete = jt == CommandTrouble::None && journal->exitCode == 0 &&
                                     (facts.root || journalSudo || journalGroup);
        if (jt == CommandTrouble::None && journal->exitCode == 0 && !journal->out.trimmed().isEmpty()) {
            text = journal->out;
            source = QStringLiteral("the journal (last 5000 kernel lines)");
        } else if (jt != CommandTrouble::ToolMissing) {
            refused << (journalComplete
                            ? QStringLiteral("the journal holds no kernel messages")
                            : QStringLiteral("journalctl -k showed nothing to %1 (%2)")
                                  .arg(facts.loginUser,
                                       jt == CommandTrouble::None
                                           ? QStringLiteral("not in the groups adm or systemd-journal")
                                           : firstErrorLine(journal->err)));
        }
        if (text.isEmpty()) {
            auto dmesg = context.run(RemoteCommand::kernelLog(RemoteCommand::KernelSource::Dmesg), r, true);
            if (!dmesg)
                return *unusableAnswer(r, dmesg, QStringLiteral("the kernel log"), context);
            const CommandTrouble dt = commandTrouble(dmesg->exitCode, dmesg->err);
            if (dt == CommandTrouble::None && dmesg->exitCode == 0) {
                text = dmesg->out;
                source = QStringLiteral("the kernel ring buffer (dmesg)");
            } else {
                refused << QStringLiteral("dmesg: %1").arg(firstErrorLine(dmesg->err));
            }
        }
        if (source.isEmpty()) {
            r.why = refused.join(QStringLiteral("; "));
            const QString user =
                facts.loginUser.isEmpty() ? QStringLiteral("the login user") : facts.loginUser;
            return couldNotRun(
                std::move(r), QStringLiteral("could not read the kernel log as %1").arg(user),
                QStringLiteral("add %1 to the group adm or systemd-journal (journal), or set "
                               "kernel.dmesg_restrict=0 (dmesg), or run gwb with --sudo or as root")
                    .arg(user));
        }
        const std::vector<OomKill> kills = parseOomKills(text);
        r.facts << QStringLiteral("read %1").arg(source);
        if (kills.empty()) {
            const int mentions = countOomMentions(text);
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("no process was killed for memory according to %1").arg(source);
            r.why = mentions
                        ? QStringLiteral("%1 lines mention the OOM killer but name no victim").arg(mentions)
                        : QStringLiteral("no \"Out of memory\", \"oom-kill\" or \"Killed process\" line");
            return r;
        }
        const Finding *finding = nullptr;
        if (const DiagnosisResult *d = context.diagnosis();
            d && s.finding >= 0 && size_t(s.finding) < d->findings.size())
            finding = &d->findings[size_t(s.finding)];
        constexpr qint64 kBefore = 10 * 60 * 1000, kAfter = 60 * 1000;
        QStringList names, during;
        for (const OomKill &k : kills) {
            const QString when = k.wallMs ? QDateTime::fromMSecsSinceEpoch(k.wallMs, Qt::UTC)
                                                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                          : QStringLiteral("time unknown");
            r.facts << QStringLiteral("killed: %1 (pid %2) at %3%4")
                           .arg(k.process)
                           .arg(k.pid)
                           .arg(when,
                                k.cgroup.isEmpty() ? QString() : QStringLiteral(", cgroup %1").arg(k.cgroup));
            if (!names.contains(k.process))
                names << k.process;
            if (finding && finding->firstMs && k.wallMs && k.wallMs >= finding->firstMs - kBefore &&
                k.wallMs <= finding->lastMs + kAfter)
                during << QStringLiteral("%1 at %2").arg(k.process, when);
        }
        if (!during.isEmpty()) {
            r.verdict = Verdict::Fail;
            if (s.cause != Cause::None)
                r.pointsTo = s.cause;
            r.summary = QStringLiteral("the kernel killed %1 for memory while the failures happened")
                            .arg(during.join(QStringLiteral(", ")));
            r.why = QStringLiteral(
                "the kill falls within the failures' time span (from 10 minutes before the first "
                "to 1 minute after the last): a killed backend drops its connections and refuses "
                "new ones until it is restarted");
        } else {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("the kernel killed %1 process(es) for memory: %2")
                            .arg(kills.size())
                            .arg(names.join(QStringLiteral(", ")));
            r.why =
                finding && finding->firstMs
                    ? QStringLiteral(
                          "none of the kills with a known time falls within the failures' time span, "
                          "but memory pressure slows a host before it kills")
                    : QStringLiteral("the kill times could not be compared with the failures (dmesg prints "
                                     "seconds since boot, or there is no finding)");
        }
        r.remedy = QStringLiteral(
            "find what used the memory (the kernel log lists every process's RSS at the kill), "
            "bound the backend's workers (pm.max_children, worker counts) or give the host "
            "more memory; set MemoryMax= on the unit to contain it");
        return r;
    }
};

} // namespace

void addHostChecks(CheckList &out)
{
    out.push_back(std::make_unique<MacPolicy>());
    out.push_back(std::make_unique<Firewall>());
    out.push_back(std::make_unique<Dns>());
    out.push_back(std::make_unique<TlsProbe>());
    out.push_back(std::make_unique<WorkerLimits>());
    out.push_back(std::make_unique<EphemeralPorts>());
    out.push_back(std::make_unique<OomKills>());
}

} // namespace gwb
