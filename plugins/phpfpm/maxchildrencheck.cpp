// php-fpm-max-children: did php-fpm run out of children? Requests then wait in the socket's queue until
// nginx gives up (504) or the queue is full (502, "Resource temporarily unavailable").

#include "phpfpmchecks.h"
#include "phpfpmpool.h"

namespace gwb::phpfpm {

namespace {

constexpr quint64 kTailBytes = 512 * 1024;

const std::vector<SearchSpot> &logSpots()
{
    // Debian/Ubuntu write /var/log/php8.2-fpm.log, RHEL/Fedora /var/log/php-fpm/error.log.
    static const std::vector<SearchSpot> spots{
        {"/var/log", "php*-fpm.log", 2, {}},
        {"/var/log/php-fpm", "error.log", 1, {}},
    };
    return spots;
}

class MaxChildrenCheck final : public Check
{
public:
    QString id() const override { return QStringLiteral("php-fpm-max-children"); }
    QString title() const override { return QStringLiteral("php-fpm running out of children"); }
    QString whyItMatters() const override
    {
        return QStringLiteral(
            "Each PHP request holds one php-fpm child. When all pm.max_children are busy, new "
            "requests wait in the socket's queue: nginx sees slow answers (504) or, once the "
            "queue is full, refused connections (502). php-fpm logs a warning each time.");
    }
    GuidedStep step() const override { return GuidedStep::Probe; }
    bool appliesTo(const CheckSubject &s, const CheckContext &) const override { return appliesToSubject(s); }
    QStringList plannedCommands(const CheckSubject &, const CheckContext &context) const override
    {
        QStringList out = plannedFinds(logSpots(), context.options().sudo);
        out << QStringLiteral("tail -c %1 -- LOG_FILE (each log found)").arg(kTailBytes);
        return out;
    }
    CheckResult run(const CheckSubject &s, CheckContext &context) const override
    {
        CheckResult r = begin(s);
        if (!context.hasHost())
            return noHostResult(std::move(r));
        const FoundFiles found = findOnHost(context, r, logSpots());
        if (found.files.isEmpty()) {
            QString remedy =
                QStringLiteral("php-fpm may log elsewhere (error_log in php-fpm.conf) or to the journal: "
                               "journalctl -u 'php*-fpm' | grep -E 'max_children|seems busy'");
            if (!found.problems.isEmpty())
                remedy = QStringLiteral(
                             "/var/log could not be searched fully (%1): allow --sudo for this target; or %2")
                             .arg(found.problems.join(QStringLiteral("; ")), remedy);
            return couldNotRun(
                std::move(r),
                QStringLiteral("no php-fpm log found in %1").arg(found.searched.join(QStringLiteral(", "))),
                remedy);
        }

        MaxChildrenScan total;
        QStringList readFiles, unreadable;
        QString lastFile;
        for (const QString &file : found.files) {
            auto out = context.run(RemoteCommand::readTail(file.toUtf8(), kTailBytes), r, true);
            if (!out || out->exitCode != 0) {
                unreadable << QStringLiteral("%1 (%2)").arg(file, out ? QString::fromUtf8(out->err).trimmed()
                                                                      : out.error().message);
                continue;
            }
            readFiles << file;
            const MaxChildrenScan scan = scanFpmLog(out->out);
            total.lines += scan.lines;
            total.reachedMax += scan.reachedMax;
            total.seemsBusy += scan.seemsBusy;
            for (const PoolPressure &p : scan.pools)
                r.facts << QStringLiteral(
                               "%1: pool [%2] reached pm.max_children %3×, seemed busy %4×, last %5")
                               .arg(file, p.pool)
                               .arg(p.reachedMax)
                               .arg(p.seemsBusy)
                               .arg(p.lastTimestamp.isEmpty() ? QStringLiteral("(no time)")
                                                              : p.lastTimestamp);
            if (!scan.lastLine.isEmpty()) {
                total.lastLine = scan.lastLine;
                total.lastTimestamp = scan.lastTimestamp;
                lastFile = file;
            }
        }
        if (readFiles.isEmpty()) {
            const HostFacts &facts = context.facts(r);
            return couldNotRun(
                std::move(r),
                QStringLiteral("cannot read the php-fpm log: %1").arg(unreadable.join(QStringLiteral("; "))),
                QStringLiteral("php-fpm's log is usually readable by root only (login user: %1): allow "
                               "sudo for this target with --sudo (sudo -n must work without a password), "
                               "or read it with: sudo tail -c 512K FILE | grep max_children")
                    .arg(facts.loginUser.isEmpty() ? QStringLiteral("unknown") : facts.loginUser));
        }
        for (const QString &u : std::as_const(unreadable))
            r.facts << QStringLiteral("not read: %1").arg(u);

        const QString scope = QStringLiteral("the last %1 KiB of %2")
                                  .arg(kTailBytes / 1024)
                                  .arg(readFiles.join(QStringLiteral(", ")));
        if (total.reachedMax + total.seemsBusy == 0) {
            r.verdict = Verdict::Pass;
            r.summary = QStringLiteral("no pm.max_children or \"seems busy\" warnings in %1").arg(scope);
            r.why =
                QStringLiteral(
                    "php-fpm warns each time a pool has no idle child left; %1 line(s) read, none of them "
                    "such a warning")
                    .arg(total.lines);
            return r;
        }
        r.verdict = Verdict::Warn;
        if (s.cause == Cause::SocketBacklogFull || s.cause == Cause::ReadTimeout ||
            s.cause == Cause::ConnectTimeout)
            r.pointsTo = s.cause;
        r.summary = QStringLiteral("php-fpm reached pm.max_children %1× and seemed busy %2× in %3 (last %4)")
                        .arg(total.reachedMax)
                        .arg(total.seemsBusy)
                        .arg(scope, total.lastTimestamp.isEmpty() ? QStringLiteral("time unknown")
                                                                  : total.lastTimestamp);
        r.why = QStringLiteral(
                    "when every child is busy, requests queue in the socket until nginx times out or the "
                    "queue overflows; last warning in %1: %2")
                    .arg(lastFile, total.lastLine);
        r.remedy = QStringLiteral(
            "compare the times with the 502/504s first. Raise pm.max_children only after checking "
            "memory: children × their resident size (ps -o rss= -C php-fpm) must fit in free RAM; "
            "otherwise tune pm (dynamic/ondemand, pm.start_servers, pm.max_spare_servers) and find "
            "the slow requests (request_slowlog_timeout)");
        return r;
    }
};

} // namespace

std::unique_ptr<Check> makeMaxChildrenCheck()
{
    return std::make_unique<MaxChildrenCheck>();
}

} // namespace gwb::phpfpm
