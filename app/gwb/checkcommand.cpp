// `gwb check`: the guided checks, headless. Collects (or reads) the investigation like `gwb diagnose`, then
// walks the decision tree of each finding's cause with read-only probes run on the nginx host.

#include "checkcommand.h"
#include "cli.h"
#include "inputoptions.h"
#include "targetoptions.h"

#include "checks/checkengine.h"
#include "checks/pluginloader.h"
#include "diagnosis/diagnoser.h"
#include "report/report.h"
#include "transport/localtransport.h"
#include "transport/sshtransport.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

namespace gwb::cli {

namespace {

struct CheckArgs
{
    LocalInputs inputs;
    TargetChoice target;
    QString format = QStringLiteral("text");
    QString output;
    QString report;
    PlanFilter filter;
    CheckOptions options;
    bool list = false;
    bool planOnly = false;
};

std::optional<int> parseArgs(const QStringList &args, CheckArgs &out)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Run the guided checks: read-only probes from the nginx host that find out why the failures in the logs "
        "happened (backend reachability, listening sockets, unix socket permissions, SELinux/AppArmor, DNS, TLS, "
        "resources, the config against the latencies observed). Each finding's cause has a decision tree: the "
        "next check depends on the verdict of the last one.\n\n"
        "Verdicts: pass, warn, fail, could-not-run (with what would make it possible; never a false pass).\n\n"
        "Probes need a host: --ssh or --local. With --bundle or files only the checks that read the collected "
        "config and logs can run. Captures (tcpdump, strace) run only with --allow-capture, as root or with "
        "--sudo, bounded by --capture-seconds and --capture-packets."));
    p.addHelpOption();
    p.addVersionOption();
    const InputOptions inputOptions;
    inputOptions.addTo(p);
    const TargetOptions targetOptions;
    targetOptions.addTo(p, true);
    const QCommandLineOption cause(QStringLiteral("cause"), QStringLiteral("Only the findings of this cause id (e.g. backend-refused)."), QStringLiteral("ID"));
    const QCommandLineOption peer(QStringLiteral("peer"), QStringLiteral("Only this peer (127.0.0.1:8081, unix:/run/app.sock)."), QStringLiteral("PEER"));
    const QCommandLineOption location(QStringLiteral("location"), QStringLiteral("Only this location (its pattern, e.g. /api); includes its peers even without failures."), QStringLiteral("PATTERN"));
    const QCommandLineOption healthy(QStringLiteral("healthy"), QStringLiteral("Also check the peers of locations without failures."));
    const QCommandLineOption capture(QStringLiteral("allow-capture"), QStringLiteral("Consent to tcpdump and strace captures on the host (bounded; needs root or --sudo)."));
    const QCommandLineOption seconds(QStringLiteral("capture-seconds"), QStringLiteral("Time limit of each capture, 1–30 (default 5)."), QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption packets(QStringLiteral("capture-packets"), QStringLiteral("Packet limit of a tcpdump capture, 1–2000 (default 200)."), QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("text (default) or json (schema gwb.checks/1)."), QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Write to FILE instead of standard output."), QStringLiteral("FILE"));
    const QCommandLineOption report(QStringLiteral("report"), QStringLiteral("Also write a report (FILE.html or FILE.pdf) with the findings and the check results."), QStringLiteral("FILE"));
    const QCommandLineOption list(QStringLiteral("list"), QStringLiteral("List the checks (built-in and from plugins) and plugin warnings, then exit."));
    const QCommandLineOption plan(QStringLiteral("plan"), QStringLiteral("Print the checks that would run and their commands, without running them."));
    p.addOptions({cause, peer, location, healthy, capture, seconds, packets, format, output, report, list, plan});
    if (!p.parse(args)) {
        error(p.errorText() + QStringLiteral("; run 'gwb check --help'"));
        return Usage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        print(commandHelp(p.helpText(), QStringLiteral("check")));
        return Ok;
    }
    if (p.isSet(QStringLiteral("version"))) {
        print(QStringLiteral("gwb %1\n").arg(QStringLiteral(GWB_VERSION)));
        return Ok;
    }
    out.list = p.isSet(list);
    if (out.list)
        return std::nullopt;
    if (!p.positionalArguments().isEmpty()) {
        error(QStringLiteral("unexpected argument \"%1\"").arg(p.positionalArguments().first()));
        return Usage;
    }
    if (auto stop = readTargetChoice(p, targetOptions, out.target))
        return *stop;
    if (out.target.any() && inputOptions.anyFileOptionSet(p)) {
        error(QStringLiteral("--ssh, --local and --bundle bring their own config and logs; leave out the file options"));
        return Usage;
    }
    if (!inputOptions.anyInputSet(p) && !out.target.any()) {
        error(QStringLiteral("nothing to check; give a target with --ssh or --local (probes need the nginx host), "
                             "--bundle, or files with --config-dump and the log options"));
        return Usage;
    }
    int evidence = 8;
    if (auto stop = inputOptions.read(p, out.inputs, evidence))
        return *stop;
    out.format = p.value(format);
    if (out.format != QLatin1StringView("text") && out.format != QLatin1StringView("json")) {
        error(QStringLiteral("unknown --format \"%1\"; use text or json").arg(out.format));
        return Usage;
    }
    if (p.isSet(cause)) {
        const auto c = causeFromId(p.value(cause));
        if (!c) {
            error(QStringLiteral("unknown cause \"%1\"; the ids are listed in docs/json-schema.md (e.g. backend-refused)").arg(p.value(cause)));
            return Usage;
        }
        out.filter.cause = *c;
    }
    out.filter.peer = p.value(peer);
    out.filter.location = p.value(location);
    out.filter.includeHealthy = p.isSet(healthy);
    bool okS = false, okP = false;
    const int s = p.value(seconds).toInt(&okS), n = p.value(packets).toInt(&okP);
    if (!okS || s < 1 || s > 30 || !okP || n < 1 || n > 2000) {
        error(QStringLiteral("--capture-seconds takes 1 to 30 and --capture-packets 1 to 2000"));
        return Usage;
    }
    out.options.consent.tcpdump = out.options.consent.strace = p.isSet(capture);
    out.options.consent.maxSeconds = s;
    out.options.consent.maxPackets = n;
    out.options.sudo = out.target.sudo ? SudoUse::Allowed : SudoUse::No;
    out.output = p.value(output);
    out.report = p.value(report);
    out.planOnly = p.isSet(plan);
    return std::nullopt;
}

// The host the checks run on: the first --ssh target (a session of its own) or this machine.
std::unique_ptr<Transport> hostTransport(const TargetChoice &target)
{
    if (target.local)
        return std::make_unique<LocalTransport>();
    if (target.ssh.isEmpty())
        return nullptr;
    SshOptions ssh = parseSshTarget(target.ssh.first()).value();
    ssh.identityFiles = target.identities;
    ssh.knownHostsPath = target.knownHosts;
    // Collecting has just verified (or recorded, with --accept-new-host-key) this host's key.
    return std::make_unique<SshTransport>(ssh, target.acceptNew ? HostKeyPolicy::acceptNew() : HostKeyPolicy::refuseUnknown());
}

bool writeOut(const QString &path, const QByteArray &bytes)
{
    QFile out;
    const bool ok = path.isEmpty() ? out.open(stdout, QIODevice::WriteOnly) : (out.setFileName(path), out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    if (!ok || out.write(bytes) != bytes.size()) {
        error(QStringLiteral("cannot write %1: %2").arg(path.isEmpty() ? QStringLiteral("standard output") : path, out.errorString()));
        return false;
    }
    return true;
}

QString listChecks(const CheckRegistry &registry, const std::vector<PluginInfo> &plugins)
{
    QString text;
    for (const Check *c : registry.all())
        text += QStringLiteral("%1  %2  [%3, %4]%5\n")
                    .arg(c->id(), -24)
                    .arg(c->title())
                    .arg(guidedStepId(c->step()), registry.originOf(c->id()))
                    .arg(c->needsConsent() ? QStringLiteral(" (needs consent)") : QString());
    for (const PluginInfo &p : plugins)
        text += QStringLiteral("plugin %1 %2: %3\n").arg(p.id, p.version, p.loaded ? QStringLiteral("loaded from ") + p.file : p.problem);
    for (const QString &w : registry.warnings())
        text += QStringLiteral("warning: %1\n").arg(w);
    return text;
}

} // namespace

int check(const QStringList &args)
{
    CheckArgs a;
    if (auto stop = parseArgs(args, a))
        return *stop;
    CheckRegistry registry = CheckRegistry::withBuiltins();
    const std::vector<PluginInfo> plugins = loadCheckPlugins(defaultPluginDirs(), registry);
    if (a.list)
        return writeOut(QString(), listChecks(registry, plugins).toUtf8()) ? Ok : Failure;

    CollectedTargets collected;
    std::optional<int> reported;
    auto inv = loadInvestigation(a.target, a.inputs, collected, reported);
    if (reported)
        return *reported;
    if (!inv) {
        error(inv.error().message);
        return inv.error().kind == Error::Kind::Input || inv.error().kind == Error::Kind::Io ? InputUnreadable : Failure;
    }
    const DiagnosisResult diagnosis = Diagnoser::run(inv.value(), {});
    std::unique_ptr<Transport> transport = hostTransport(a.target);
    CheckContext context(transport.get(), &inv.value(), &diagnosis, a.options);
    const std::vector<CheckSubject> subjects = subjectsFor(inv.value(), diagnosis, a.filter);

    CheckRun run;
    run.host = context.hostDescription();
    run.startedUtcMs = QDateTime::currentMSecsSinceEpoch();
    run.warnings = registry.warnings();
    if (subjects.empty())
        run.warnings << QStringLiteral("nothing to check: no finding matches%1 (use --healthy or --location to check peers without failures)")
                            .arg(a.filter.cause ? QStringLiteral(" --cause %1").arg(causeId(*a.filter.cause)) : QString());
    if (a.planOnly) {
        QString text;
        for (const PlannedCheck &planned : planChecks(registry, subjects, context)) {
            text += QStringLiteral("%1 — %2: %3\n").arg(planned.subject.label(), planned.check->id(), planned.reason);
            for (const QString &cmd : planned.check->plannedCommands(planned.subject, context))
                text += QStringLiteral("    $ %1\n").arg(cmd);
        }
        for (const QString &w : run.warnings)
            text += QStringLiteral("warning: %1\n").arg(w);
        return writeOut(a.output, text.toUtf8()) ? Ok : Failure;
    }
    QTextStream progress(stderr);
    run.results = runGuided(registry, subjects, context, [&](const CheckResult &r) {
        if (a.format == QLatin1StringView("json") || !a.output.isEmpty())
            progress << QStringLiteral("gwb check: %1 %2: %3\n").arg(r.checkId, r.subject.label(), verdictId(r.verdict)) << Qt::flush;
    });

    if (!a.report.isEmpty()) {
        ReportOptions ro;
        ro.checks = reportChecksOf(run);
        if (auto written = writeReport(a.report, inv.value(), diagnosis, ro); !written) {
            error(written.error().message);
            return written.error().kind == Error::Kind::Usage ? Usage : Failure;
        }
    }
    const QByteArray bytes = a.format == QLatin1StringView("json")
                                 ? QJsonDocument(checkRunToJson(run)).toJson(QJsonDocument::Indented)
                                 : checkRunToText(run).toUtf8();
    return writeOut(a.output, bytes) ? Ok : Failure;
}

} // namespace gwb::cli
