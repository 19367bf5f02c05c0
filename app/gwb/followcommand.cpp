// `gwb follow`: tail the logs of a host (or of files here) and print each new upstream failure as it
// happens, until --duration passes or Ctrl+C.

#include "cli.h"
#include "targetoptions.h"

#include "collect/collector.h"
#include "collect/followplan.h"
#include "collect/followsession.h"
#include "common/wallclock.h"
#include "nginx/configparser.h"
#include "transport/localtransport.h"
#include "transport/sshtransport.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <set>
#include <thread>

namespace gwb::cli {

namespace {

// SIGINT and SIGTERM only store into this flag (a lock-free atomic: safe in a signal handler); the follow
// threads see it at their next check.
std::atomic_bool *g_stopFlag = nullptr;

extern "C" void stopOnSignal(int)
{
    if (g_stopFlag)
        g_stopFlag->store(true);
}

struct FollowArgs
{
    TargetChoice target;
    QStringList accessLogs, errorLogs;
    QString configDump, configFile, logFormat;
    bool json = false;
    std::chrono::milliseconds interval{1000};
    std::chrono::milliseconds duration{0}; // 0: until interrupted
};

std::optional<int> parseArgs(const QStringList &args, FollowArgs &out)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Follow the logs live and print each new upstream failure (502, 504, 499, upstream 5xx) with its cause, "
        "peer, request and file:line, one line each (or JSON lines).\n\n"
        "With --ssh or --local, gwb finds the running nginx, reads its config (nginx -T) and follows every "
        "access and error log it names; with --access-log/--error-log it follows those files on this machine. "
        "Log rotation (rename + new file, or copytruncate) is followed without losing or repeating a line.\n\n"
        "Stops after --duration, or on Ctrl+C, and prints a summary: the failures counted per cause."));
    p.addHelpOption();
    const TargetOptions targetOptions;
    targetOptions.addTo(p, false);
    const QCommandLineOption access(QStringLiteral("access-log"),
                                    QStringLiteral("Access log on this machine to follow (repeatable)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption errorLog(QStringLiteral("error-log"),
                                      QStringLiteral("Error log on this machine to follow (repeatable)."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption dump(QStringLiteral("config-dump"),
                                  QStringLiteral("With --access-log: output of `nginx -T`, for the log_format of each file."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption conf(QStringLiteral("config"),
                                  QStringLiteral("With --access-log: nginx.conf on disk, for the log_format of each file."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption logFormat(QStringLiteral("log-format"),
                                       QStringLiteral("With --access-log: the log_format name of every access log "
                                                      "(default: what the config declares, else combined)."),
                                       QStringLiteral("NAME"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("text (default) or json (JSON lines, schema gwb.follow/1)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption interval(QStringLiteral("interval"),
                                      QStringLiteral("Milliseconds between two polls of the logs (default 1000)."),
                                      QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption duration(QStringLiteral("duration"),
                                      QStringLiteral("Stop after this many seconds (default: until Ctrl+C)."),
                                      QStringLiteral("SECONDS"));
    p.addOptions({access, errorLog, dump, conf, logFormat, format, interval, duration});

    if (!p.parse(args)) {
        error(p.errorText() + QStringLiteral("; run 'gwb follow --help'"));
        return Usage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        print(commandHelp(p.helpText(), QStringLiteral("follow")));
        return Ok;
    }
    if (!p.positionalArguments().isEmpty()) {
        error(QStringLiteral("unexpected argument \"%1\"; logs are given with --access-log and --error-log")
                  .arg(p.positionalArguments().first()));
        return Usage;
    }
    if (auto stop = readTargetChoice(p, targetOptions, out.target))
        return *stop;
    if (out.target.allTime) {
        error(QStringLiteral("--all has no meaning for follow: it reads what is written from now on"));
        return Usage;
    }
    out.accessLogs = p.values(access);
    out.errorLogs = p.values(errorLog);
    out.configDump = p.value(dump);
    out.configFile = p.value(conf);
    out.logFormat = p.value(logFormat);
    const bool files = !out.accessLogs.isEmpty() || !out.errorLogs.isEmpty();
    const bool fileOptions = files || p.isSet(dump) || p.isSet(conf) || p.isSet(logFormat);
    if (out.target.collects() && fileOptions) {
        error(QStringLiteral("--ssh and --local find the logs themselves; leave out --access-log, --error-log, "
                             "--config-dump, --config and --log-format"));
        return Usage;
    }
    if (!out.target.collects() && !files) {
        error(QStringLiteral("nothing to follow; give --ssh HOST, --local, or files with --access-log/--error-log"));
        return Usage;
    }
    if (p.isSet(dump) && p.isSet(conf)) {
        error(QStringLiteral("give either --config-dump or --config, not both"));
        return Usage;
    }
    const QString fmt = p.value(format);
    if (fmt != QLatin1StringView("text") && fmt != QLatin1StringView("json")) {
        error(QStringLiteral("unknown --format \"%1\"; use text or json").arg(fmt));
        return Usage;
    }
    out.json = fmt == QLatin1StringView("json");
    bool ok = false;
    const int ms = p.value(interval).toInt(&ok);
    if (!ok || ms < 50 || ms > 3'600'000) {
        error(QStringLiteral("--interval takes milliseconds between 50 and 3600000, not \"%1\"").arg(p.value(interval)));
        return Usage;
    }
    out.interval = std::chrono::milliseconds(ms);
    if (p.isSet(duration)) {
        const double s = p.value(duration).toDouble(&ok);
        if (!ok || s <= 0) {
            error(QStringLiteral("--duration takes a positive number of seconds, not \"%1\"").arg(p.value(duration)));
            return Usage;
        }
        out.duration = std::chrono::milliseconds(qint64(s * 1000));
    }
    return std::nullopt;
}

QJsonObject lineRefJson(const FollowLineRef &r)
{
    return {{QStringLiteral("file"), r.file},
            {QStringLiteral("line"), qint64(r.line.value)},
            {QStringLiteral("host_file"), r.hostFile}};
}

QJsonObject failureJson(const FollowFailure &f)
{
    QJsonObject o{{QStringLiteral("schema"), QStringLiteral("gwb.follow/1")},
                  {QStringLiteral("type"), QStringLiteral("failure")},
                  {QStringLiteral("time"), formatWallClock(f.time)},
                  {QStringLiteral("host"), f.host},
                  {QStringLiteral("cause"), causeId(f.cause)},
                  {QStringLiteral("phase"), phaseId(f.phase)},
                  {QStringLiteral("peer"), QString::fromUtf8(f.peer)},
                  {QStringLiteral("request"), QString::fromUtf8(f.request)},
                  {QStringLiteral("request_host"), QString::fromUtf8(f.requestHost)},
                  {QStringLiteral("status"), f.status > 0 ? QJsonValue(f.status) : QJsonValue()},
                  {QStringLiteral("message"), QString::fromUtf8(f.message)},
                  {QStringLiteral("where"), lineRefJson(f.where)}};
    o.insert(QStringLiteral("error_entry"), f.error.file.isEmpty() ? QJsonValue() : QJsonValue(lineRefJson(f.error)));
    return o;
}

QLatin1StringView noteKind(FollowNote::Kind k)
{
    switch (k) {
    case FollowNote::Kind::Rotated:
        return QLatin1StringView("rotated");
    case FollowNote::Kind::Truncated:
        return QLatin1StringView("truncated");
    case FollowNote::Kind::Disconnected:
        return QLatin1StringView("disconnected");
    case FollowNote::Kind::Reconnected:
        return QLatin1StringView("reconnected");
    case FollowNote::Kind::Warning:
        break;
    }
    return QLatin1StringView("warning");
}

void writeOut(const QByteArray &bytes)
{
    // Each failure is a line someone may be watching (or piping into jq): out at once, not when a buffer fills.
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeJson(const QJsonObject &o)
{
    writeOut(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
}

// The follow targets: from a collection of each --ssh/--local host (the config names the logs and their
// formats), or the files given on this machine.
std::variant<std::vector<FollowTarget>, int> followTargets(const FollowArgs &a, CollectedTargets &keep)
{
    std::vector<FollowTarget> out;
    if (!a.target.collects()) {
        std::optional<ConfigModel> config;
        if (!a.configDump.isEmpty() || !a.configFile.isEmpty()) {
            ParsedConfig parsed;
            if (!a.configDump.isEmpty()) {
                QFile f(a.configDump);
                if (!f.open(QIODevice::ReadOnly)) {
                    error(QStringLiteral("cannot read %1: %2").arg(a.configDump, f.errorString()));
                    return InputUnreadable;
                }
                parsed = ConfigParser::parseDump(f.readAll(), a.configDump);
            } else {
                parsed = ConfigParser::parseFile(a.configFile);
            }
            config = ConfigModel::build(parsed);
        }
        for (const QString &path : a.accessLogs + a.errorLogs) {
            if (!QFileInfo(path).isFile() || !QFileInfo(path).isReadable()) {
                error(QStringLiteral("cannot read %1: no such file, or not readable by this user").arg(path));
                return InputUnreadable;
            }
        }
        std::vector<Diagnostic> notes;
        FollowTarget t;
        t.hostLabel = QStringLiteral("local");
        t.connect = [] { return std::make_unique<LocalTransport>(); };
        t.files = followFilesInPlace(a.accessLogs, a.errorLogs, config ? &*config : nullptr, a.logFormat, notes);
        for (const Diagnostic &d : notes)
            error(d.message);
        out.push_back(std::move(t));
        return out;
    }
    // A short window: the collection is here for the config and for where each log ends; the history is
    // what `gwb diagnose` is for.
    CollectWindow window;
    window.sinceAgoMs = 60'000; // of the host's clock, which may differ from this machine's
    auto got = collectTargets(a.target, window, QString());
    if (const int *code = std::get_if<int>(&got))
        return *code;
    keep = std::move(std::get<CollectedTargets>(got));
    // collectTargets labels hosts in this order (local, then each --ssh); the collections keep the labels.
    std::map<QString, std::function<std::unique_ptr<Transport>()>> connectors;
    std::set<QString> labels;
    auto uniqueLabel = [&](const QString &label) {
        QString candidate = label;
        for (int n = 2; !labels.insert(candidate).second; ++n)
            candidate = label + QStringLiteral("-%1").arg(n);
        return candidate;
    };
    if (a.target.local)
        connectors[uniqueLabel(QStringLiteral("local"))] = [] { return std::make_unique<LocalTransport>(); };
    for (const QString &spec : a.target.ssh) {
        SshOptions ssh = parseSshTarget(spec).value();
        ssh.identityFiles = a.target.identities;
        ssh.knownHostsPath = a.target.knownHosts;
        // The collection just checked the key (and recorded it when told to accept a new one).
        const bool acceptNew = a.target.acceptNew;
        connectors[uniqueLabel(hostLabelFor(spec))] = [ssh, acceptNew]() -> std::unique_ptr<Transport> {
            return std::make_unique<SshTransport>(ssh, acceptNew ? HostKeyPolicy::acceptNew()
                                                                 : HostKeyPolicy::refuseUnknown());
        };
    }
    for (const Collection &c : keep.collections) {
        std::vector<Diagnostic> notes;
        FollowTarget t;
        t.hostLabel = c.hostLabel;
        t.connect = connectors[c.hostLabel];
        t.sudo = a.target.sudo ? SudoUse::Allowed : SudoUse::No;
        t.files = followFilesOf(c, notes);
        for (const Diagnostic &d : notes)
            error(d.message);
        if (t.files.empty() || !t.connect)
            continue;
        out.push_back(std::move(t));
    }
    if (out.empty()) {
        error(QStringLiteral("no log to follow: the configuration names no access or error log file"));
        return InputUnreadable;
    }
    return out;
}

QString summaryText(const std::vector<FollowStats> &stats, int files, double seconds)
{
    FollowStats all;
    for (const FollowStats &s : stats) {
        all.newLines += s.newLines;
        all.failures += s.failures;
        all.rotations += s.rotations;
        all.unreadableLines += s.unreadableLines;
        for (const auto &[cause, n] : s.perCause)
            all.perCause[cause] += n;
    }
    QString text = QStringLiteral("Followed %1 files on %2 host(s) for %3 s: %4 new lines, %5 upstream failures")
                       .arg(files)
                       .arg(stats.size())
                       .arg(seconds, 0, 'f', 1)
                       .arg(all.newLines)
                       .arg(all.failures);
    QStringList causes;
    for (const auto &[cause, n] : all.perCause)
        causes << QStringLiteral("%1 %2").arg(causeId(cause)).arg(n);
    if (!causes.isEmpty())
        text += QStringLiteral(" (") + causes.join(QStringLiteral(", ")) + QLatin1Char(')');
    if (all.rotations > 0)
        text += QStringLiteral("; %1 rotation(s) followed").arg(all.rotations);
    if (all.unreadableLines > 0)
        text += QStringLiteral("; %1 access-log line(s) did not fit their log_format and were skipped (is the "
                               "format in the config the one nginx writes?)")
                    .arg(all.unreadableLines);
    return text + QLatin1Char('\n');
}

QJsonObject summaryJson(const std::vector<FollowStats> &stats, int files, double seconds)
{
    quint64 lines = 0, failures = 0, unreadable = 0;
    int rotations = 0;
    std::map<Cause, quint64> perCause;
    for (const FollowStats &s : stats) {
        lines += s.newLines;
        failures += s.failures;
        rotations += s.rotations;
        unreadable += s.unreadableLines;
        for (const auto &[cause, n] : s.perCause)
            perCause[cause] += n;
    }
    QJsonObject causes, perFile;
    for (const auto &[cause, n] : perCause)
        causes.insert(causeId(cause), qint64(n));
    for (const FollowStats &s : stats)
        for (const auto &[file, n] : s.linesPerFile)
            perFile.insert(file, qint64(n));
    return {{QStringLiteral("schema"), QStringLiteral("gwb.follow/1")},
            {QStringLiteral("type"), QStringLiteral("summary")},
            {QStringLiteral("hosts"), qint64(stats.size())},
            {QStringLiteral("files"), files},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("new_lines"), qint64(lines)},
            {QStringLiteral("failures"), qint64(failures)},
            {QStringLiteral("per_cause"), causes},
            {QStringLiteral("lines_per_file"), perFile},
            {QStringLiteral("rotations"), rotations},
            {QStringLiteral("unreadable_lines"), qint64(unreadable)}};
}

} // namespace

int follow(const QStringList &args)
{
    FollowArgs a;
    if (auto stop = parseArgs(args, a))
        return *stop;

    CancelToken cancel;
    auto flag = std::make_shared<std::atomic_bool>(false);
    g_stopFlag = flag.get();
    std::signal(SIGINT, stopOnSignal);
    std::signal(SIGTERM, stopOnSignal);

    CollectedTargets keep; // the collected copies the new lines are appended to, while following
    auto planned = followTargets(a, keep);
    if (const int *code = std::get_if<int>(&planned))
        return *code;
    std::vector<FollowTarget> targets = std::move(std::get<std::vector<FollowTarget>>(planned));
    int files = 0;
    QStringList hosts;
    for (const FollowTarget &t : targets) {
        files += int(t.files.size());
        hosts << t.hostLabel;
    }
    error(QStringLiteral("following %1 files on %2 (Ctrl+C to stop)").arg(files).arg(hosts.join(QStringLiteral(", "))));

    FollowSink sink;
    sink.failure = [&a](const FollowFailure &f) {
        if (a.json)
            writeJson(failureJson(f));
        else
            writeOut(followFailureText(f).toUtf8() + '\n');
    };
    sink.note = [&a](const FollowNote &n) {
        if (a.json)
            writeJson({{QStringLiteral("schema"), QStringLiteral("gwb.follow/1")},
                       {QStringLiteral("type"), QStringLiteral("note")},
                       {QStringLiteral("kind"), noteKind(n.kind)},
                       {QStringLiteral("host"), n.host},
                       {QStringLiteral("file"), n.file},
                       {QStringLiteral("message"), n.message}});
        else
            error(QStringLiteral("note: %1: %2").arg(n.host, n.message));
    };

    // Turns the signal flag and the duration into the cancel every follow thread looks at.
    const qint64 started = QDateTime::currentMSecsSinceEpoch();
    std::atomic_bool finished{false};
    std::thread watch([&] {
        while (!finished.load() && !cancel.isCancelled()) {
            const qint64 elapsed = QDateTime::currentMSecsSinceEpoch() - started;
            if (flag->load() || (a.duration.count() > 0 && elapsed >= a.duration.count()))
                cancel.cancel();
            QThread::msleep(50);
        }
    });
    FollowOptions options;
    options.interval = a.interval;
    std::vector<FollowStats> stats;
    const auto ends = followAll(std::move(targets), options, sink, cancel, &stats);
    finished.store(true);
    watch.join();
    g_stopFlag = nullptr;
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - started) / 1000.0;
    if (a.json)
        writeJson(summaryJson(stats, files, seconds));
    else
        writeOut(summaryText(stats, files, seconds).toUtf8());
    int code = Ok;
    for (const Result<void> &end : ends)
        if (!end) {
            error(end.error().message);
            code = Failure;
        }
    return code;
}

} // namespace gwb::cli
