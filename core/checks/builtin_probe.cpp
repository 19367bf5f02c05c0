// Probes of the backend from where nginx stands: the request nginx would send, the listening sockets, the
// backend's service, and unix socket permissions against the worker user.

#include "checks/builtins.h"
#include "checks/checksupport.h"
#include "checks/probeparsers.h"

#include <QElapsedTimer>
#include <QRegularExpression>

namespace gwb {

namespace {

CheckResult noHost(CheckResult r)
{
    return couldNotRun(std::move(r), QStringLiteral("no host to probe from: the investigation was opened from files"),
                       QStringLiteral("open the target with --ssh HOST or --local to run probes from the nginx host"));
}

bool httpLike(const CheckSubject &s)
{
    return s.scheme.isEmpty() || s.scheme == QLatin1StringView("http") || s.scheme == QLatin1StringView("https");
}

// How long the probe may wait: long enough to see a backend that is slower than nginx's read timeout.
int probeSeconds(const CheckContext &context, const CheckSubject &subject)
{
    const qint64 base = context.options().probeTimeout.count();
    const auto read = effectiveMs(context, subject, modulePrefix(subject) + QStringLiteral("read_timeout"));
    qint64 ms = base;
    if (read)
        ms = qMax(ms, *read + 2000);
    return int(qMin<qint64>(30, (ms + 999) / 1000));
}

RemoteCommand::HttpTarget targetOf(const CheckContext &context, const CheckSubject &s)
{
    return httpTargetOf(s, probeSeconds(context, s));
}

class ProbePeer final : public Check
{
public:
    QString id() const override { return QStringLiteral("probe-peer"); }
    QString title() const override { return QStringLiteral("Probe the peer from the nginx host"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("A request sent from the nginx host, with the Host header and TLS name nginx uses, "
                              "shows what nginx meets right now: a refusal, a reset, a slow or invalid answer — "
                              "or a healthy backend, which points at intermittent causes instead.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        if (s.kind == CheckSubject::Kind::Peer)
            return s.port > 0;
        return s.kind == CheckSubject::Kind::UnixSocket && httpLike(s);
    }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        if (!httpLike(s))
            return {commandText(RemoteCommand::tcpConnect(s.host.toUtf8(), s.port, probeSeconds(context, s)))};
        return {commandText(RemoteCommand::httpProbe(targetOf(context, s)))};
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHost(std::move(r));
        if (!httpLike(s))
            return connectOnly(std::move(r), s, context);
        const RemoteCommand::HttpTarget target = targetOf(context, s);
        HttpProbeOutcome p;
        QElapsedTimer clock;
        if (context.hasTool(QStringLiteral("curl"), r)) {
            auto out = context.run(RemoteCommand::httpProbe(target), r);
            if (!out)
                return couldNotRun(std::move(r), QStringLiteral("the probe could not be started: %1").arg(out.error().message),
                                   QStringLiteral("check the connection to the host and run the check again"));
            p = parseCurlProbe(*out);
            if (p.toolExit == 7)
                explainConnectFailure(p, s, context, r);
        } else if (s.kind == CheckSubject::Kind::Peer && target.scheme == "http") {
            r.facts << QStringLiteral("curl is not installed on the host: using bash's /dev/tcp instead");
            clock.start();
            auto out = context.run(RemoteCommand::httpProbeRaw(target), r);
            if (!out)
                return couldNotRun(std::move(r), QStringLiteral("the probe could not be started: %1").arg(out.error().message),
                                   QStringLiteral("check the connection to the host and run the check again"));
            p = parseRawProbe(*out, clock.elapsed());
        } else {
            return couldNotRun(std::move(r), QStringLiteral("curl is not installed on the nginx host"),
                               QStringLiteral("install curl there (Debian: apt install curl) to probe %1 peers and "
                                              "unix sockets; plain HTTP peers are probed without it")
                                   .arg(QString::fromLatin1(target.scheme)));
        }
        describe(r, p, s);
        const bool https = target.scheme == "https";
        if (const auto failure = judgeProbeFailure(p, s.kind == CheckSubject::Kind::UnixSocket, https)) {
            r.summary = failure->summary;
            r.pointsTo = failure->cause;
            r.verdict = failure->cause ? Verdict::Fail : Verdict::Warn;
            r.why = QStringLiteral("nginx meets the same answer when it connects from this host");
            if (failure->cause == Cause::ReadTimeout) {
                r.why = QStringLiteral("no response header within %1 s, longer than nginx waits (%2)")
                            .arg(target.timeoutSec)
                            .arg(describeEffective(context, s, modulePrefix(s) + QStringLiteral("read_timeout")));
            }
            if (failure->cause)
                r.remedy = causeInfo(*failure->cause).advice;
            return r;
        }
        return judgeResponse(std::move(r), p, s, context);
    }

private:
    // curl 7.88 reports every failed connect as "Couldn't connect to server"; ask the system for the errno.
    static void explainConnectFailure(HttpProbeOutcome &p, const CheckSubject &s, CheckContext &context, CheckResult &r)
    {
        const QString e = p.error.toLower();
        if (e.contains(QLatin1StringView("refused")) || e.contains(QLatin1StringView("no such file")) ||
            e.contains(QLatin1StringView("permission denied")) || e.contains(QLatin1StringView("unreachable")))
            return;
        if (s.kind == CheckSubject::Kind::Peer) {
            if (auto out = context.run(RemoteCommand::tcpConnect(s.host.toUtf8(), s.port, probeSeconds(context, s)), r))
                p.error += QLatin1Char('\n') + QString::fromUtf8(out->err).trimmed();
            return;
        }
        if (auto out = context.run(RemoteCommand::statPath(s.socketPath.toUtf8()), r); out && out->exitCode != 0)
            p.error += QLatin1Char('\n') + QString::fromUtf8(out->err).trimmed();
    }

    static void describe(CheckResult &r, const HttpProbeOutcome &p, const CheckSubject &s)
    {
        if (!s.hostHeader.isEmpty())
            r.facts << QStringLiteral("Host: %1").arg(s.hostHeader);
        if (!s.sni.isEmpty())
            r.facts << QStringLiteral("TLS server name: %1").arg(s.sni);
        if (p.httpCode)
            r.facts << QStringLiteral("HTTP %1").arg(p.httpCode);
        if (p.connectMs >= 0)
            r.facts << QStringLiteral("connect %1").arg(formatMs(p.connectMs));
        if (p.ttfbMs >= 0 && p.completed)
            r.facts << QStringLiteral("first byte after %1").arg(formatMs(p.ttfbMs));
        if (p.headerBytes >= 0 && p.completed)
            r.facts << QStringLiteral("response header %1 bytes").arg(p.headerBytes);
        if (!p.error.isEmpty())
            r.facts << QStringLiteral("tool said: %1").arg(p.error.left(300));
    }

    static CheckResult judgeResponse(CheckResult r, const HttpProbeOutcome &p, const CheckSubject &s, CheckContext &context)
    {
        const QString prefix = modulePrefix(s);
        const auto readTimeout = effectiveMs(context, s, prefix + QStringLiteral("read_timeout"));
        const auto bufferSize = effectiveBytes(context, s, prefix + QStringLiteral("buffer_size"));
        if (bufferSize && p.headerBytes > *bufferSize) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::HeaderTooBig;
            r.summary = QStringLiteral("the response header is %1 bytes; nginx reads it into %2 bytes")
                            .arg(p.headerBytes)
                            .arg(*bufferSize);
            r.why = QStringLiteral("a header larger than %1 makes nginx answer 502 (upstream sent too big header)")
                        .arg(describeEffective(context, s, prefix + QStringLiteral("buffer_size")));
            r.remedy = causeInfo(Cause::HeaderTooBig).advice;
            return r;
        }
        if (readTimeout && p.ttfbMs > *readTimeout) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::ReadTimeout;
            r.summary = QStringLiteral("the backend answered after %1, but nginx waits %2")
                            .arg(formatMs(p.ttfbMs), formatMs(*readTimeout));
            r.why = describeEffective(context, s, prefix + QStringLiteral("read_timeout"));
            r.remedy = causeInfo(Cause::ReadTimeout).advice;
            return r;
        }
        if (p.httpCode >= 502 && p.httpCode <= 504) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::BackendStatus;
            r.summary = QStringLiteral("the backend itself answers %1").arg(p.httpCode);
            r.why = QStringLiteral("the status comes from the backend, not from nginx: look at the backend's own logs "
                                   "and at what stands behind it");
            r.remedy = causeInfo(Cause::BackendStatus).advice;
            return r;
        }
        if (p.httpCode >= 500) {
            r.verdict = Verdict::Warn;
            r.pointsTo = Cause::BackendStatus;
            r.summary = QStringLiteral("the backend answers %1 to a plain GET of %2").arg(p.httpCode).arg(s.uri);
            r.why = QStringLiteral("a 5xx from the backend is passed on by nginx as it is");
            return r;
        }
        const bool slow = p.ttfbMs > 1000;
        r.verdict = slow ? Verdict::Warn : Verdict::Pass;
        r.summary = slow ? QStringLiteral("the backend answers %1, but slowly: after %2").arg(p.httpCode).arg(formatMs(p.ttfbMs))
                         : QStringLiteral("the backend answers %1 in %2").arg(p.httpCode).arg(formatMs(p.ttfbMs));
        r.why = slow ? QStringLiteral("slower than a second: compare with the timeouts and with how long clients wait")
                     : QStringLiteral("a valid HTTP answer, in time, with a header that fits nginx's buffer");
        if (s.kind == CheckSubject::Kind::UnixSocket) {
            const HostFacts &facts = context.facts(r);
            if (!facts.workerUser.isEmpty() && facts.loginUser != facts.workerUser) {
                r.verdict = Verdict::Warn;
                r.summary += QStringLiteral(" — to %1; nginx's workers connect as %2").arg(facts.loginUser, facts.workerUser);
                r.why = QStringLiteral("the probe ran with other permissions than nginx's workers: the socket check "
                                       "decides whether they may connect");
            }
        }
        return r;
    }

