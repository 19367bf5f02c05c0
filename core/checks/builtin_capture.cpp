// The opt-in deeper tools: a bounded tcpdump of the peer's port and a bounded strace -c of one nginx worker.
// Both see traffic or activity of a live server, so they run only with the user's consent (checked here and
// again in CheckContext::run), under sudo -n or as root, for at most CaptureConsent::maxSeconds.

#include "checks/builtins.h"
#include "checks/capturesummary.h"
#include "checks/checksupport.h"
#include "checks/hostparsers.h"

#include <QHostAddress>
#include <QSet>
#include <algorithm>
#include <map>

namespace gwb {

// --- the capture summariser
// ------------------------------------------------------------------------------------

namespace {

struct Connection
{
    int syns = 0;
    bool synAck = false;
    bool rstFromPeer = false;
    qint64 toPeer = 0, fromPeer = 0;
    int firstFin = 0; // 1: the peer closed first, 2: nginx's side did
    bool dataToPeerBeforePeerFin = false;
    bool peerDataBeforePeerFin = false;
};

bool sameHost(const QString &a, const QString &b)
{
    QHostAddress x, y;
    if (x.setAddress(a) && y.setAddress(b))
        return x.isEqual(y, QHostAddress::TolerantConversion);
    return a == b;
}

} // namespace

CaptureSummary summariseCapture(QByteArrayView tcpdumpOutput, int peerPort, const QString &peerHost)
{
    CaptureSummary s;
    const bool hostKnown = isIpLiteral(peerHost);
    std::map<QString, Connection> connections;
    struct Seen
    {
        qint64 timeUs;
        QString key;
    };
    std::vector<Seen> recentControl;
    qint64 first = -1, last = -1;
    for (const QByteArray &raw : tcpdumpOutput.toByteArray().split('\n')) {
        const auto p = parseTcpdumpLine(raw);
        if (!p)
            continue;
        const bool fromPeer = p->srcPort == peerPort && (!hostKnown || sameHost(p->srcHost, peerHost));
        const bool toPeer =
            !fromPeer && p->dstPort == peerPort && (!hostKnown || sameHost(p->dstHost, peerHost));
        if (!fromPeer && !toPeer)
            continue;
        qint64 t = p->timeUs;
        if (first >= 0 && t < first)
            t += qint64(86400) * 1000000; // the capture ran over midnight
        // `-i any` can show one packet on two interfaces (a bridge and a veth): count a control packet once.
        if (p->syn() || p->fin() || p->rst()) {
            const QString key = QStringLiteral("%1.%2>%3.%4 %5 %6")
                                    .arg(p->srcHost)
                                    .arg(p->srcPort)
                                    .arg(p->dstHost)
                                    .arg(p->dstPort)
                                    .arg(p->flags)
                                    .arg(p->length);
            const bool duplicate =
                std::any_of(recentControl.begin(), recentControl.end(),
                            [&](const Seen &seen) { return seen.key == key && t - seen.timeUs < 500; });
            if (duplicate)
                continue;
            recentControl.push_back({t, key});
            if (recentControl.size() > 16)
                recentControl.erase(recentControl.begin());
        }
        if (first < 0)
            first = t;
        last = std::max(last, t);
        ++s.packets;
        const QString local = fromPeer ? QStringLiteral("%1.%2").arg(p->dstHost).arg(p->dstPort)
                                       : QStringLiteral("%1.%2").arg(p->srcHost).arg(p->srcPort);
        const QString remote = fromPeer ? QStringLiteral("%1.%2").arg(p->srcHost).arg(p->srcPort)
                                        : QStringLiteral("%1.%2").arg(p->dstHost).arg(p->dstPort);
        Connection &c = connections[QString(local + QLatin1Char('>') + remote)];
        if (fromPeer) {
            s.bytesFromPeer += p->length;
            c.fromPeer += p->length;
            if (p->syn() && p->ack()) {
                ++s.synAck;
                c.synAck = true;
            }
            if (p->rst()) {
                ++s.rstFromPeer;
                if (!c.rstFromPeer) {
                    c.rstFromPeer = true;
                    if (!c.synAck && c.syns > 0)
                        ++s.refused;
                    else if (c.toPeer > 0 || c.fromPeer > 0)
                        ++s.resetAfterData;
                    else if (c.synAck)
                        ++s.resetBeforeData;
                }
            }
            if (p->fin()) {
                ++s.finFromPeer;
                if (c.firstFin == 0) {
                    c.firstFin = 1;
                    c.dataToPeerBeforePeerFin = c.toPeer > 0;
                    c.peerDataBeforePeerFin = c.fromPeer > 0;
                }
            }
        } else {
            s.bytesToPeer += p->length;
            c.toPeer += p->length;
            if (p->syn() && !p->ack()) {
                ++s.syn;
                if (c.syns > 0)
                    ++s.synRetransmits;
                ++c.syns;
            }
            if (p->rst())
                ++s.rstToPeer;
            if (p->fin()) {
                ++s.finToPeer;
                if (c.firstFin == 0)
                    c.firstFin = 2;
            }
        }
    }
    s.connections = int(connections.size());
    for (const auto &[key, c] : connections) {
        if (c.syns > 0 && !c.synAck && !c.rstFromPeer) {
            ++s.unanswered;
            if (c.syns > 1)
                ++s.unansweredRetried;
        }
        if (c.firstFin == 1) {
            ++s.peerClosedFirst;
            if (c.dataToPeerBeforePeerFin && !c.peerDataBeforePeerFin)
                ++s.peerClosedBeforeReply;
        }
    }
    if (first >= 0)
        s.seconds = double(last - first) / 1e6;
    return s;
}

namespace {

CaptureConsent clamped(CaptureConsent c)
{
    c.maxSeconds = std::clamp(c.maxSeconds, 1, 30);
    c.maxPackets = std::clamp(c.maxPackets, 1, 2000);
    return c;
}

CheckResult notConsented(CheckResult r, const char *what)
{
    r.why = QStringLiteral("captures can see request data, so they never run without explicit consent");
    return couldNotRun(
        std::move(r), QStringLiteral("not run: %1 needs your consent").arg(QLatin1StringView(what)),
        QStringLiteral("allow it with `gwb check --allow-capture` (or tick \"allow captures\" in the "
                       "Checks panel)"));
}

CheckResult capturesNeedRoot(CheckResult r, CheckContext &context, const char *tool)
{
    const QString user = context.facts(r).loginUser;
    r.why = QStringLiteral("%1 needs root, and %2 is not root and sudo was not allowed")
                .arg(QLatin1StringView(tool), user.isEmpty() ? QStringLiteral("the login user") : user);
    return couldNotRun(
        std::move(r), QStringLiteral("not run: %1 needs root").arg(QLatin1StringView(tool)),
        QStringLiteral("run gwb with --sudo (sudo -n must work without a password) or connect as root"));
}

// --- tcpdump-capture
// -------------------------------------------------------------------------------------------

class TcpdumpCapture final : public Check
{
public:
    QString id() const override { return QStringLiteral("tcpdump-capture"); }
    QString title() const override { return QStringLiteral("Watch the connections to the peer (tcpdump)"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "The packets settle who is at fault: a SYN answered by RST is a refusal, a SYN with no "
            "answer is a drop, a RST or FIN from the backend in the middle of a request is the "
            "backend closing on nginx.");
    }
    GuidedStep step() const override { return GuidedStep::Deeper; }
    bool needsConsent() const override { return true; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer && s.port > 0;
    }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        const CaptureConsent c = clamped(context.options().consent);
        return {commandText(RemoteCommand::tcpdumpPort(s.port, s.host.toUtf8(), c.maxSeconds, c.maxPackets),
                            context.options().sudo)};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        if (!context.options().consent.tcpdump)
            return notConsented(std::move(r), "a packet capture");
        const HostFacts &facts = context.facts(r);
        if (!facts.root && context.options().sudo != SudoUse::Allowed)
            return capturesNeedRoot(std::move(r), context, "tcpdump");
        if (!context.hasTool(QStringLiteral("tcpdump"), r))
            return couldNotRun(
                std::move(r), QStringLiteral("tcpdump is not installed on the nginx host"),
                QStringLiteral("install it (apt install tcpdump / dnf install tcpdump), then run the "
                               "check again"));
        const CaptureConsent c = clamped(context.options().consent);
        auto out = context.run(
            RemoteCommand::tcpdumpPort(s.port, s.host.toUtf8(), c.maxSeconds, c.maxPackets), r, true);
        if (!out)
            return *unusableAnswer(r, out, QStringLiteral("packets of port %1").arg(s.port), context);
        // timeout(1) ending the capture (exit 124) is the normal end; -c reached ends it with 0.
        const CommandTrouble trouble = commandTrouble(out->exitCode, out->err);
        if (trouble != CommandTrouble::None && trouble != CommandTrouble::TimedOut)
            return *unusableAnswer(r, out, QStringLiteral("packets of port %1").arg(s.port), context,
                                   QStringLiteral("tcpdump needs CAP_NET_RAW"));
        const bool hostFiltered = isIpLiteral(s.host);
        const CaptureSummary sum = summariseCapture(out->out, s.port, hostFiltered ? s.host : QString());
        r.facts << QStringLiteral("%1 packets in %2 connections over %3 s (limits: %4 s, %5 packets)")
                       .arg(sum.packets)
                       .arg(sum.connections)
                       .arg(sum.seconds, 0, 'f', 1)
                       .arg(c.maxSeconds)
                       .arg(c.maxPackets);
        r.facts << QStringLiteral("SYN %1 (%2 retransmitted), SYN-ACK %3")
                       .arg(sum.syn)
                       .arg(sum.synRetransmits)
                       .arg(sum.synAck);
        r.facts << QStringLiteral(
                       "RST from the peer %1, to the peer %2; FIN from the peer %3, to the peer %4")
                       .arg(sum.rstFromPeer)
                       .arg(sum.rstToPeer)
                       .arg(sum.finFromPeer)
                       .arg(sum.finToPeer);
        r.facts << QStringLiteral("bytes to the peer %1, from the peer %2")
                       .arg(sum.bytesToPeer)
                       .arg(sum.bytesFromPeer);
        if (!hostFiltered)
            r.facts << QStringLiteral(
                           "the filter has the port only (%1 is a name): other hosts' traffic on port %2 is "
                           "included")
                           .arg(s.host)
                           .arg(s.port);
        if (sum.packets == 0) {
            r.verdict = Verdict::Warn;
            r.summary =
                QStringLiteral("no traffic to the peer during the capture (%1 s); run it while the failures "
                               "happen")
                    .arg(c.maxSeconds);
            r.why = QStringLiteral(
                        "an empty capture proves nothing either way: nginx sent nothing to %1 while it ran")
                        .arg(s.peer);
            r.remedy =
                QStringLiteral("run the capture again while requests fail (raise the time limit if failures "
                               "are rare)");
            return r;
        }
        if (sum.refused > 0) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::BackendRefused;
            r.summary = QStringLiteral("%1 connection(s) to %2 were refused: the SYN was answered by RST")
                            .arg(sum.refused)
                            .arg(s.peer);
            r.why = QStringLiteral(
                "a RST in answer to a SYN means nothing listens on the port (or a firewall rejects "
                "with tcp-reset)");
            r.remedy =
                QStringLiteral("start the backend or fix the port in the config; check the listening-socket "
                               "and firewall checks");
        } else if (sum.resetAfterData > 0) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::ConnectionReset;
            r.summary = QStringLiteral("the peer reset %1 connection(s) after data had flowed")
                            .arg(sum.resetAfterData);
            r.why = QStringLiteral(
                "a RST from the backend mid-connection is the \"(104: Connection reset by peer)\" "
                "nginx logs: the backend crashed, was killed, or dropped a connection nginx was "
                "reusing (keepalive)");
            r.remedy = QStringLiteral("look at the backend's logs at these times; if it happens on reused "
                                      "connections, make nginx's upstream keepalive_timeout shorter than the "
                                      "backend's idle timeout");
        } else if (sum.unansweredRetried > 0) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::ConnectTimeout;
            r.summary = QStringLiteral("%1 connection(s) sent SYNs that got no answer, retransmitted")
                            .arg(sum.unansweredRetried);
            r.why = QStringLiteral(
                "SYNs that vanish are dropped on the way (a firewall DROP, a route to nowhere) or "
                "by a host whose accept queue is full; nginx waits until proxy_connect_timeout");
            r.remedy =
                QStringLiteral("check the firewall on both hosts and between them, and the backend's listen "
                               "backlog");
        } else if (sum.peerClosedBeforeReply > 0) {
            r.verdict = Verdict::Warn;
            r.pointsTo = Cause::PrematureClose;
            r.summary = QStringLiteral(
                            "the peer closed %1 connection(s) after nginx sent a request, without answering")
                            .arg(sum.peerClosedBeforeReply);
            r.why = QStringLiteral(
                "a FIN from the backend before any response byte is \"upstream prematurely closed "
                "connection\": the backend gave up on the request (crash, timeout, limit)");
            r.remedy =
                QStringLiteral("read the backend's error log at these times; compare its request timeout and "
                               "body size limits with the requests");
        } else if (sum.unanswered > 0) {
            r.verdict = Verdict::Warn;
            r.summary =
                QStringLiteral("%1 SYN(s) had no answer before the capture ended").arg(sum.unanswered);
            r.why = QStringLiteral(
                "no retransmission was seen, so the answer may only have come after the capture "
                "stopped");
            r.remedy = QStringLiteral("capture longer to see whether the SYNs are retransmitted");
        } else if (sum.resetBeforeData > 0) {
            r.verdict = Verdict::Warn;
            r.pointsTo = Cause::ConnectionReset;
            r.summary = QStringLiteral("the peer accepted and then reset %1 connection(s) before any data")
                            .arg(sum.resetBeforeData);
            r.why = QStringLiteral(
                "a backend that accepts and resets at once is overloaded or refusing by policy");
            r.remedy = QStringLiteral("look at the backend's connection limits and logs");
        } else {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("%1 connection(s) to %2 opened and closed normally during the capture")
                            .arg(sum.connections)
                            .arg(s.peer);
            r.why = QStringLiteral("every SYN was answered by SYN-ACK and no RST came from the peer%1")
                        .arg(sum.peerClosedFirst
                                 ? QStringLiteral(" (the peer closed %1 connection(s) first after "
                                                  "answering: normal with Connection: close)")
                                       .arg(sum.peerClosedFirst)
                                 : QString());
        }
        return r;
    }
};

