// The first two steps of every guided investigation: what the status means here, and what nginx logged.
// They read the diagnosis only; no command runs.

#include "checks/builtins.h"
#include "checks/checksupport.h"

#include <QDateTime>

namespace gwb {

namespace {

QString statusList(const Finding &f)
{
    QStringList parts;
    for (const auto &[status, n] : f.clientStatus)
        parts << QStringLiteral("%1× %2").arg(n).arg(status == 9 ? QStringLiteral("009 (HTTP/0.9)") : QString::number(status));
    return parts.join(QStringLiteral(", "));
}

// What a client status means when nginx is the one that answered it.
QString meaningOf(int status)
{
    switch (status) {
    case 502:
        return QStringLiteral("502: nginx got no usable answer from the upstream (refused, closed, reset or invalid)");
    case 504:
        return QStringLiteral("504: nginx gave up waiting for the upstream (a *_timeout expired)");
    case 499:
        return QStringLiteral("499: the client closed the connection before nginx could answer; nginx logs this "
                              "code, the client received nothing");
    case 500:
        return QStringLiteral("500: nginx failed on its own side (often a configuration problem)");
    case 503:
        return QStringLiteral("503: nginx refused the request (limits) or the backend said it is unavailable");
    default:
        return QStringLiteral("%1").arg(status);
    }
}

class StatusMeaning final : public Check
{
public:
    QString id() const override { return QStringLiteral("status-meaning"); }
    QString title() const override { return QStringLiteral("What the status means here"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("A 502, a 504 and a 499 point to different hops. Who produced the status (nginx, "
                              "or the backend with nginx passing it on) decides where to look next.");
    }
    GuidedStep step() const override { return GuidedStep::Meaning; }
    bool appliesTo(const CheckSubject &, const CheckContext &context) const override
    {
        return context.diagnosis() != nullptr;
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &) const override { return {}; }
    CheckResult run(const CheckSubject &subject, CheckContext &context) const override
    {
        CheckResult r = begin(subject);
        const Finding *f = findingOf(context, subject);
        if (!f) {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("no upstream failure was logged for %1 in the window").arg(subject.label());
            r.why = QStringLiteral("neither the access log nor the error log has a failure for it");
            return r;
        }
        const CauseInfo &info = causeInfo(f->cause);
        const bool backendMade = f->cause == Cause::BackendStatus;
        std::uint64_t clientFailures = 0;
        for (const auto &[status, n] : f->clientStatus)
            if (status >= 500 || status == 499 || status == 9)
                clientFailures += n;
        r.facts << QStringLiteral("clients got: %1").arg(statusList(*f).isEmpty() ? QStringLiteral("no access-log line") : statusList(*f));
        for (const auto &[status, n] : f->clientStatus)
            if (status >= 499 && !backendMade)
                r.facts << meaningOf(status);
        if (f->retriedOk)
            r.facts << QStringLiteral("%1 failed attempts were retried on another peer and ended well").arg(f->retriedOk);
        r.summary = backendMade
                        ? QStringLiteral("the backend itself answered %1; nginx passed the status on unchanged")
                              .arg(statusList(*f))
                        : QStringLiteral("nginx produced these responses itself: %1 — %2")
                              .arg(statusList(*f).isEmpty() ? QStringLiteral("error-log entries only") : statusList(*f),
                                   info.title);
        r.why = backendMade ? QStringLiteral("$upstream_status carries the same 5xx as $status: the answer came from "
                                             "the backend, so nginx and the network did their job")
                            : QStringLiteral("the upstream attempt failed before a valid response arrived, so nginx "
                                             "chose the status");
        if (clientFailures == 0 && f->retriedOk) {
            r.verdict = Verdict::Warn;
            r.summary += QStringLiteral("; clients were spared by retries");
        } else {
            r.verdict = Verdict::Fail;
        }
        r.remedy = info.advice;
        return r;
    }
};

class LogEvidence final : public Check
{
public:
    QString id() const override { return QStringLiteral("log-evidence"); }
    QString title() const override { return QStringLiteral("What the logs say"); }
    QString whyItMatters() const override
    {
        return QStringLiteral("nginx writes the reason of an upstream failure to the error log, with the phase it "
                              "was in (connecting, sending, reading the header). That line names the cause more "
                              "precisely than the status.");
    }
    GuidedStep step() const override { return GuidedStep::Logs; }
    bool appliesTo(const CheckSubject &subject, const CheckContext &context) const override
    {
        return findingOf(context, subject) != nullptr;
    }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &) const override { return {}; }
    CheckResult run(const CheckSubject &subject, CheckContext &context) const override
    {
        CheckResult r = begin(subject);
        const Finding *f = findingOf(context, subject);
        if (!f)
            return couldNotRun(std::move(r), QStringLiteral("no finding for this subject"),
                               QStringLiteral("run the diagnosis first"));
        const CauseInfo &info = causeInfo(f->cause);
        r.pointsTo = f->cause;
        r.facts << QStringLiteral("%1 requests, %2 error-log entries").arg(f->requests).arg(f->errorLines);
        if (f->phase != Phase::Unknown)
            r.facts << QStringLiteral("phase: %1").arg(phaseId(f->phase));
        if (f->firstMs && f->lastMs)
            r.facts << QStringLiteral("from %1 to %2 (host time)")
                           .arg(QDateTime::fromMSecsSinceEpoch(f->firstMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                QDateTime::fromMSecsSinceEpoch(f->lastMs, Qt::UTC).toString(QStringLiteral("HH:mm:ss")));
        for (const EvidenceLine &e : f->evidence) {
            r.facts << QStringLiteral("%1: %2").arg(e.where.toString(), e.text.left(300));
            if (r.facts.size() > 6)
                break;
        }
        for (const ConfigEvidence &c : f->config)
            r.facts << QStringLiteral("config: %1 %2 (%3)")
                           .arg(c.directive, c.value, c.isDefault ? QStringLiteral("nginx default") : c.where.toString());
        if (f->errorLines > 0) {
            r.verdict = Verdict::Fail;
            r.summary = QStringLiteral("the error log names the cause: %1 (%2 entries)").arg(info.title).arg(f->errorLines);
            r.why = QStringLiteral("each failed attempt left an error-log line that classifies as %1").arg(causeId(f->cause));
        } else {
            r.verdict = Verdict::Warn;
            r.summary = QStringLiteral("only the access log shows it: %1").arg(info.title);
            r.why = QStringLiteral("no error-log entry matched these requests (the backend answered with an error "
                                   "status, or the error log's level hides the lines)");
        }
        r.remedy = info.advice;
        return r;
    }
};

} // namespace

void addLogChecks(CheckList &out)
{
    out.push_back(std::make_unique<StatusMeaning>());
    out.push_back(std::make_unique<LogEvidence>());
}

CheckList builtinChecks()
{
    CheckList out;
    addLogChecks(out);
    addProbeChecks(out);
    addHostChecks(out);
    addConfigChecks(out);
    addCaptureChecks(out);
    return out;
}

} // namespace gwb