    static CheckResult connectOnly(CheckResult r, const CheckSubject &s, CheckContext &context)
    {
        auto out = context.run(RemoteCommand::tcpConnect(s.host.toUtf8(), s.port, probeSeconds(context, s)), r);
        if (!out)
            return couldNotRun(std::move(r), QStringLiteral("the probe could not be started: %1").arg(out.error().message),
                               QStringLiteral("check the connection to the host and run the check again"));
        HttpProbeOutcome p;
        p.toolExit = out->exitCode;
        p.error = QString::fromUtf8(out->err).trimmed();
        if (out->exitCode == 0) {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("a TCP connection to %1 opens (%2 speaks %3, so nothing was sent)")
                            .arg(s.peer, s.peer, s.scheme);
            r.why = QStringLiteral("the peer accepts connections");
            return r;
        }
        const auto failure = judgeProbeFailure(p, false, false);
        r.verdict = failure && failure->cause ? Verdict::Fail : Verdict::Warn;
        r.pointsTo = failure ? failure->cause : std::nullopt;
        r.summary = failure ? failure->summary : QStringLiteral("the connection failed: %1").arg(p.error);
        r.why = QStringLiteral("nginx meets the same when it connects from this host");
        return r;
    }
};

class ListeningSocketCheck final : public Check
{
public:
    QString id() const override { return QStringLiteral("listening-socket"); }
    QString title() const override { return QStringLiteral("Is anything listening on the peer's port?"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("When the peer runs on the nginx host itself, `ss -ltn` shows whether a process "
                              "listens on its port, which one, and whether its accept queue is full.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer && s.port > 0 && s.isLocalAddress();
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {commandText(RemoteCommand::listeningTcp(), context.options().sudo)};
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHost(std::move(r));
        context.facts(r); // root or not decides whether sudo is needed to see process names
        auto out = context.run(RemoteCommand::listeningTcp(), r, true);
        if (!out || out->exitCode != 0)
            return couldNotRun(std::move(r),
                               QStringLiteral("ss could not list the listening sockets: %1")
                                   .arg(out ? QString::fromUtf8(out->err).trimmed() : out.error().message),
                               QStringLiteral("install iproute2 on the host (it provides ss)"));
        const auto listeners = listenersFor(parseSsListening(out->out), s.host, s.port);
        if (listeners.empty()) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::BackendRefused;
            r.summary = QStringLiteral("nothing listens on %1:%2").arg(s.host).arg(s.port);
            r.why = QStringLiteral("no LISTEN socket on that port and address (nor on a wildcard address): every "
                                   "connect is refused");
            r.remedy = QStringLiteral("start the backend service, or point the upstream at the port it really listens on");
            return r;
        }
        const ListeningSocket &l = listeners.front();
        r.facts << QStringLiteral("listening on %1:%2").arg(l.address).arg(l.port);
        if (!l.process.isEmpty())
            r.facts << QStringLiteral("process %1 (pid %2)").arg(l.process).arg(l.pid);
        else
            r.facts << QStringLiteral("the process is not visible to %1 (needs root or --sudo)").arg(context.facts(r).loginUser);
        r.facts << QStringLiteral("accept queue %1 of %2").arg(l.recvQ).arg(l.sendQ);
        if (l.sendQ > 0 && l.recvQ >= l.sendQ) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::SocketBacklogFull;
            r.summary = QStringLiteral("the accept queue of %1:%2 is full (%3 of %4)").arg(l.address).arg(l.port).arg(l.recvQ).arg(l.sendQ);
            r.why = QStringLiteral("the backend does not accept connections as fast as they come; new ones fail");
            r.remedy = causeInfo(Cause::SocketBacklogFull).advice;
            return r;
        }
        r.verdict = Verdict::Pass;
        r.summary = QStringLiteral("%1 listens on %2:%3").arg(l.process.isEmpty() ? QStringLiteral("a process") : l.process, l.address).arg(l.port);
        r.why = QStringLiteral("a LISTEN socket accepts connections for this peer and its queue has room");
        return r;
    }
};