// --- strace-worker
// ---------------------------------------------------------------------------------------------

class StraceWorker final : public Check
{
public:
    QString id() const override { return QStringLiteral("strace-worker"); }
    QString title() const override { return QStringLiteral("What an nginx worker does (strace -c)"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("A few seconds of a worker's system calls show whether it waits on the network "
                              "(epoll_wait), on disk, or hits errors on the upstream sockets (connect, recv, "
                              "writev) — the difference between a slow backend and a struggling nginx.");
    }
    GuidedStep step() const override { return GuidedStep::Deeper; }
    bool needsConsent() const override { return true; }
    bool appliesTo(const CheckSubject &, const CheckContext &) const override { return true; }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        const CaptureConsent c = clamped(context.options().consent);
        return {withPidPlaceholder(
            commandText(RemoteCommand::straceSummary(0, c.maxSeconds), context.options().sudo))};
    }

    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        if (!context.options().consent.strace)
            return notConsented(std::move(r), "tracing a worker");
        const HostFacts &facts = context.facts(r);
        if (facts.workerPids.isEmpty())
            return couldNotRun(std::move(r), QStringLiteral("no nginx worker process runs on the host"),
                               QStringLiteral("start nginx (or run the check on the host where it runs)"));
        const qint64 pid = facts.workerPids.constFirst();
        if (!facts.root && context.options().sudo != SudoUse::Allowed && facts.loginUser != facts.workerUser)
            return capturesNeedRoot(std::move(r), context, "tracing another user's process");
        if (!context.hasTool(QStringLiteral("strace"), r))
            return couldNotRun(
                std::move(r), QStringLiteral("strace is not installed on the nginx host"),
                QStringLiteral("install it (apt install strace / dnf install strace), then run the "
                               "check again"));
        const CaptureConsent c = clamped(context.options().consent);
        auto out = context.run(RemoteCommand::straceSummary(pid, c.maxSeconds), r, true);
        if (!out)
            return *unusableAnswer(r, out, QStringLiteral("the system calls of pid %1").arg(pid), context);
        const StraceTable table = parseStraceSummary(QByteArray(out->err + '\n' + out->out));
        const QString user = facts.loginUser.isEmpty() ? QStringLiteral("the login user") : facts.loginUser;
        if (!table.problem.isEmpty()) {
            r.why = QStringLiteral("strace said: %1").arg(table.problem);
            if (table.problem.contains(QLatin1StringView("No such process")))
                return couldNotRun(std::move(r),
                                   QStringLiteral("worker pid %1 exited before it could be traced").arg(pid),
                                   QStringLiteral("run the check again (nginx replaces workers on reload)"));
            return couldNotRun(
                std::move(r),
                QStringLiteral("could not attach to pid %1 as %2: ptrace was refused").arg(pid).arg(user),
                QStringLiteral("run gwb with --sudo or as root; with root still refused, "
                               "kernel.yama.ptrace_scope=3 or a container without CAP_SYS_PTRACE "
                               "forbids tracing"));
        }
        const CommandTrouble trouble = commandTrouble(out->exitCode, out->err);
        if (trouble == CommandTrouble::ToolMissing || trouble == CommandTrouble::SudoRefused ||
            trouble == CommandTrouble::PermissionDenied)
            return *unusableAnswer(r, out, QStringLiteral("the system calls of pid %1").arg(pid), context);
        if (table.rows.empty()) {
            if (!table.attached && !table.total) {
                r.why = QStringLiteral("strace ended with exit %1: %2")
                            .arg(out->exitCode)
                            .arg(firstErrorLine(out->err));
                return couldNotRun(std::move(r), QStringLiteral("strace printed no summary"),
                                   QStringLiteral("run the command above by hand and read its output"));
            }
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("worker pid %1 made no system call in %2 s: it was idle")
                            .arg(pid)
                            .arg(c.maxSeconds);
            r.why = QStringLiteral(
                "an idle worker is not what holds requests up; trace while the failures happen");
            return r;
        }
        std::vector<SyscallStat> rows = table.rows;
        std::sort(rows.begin(), rows.end(),
                  [](const SyscallStat &a, const SyscallStat &b) { return a.calls > b.calls; });
        r.facts << QStringLiteral("worker pid %1 (one of %2 workers), traced %3 s")
                       .arg(pid)
                       .arg(facts.workerPids.size())
                       .arg(c.maxSeconds);
        for (size_t i = 0; i < rows.size() && i < 8; ++i)
            r.facts << QStringLiteral("%1: %2 calls%3, %4% of the time in calls")
                           .arg(rows[i].name)
                           .arg(rows[i].calls)
                           .arg(rows[i].errors ? QStringLiteral(", %1 errors").arg(rows[i].errors)
                                               : QString())
                           .arg(rows[i].percentTime, 0, 'f', 1);
        static const QSet<QString> network{QStringLiteral("connect"),  QStringLiteral("recvfrom"),
                                           QStringLiteral("readv"),    QStringLiteral("writev"),
                                           QStringLiteral("sendfile"), QStringLiteral("sendmsg"),
                                           QStringLiteral("recvmsg")};
        QStringList failing;
        for (const SyscallStat &row : rows)
            if (row.errors > 0 && network.contains(row.name))
                failing << QStringLiteral("%1 (%2 of %3 calls)").arg(row.name).arg(row.errors).arg(row.calls);
        const auto top =
            std::max_element(rows.begin(), rows.end(), [](const SyscallStat &a, const SyscallStat &b) {
                return a.percentTime < b.percentTime;
            });
        const QString waits =
            top->name == QLatin1StringView("epoll_wait")
                ? QStringLiteral("the worker spends its time in epoll_wait: it waits for events "
                                 "(the clients and the backends), it is not busy itself")
                : QStringLiteral("most time goes to %1 (%2%)")
                      .arg(top->name)
                      .arg(top->percentTime, 0, 'f', 1);
        if (!failing.isEmpty()) {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("system calls on sockets returned errors: %1")
                            .arg(failing.join(QStringLiteral(", ")));
            r.why = QStringLiteral(
                        "some of these are routine on non-blocking sockets (EINPROGRESS from connect, EAGAIN "
                        "from recv/writev); errors far beyond the failures in the logs, or on writev/"
                        "sendfile, are resets and broken pipes from the peers. %1")
                        .arg(waits);
            r.remedy = QStringLiteral(
                           "to see the error codes, trace by hand: `strace -f -e trace=network -p %1` for a "
                           "few seconds while the failures happen")
                           .arg(pid);
        } else {
            r.verdict = Verdict::Pass;
            r.summary =
                QStringLiteral("worker pid %1: no socket call failed during %2 s").arg(pid).arg(c.maxSeconds);
            r.why = waits;
        }
        return r;
    }
};

} // namespace

void addCaptureChecks(CheckList &out)
{
    out.push_back(std::make_unique<TcpdumpCapture>());
    out.push_back(std::make_unique<StraceWorker>());
}

} // namespace gwb