class BackendService final : public Check
{
public:
    QString id() const override { return QStringLiteral("backend-service"); }
    QString title() const override { return QStringLiteral("The backend service: state and recent errors"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("A backend that restarts, crashes or logs errors explains refusals, resets and "
                              "timeouts; systemd and the journal keep that history.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::Peer && s.port > 0 && s.isLocalAddress();
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        return {commandText(RemoteCommand::listeningTcp(), context.options().sudo),
                QStringLiteral("ps -o unit= -p PID"), QStringLiteral("systemctl show … UNIT"),
                QStringLiteral("journalctl -p warning -u UNIT")};
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHost(std::move(r));
        context.facts(r);
        auto out = context.run(RemoteCommand::listeningTcp(), r, true);
        if (!out || out->exitCode != 0)
            return couldNotRun(std::move(r), QStringLiteral("ss could not list the listening sockets"),
                               QStringLiteral("install iproute2 on the host"));
        const auto listeners = listenersFor(parseSsListening(out->out), s.host, s.port);
        if (listeners.empty())
            return couldNotRun(std::move(r),
                               QStringLiteral("no process listens on port %1, so there is no running service to inspect").arg(s.port),
                               QStringLiteral("find the unit that should serve it (systemctl list-units --type=service) "
                                              "and read its log (journalctl -u UNIT)"));
        const ListeningSocket &l = listeners.front();
        if (l.pid <= 0)
            return couldNotRun(std::move(r), QStringLiteral("the listening process is not visible to the login user"),
                               QStringLiteral("allow sudo -n for this target (--sudo) or connect as root"));
        r.facts << QStringLiteral("process %1 (pid %2)").arg(l.process).arg(l.pid);
        auto unitOut = context.run(RemoteCommand::processUnit(l.pid), r);
        const QString unit = unitOut && unitOut->exitCode == 0 ? QString::fromUtf8(unitOut->out).trimmed() : QString();
        if (unit.isEmpty() || unit == QLatin1StringView("-") || !unit.endsWith(QLatin1StringView(".service"))) {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("%1 (pid %2) runs, outside a systemd service%3")
                            .arg(l.process)
                            .arg(l.pid)
                            .arg(unit.isEmpty() || unit == QLatin1StringView("-") ? QString() : QStringLiteral(" (%1)").arg(unit));
            r.why = QStringLiteral("the process is alive; without a service there is no restart history to read");
            return r;
        }
        r.facts << QStringLiteral("unit %1").arg(unit);
        auto state = context.run(RemoteCommand::unitState(unit.toUtf8()), r);
        QMap<QString, QString> props;
        if (state && state->exitCode == 0)
            for (const QByteArray &line : state->out.split('\n')) {
                const qsizetype eq = line.indexOf('=');
                if (eq > 0)
                    props.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)).trimmed());
            }
        for (const QString &k : {QStringLiteral("ActiveState"), QStringLiteral("SubState"), QStringLiteral("NRestarts"), QStringLiteral("Result")})
            if (props.contains(k))
                r.facts << QStringLiteral("%1=%2").arg(k, props.value(k));
        auto journal = context.run(RemoteCommand::unitJournal(unit.toUtf8(), 30), r, true);
        int warnings = 0;
        if (journal && journal->exitCode == 0)
            for (const QByteArray &line : journal->out.split('\n'))
                if (!line.trimmed().isEmpty() && !line.startsWith("-- ")) {
                    ++warnings;
                    if (warnings <= 5)
                        r.facts << QStringLiteral("journal: %1").arg(QString::fromUtf8(line).left(240));
                }
        const int restarts = props.value(QStringLiteral("NRestarts")).toInt();
        if (props.value(QStringLiteral("ActiveState")) != QLatin1StringView("active")) {
            r.verdict = Verdict::Fail;
            r.summary = QStringLiteral("%1 is %2").arg(unit, props.value(QStringLiteral("ActiveState"), QStringLiteral("not active")));
        } else if (restarts > 0 || warnings > 0) {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("%1 is active but restarted %2 times and logged %3 warnings recently").arg(unit).arg(restarts).arg(warnings);
        } else {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("%1 is active, no restarts, no recent warnings").arg(unit);
        }
        r.why = QStringLiteral("systemd's state and the unit's journal (priority warning and above)");
        if (r.verdict != Verdict::Pass)
            r.remedy = QStringLiteral("read the full log: journalctl -u %1 --since '-2h'").arg(unit);
        return r;
    }
};

class UnixSocketCheck final : public Check
{
public:
    QString id() const override { return QStringLiteral("unix-socket"); }
    QString title() const override { return QStringLiteral("The unix socket: exists, owner, mode, path"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("nginx's workers (not the master, not you) connect to the socket: they need write "
                              "permission on it and search (x) permission on every directory above it.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override
    {
        return s.kind == CheckSubject::Kind::UnixSocket;
    }
    QStringList plannedCommands(const CheckSubject &s, const CheckContext &context) const override
    {
        const SudoUse sudo = context.options().sudo;
        return {commandText(RemoteCommand::statPath(s.socketPath.toUtf8()), sudo),
                commandText(RemoteCommand::namei(s.socketPath.toUtf8()), sudo), QStringLiteral("id -Gn -- WORKER_USER")};
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHost(std::move(r));
        const HostFacts &facts = context.facts(r);
        auto st = context.run(RemoteCommand::statPath(s.socketPath.toUtf8()), r, true);
        if (!st)
            return couldNotRun(std::move(r), QStringLiteral("stat could not run: %1").arg(st.error().message),
                               QStringLiteral("check the connection and run the check again"));
        const QString err = QString::fromUtf8(st->err);
        if (st->exitCode != 0) {
            if (err.contains(QLatin1StringView("No such file"))) {
                r.verdict = Verdict::Fail;
                r.pointsTo = Cause::SocketMissing;
                r.summary = QStringLiteral("%1 does not exist").arg(s.socketPath);
                r.why = QStringLiteral("nginx connects to a path where no socket was created: the service is down or "
                                       "listens elsewhere");
                r.remedy = causeInfo(Cause::SocketMissing).advice;
                return r;
            }
            return couldNotRun(std::move(r), QStringLiteral("cannot stat %1: %2").arg(s.socketPath, err.trimmed()),
                               QStringLiteral("a directory above it is closed to %1; allow --sudo for this target")
                                   .arg(facts.loginUser));
        }
        const QStringList f = QString::fromUtf8(st->out).trimmed().split(QLatin1Char('|'));
        if (f.size() >= 4)
            r.facts << QStringLiteral("%1, owner %2:%3, mode %4").arg(f[0], f[1], f[2], f[3]);
        if (f.value(0) != QLatin1StringView("socket")) {
            r.verdict = Verdict::Fail;
            r.pointsTo = Cause::SocketMissing;
            r.summary = QStringLiteral("%1 exists but is a %2, not a socket").arg(s.socketPath, f.value(0));
            r.why = QStringLiteral("nginx can only connect to a socket");
            return r;
        }
        const QString worker = facts.workerUser;
        if (worker.isEmpty())
            return couldNotRun(std::move(r), QStringLiteral("the socket exists, but the nginx worker user is unknown"),
                               QStringLiteral("make sure nginx runs on this host (ps shows its workers) or set `user` in nginx.conf"));
        QStringList groups;
        if (auto g = context.run(RemoteCommand::userGroups(worker.toUtf8()), r); g && g->exitCode == 0)
            groups = QString::fromUtf8(g->out).trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        r.facts << QStringLiteral("nginx workers run as %1 (groups: %2)").arg(worker, groups.join(QLatin1Char(' ')));
        auto ni = context.run(RemoteCommand::namei(s.socketPath.toUtf8()), r, true);
        std::vector<PathEntry> path = ni && ni->exitCode == 0 ? parseNamei(ni->out) : std::vector<PathEntry>{};
        if (path.empty()) {
            // Without namei, judge the socket alone from stat.
            PathEntry e;
            e.type = QLatin1Char('s');
            e.owner = f.value(1);
            e.group = f.value(2);
            const int mode = f.value(3).toInt(nullptr, 8);
            for (int shift : {6, 3, 0}) {
                e.mode += (mode >> shift) & 4 ? QLatin1Char('r') : QLatin1Char('-');
                e.mode += (mode >> shift) & 2 ? QLatin1Char('w') : QLatin1Char('-');
                e.mode += (mode >> shift) & 1 ? QLatin1Char('x') : QLatin1Char('-');
            }
            path.push_back(e);
            r.facts << QStringLiteral("namei is not available: directories above the socket were not checked");
        }
        for (size_t i = 0; i < path.size(); ++i) {
            const PathEntry &e = path[i];
            const bool last = i + 1 == path.size();
            if (e.type == QLatin1Char('l'))
                continue;
            const QChar need = last ? QLatin1Char('w') : QLatin1Char('x');
            if (!mayAccess(e, worker, groups, need)) {
                r.verdict = Verdict::Fail;
                r.pointsTo = Cause::SocketPermission;
                r.summary = last ? QStringLiteral("%1 may not write to the socket (%2%3 %4:%5)")
                                       .arg(worker, QString(e.type), e.mode, e.owner, e.group)
                                 : QStringLiteral("%1 may not enter the directory %2 (%3%4 %5:%6)")
                                       .arg(worker, e.name, QString(e.type), e.mode, e.owner, e.group);
                r.why = QStringLiteral("connect() on a unix socket needs write permission on it and search permission on "
                                       "every directory above it, for the worker user");
                r.remedy = causeInfo(Cause::SocketPermission).advice;
                return r;
            }
        }
        r.verdict = Verdict::Pass;
        r.summary = QStringLiteral("%1 may connect to %2").arg(worker, s.socketPath);
        r.why = QStringLiteral("write permission on the socket and search permission on each directory above it");
        return r;
    }
};

} // namespace

void addProbeChecks(CheckList &out)
{
    out.push_back(std::make_unique<ProbePeer>());
    out.push_back(std::make_unique<ListeningSocketCheck>());
    out.push_back(std::make_unique<BackendService>());
    out.push_back(std::make_unique<UnixSocketCheck>());
}

} // namespace gwb
