#include "cli.h"

#include "common/wallclock.h"
#include "diagnosis/diagnoser.h"
#include "report/diagnosisjson.h"
#include "report/diagnosistext.h"

#include <QCommandLineParser>
#include <QFile>

namespace gwb::cli {

namespace {

struct DiagnoseArgs
{
    LocalInputs inputs;
    QString format = QStringLiteral("text");
    QString output;
    DiagnoseOptions options;
};

// Fills `out` from the command line; returns an exit code when the command should stop here.
std::optional<int> parseArgs(const QStringList &args, DiagnoseArgs &out)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Read an nginx configuration and its logs, classify every upstream failure (502, 504, 499, upstream 5xx) "
        "into a cause, and print the findings, worst first.\n\n"
        "Without --access-log/--error-log, the log files are the ones the configuration names."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption dump(QStringLiteral("config-dump"), QStringLiteral("Output of `nginx -T`."), QStringLiteral("FILE"));
    const QCommandLineOption conf(QStringLiteral("config"), QStringLiteral("nginx.conf on disk (includes are followed)."), QStringLiteral("FILE"));
    const QCommandLineOption prefix(QStringLiteral("prefix"), QStringLiteral("nginx prefix for relative paths (default: the directory of --config)."), QStringLiteral("DIR"));
    const QCommandLineOption access(QStringLiteral("access-log"), QStringLiteral("Access log to read (repeatable; .gz allowed)."), QStringLiteral("FILE"));
    const QCommandLineOption errorLog(QStringLiteral("error-log"), QStringLiteral("Error log to read (repeatable; .gz allowed)."), QStringLiteral("FILE"));
    const QCommandLineOption logFormat(QStringLiteral("log-format"), QStringLiteral("log_format name for every access log (default: the one the config declares for the file, else combined)."), QStringLiteral("NAME"));
    const QCommandLineOption since(QStringLiteral("since"), QStringLiteral("Start of the window: \"2026-11-24 10:00\" or a duration back from now (30m, 2h, 1d). Log times are the nginx host's wall clock."), QStringLiteral("TIME"));
    const QCommandLineOption until(QStringLiteral("until"), QStringLiteral("End of the window, same forms as --since."), QStringLiteral("TIME"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("text (default) or json (schema gwb.diagnosis/1)."), QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Write to FILE instead of standard output."), QStringLiteral("FILE"));
    const QCommandLineOption evidence(QStringLiteral("evidence"), QStringLiteral("Evidence lines per finding (default 5)."), QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption threads(QStringLiteral("threads"), QStringLiteral("Parser threads (default: one per core)."), QStringLiteral("N"), QStringLiteral("0"));
    p.addOptions({dump, conf, prefix, access, errorLog, logFormat, since, until, format, output, evidence, threads});

    if (!p.parse(args)) {
        error(p.errorText() + QStringLiteral("; run 'gwb diagnose --help'"));
        return Usage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        print(p.helpText().replace(QStringLiteral("Usage: diagnose"), QStringLiteral("Usage: gwb diagnose")));
        return Ok;
    }
    if (p.isSet(QStringLiteral("version"))) {
        print(QStringLiteral("gwb %1\n").arg(QStringLiteral(GWB_VERSION)));
        return Ok;
    }
    if (!p.positionalArguments().isEmpty()) {
        error(QStringLiteral("unexpected argument \"%1\"; inputs are given with --config-dump, --config, --access-log "
                             "and --error-log").arg(p.positionalArguments().first()));
        return Usage;
    }
    if (p.isSet(dump) && p.isSet(conf)) {
        error(QStringLiteral("give either --config-dump or --config, not both"));
        return Usage;
    }
    if (!p.isSet(dump) && !p.isSet(conf) && !p.isSet(access) && !p.isSet(errorLog)) {
        error(QStringLiteral("nothing to read; give --config-dump FILE (output of nginx -T), --config FILE, or logs "
                             "with --access-log/--error-log"));
        return Usage;
    }
    out.format = p.value(format);
    if (out.format != QLatin1StringView("text") && out.format != QLatin1StringView("json")) {
        error(QStringLiteral("unknown --format \"%1\"; use text or json").arg(out.format));
        return Usage;
    }
    bool ok = false;
    out.options.evidencePerFinding = p.value(evidence).toInt(&ok);
    if (!ok || out.options.evidencePerFinding < 0) {
        error(QStringLiteral("--evidence takes a whole number, not \"%1\"").arg(p.value(evidence)));
        return Usage;
    }
    out.inputs.threads = p.value(threads).toInt(&ok);
    if (!ok || out.inputs.threads < 0) {
        error(QStringLiteral("--threads takes a whole number, not \"%1\"").arg(p.value(threads)));
        return Usage;
    }
    const TimeMs now = nowWallClockMs();
    for (const auto &[opt, target] : {std::pair{&since, &out.inputs.since}, std::pair{&until, &out.inputs.until}}) {
        if (!p.isSet(*opt))
            continue;
        auto t = parseWindowBound(p.value(*opt), now);
        if (!t) {
            error(QStringLiteral("--%1: %2").arg(opt->names().first(), t.error().message));
            return Usage;
        }
        *target = t.value();
    }
    out.inputs.configDump = p.value(dump);
    out.inputs.configFile = p.value(conf);
    out.inputs.prefix = p.value(prefix);
    out.inputs.accessLogs = p.values(access);
    out.inputs.errorLogs = p.values(errorLog);
    out.inputs.accessFormat = p.value(logFormat);
    out.output = p.value(output);
    return std::nullopt;
}

} // namespace

int diagnose(const QStringList &args)
{
    DiagnoseArgs a;
    if (auto stop = parseArgs(args, a))
        return *stop;
    auto inv = Investigation::loadLocal(a.inputs);
    if (!inv) {
        error(inv.error().message);
        return inv.error().kind == Error::Kind::Input || inv.error().kind == Error::Kind::Io ? InputUnreadable : Failure;
    }
    const DiagnosisResult result = Diagnoser::run(inv.value(), a.options);
    const QByteArray text = a.format == QLatin1StringView("json") ? diagnosisToJsonText(result) : diagnosisToText(result).toUtf8();
    if (a.output.isEmpty()) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || out.write(text) != text.size()) {
            error(QStringLiteral("cannot write to standard output"));
            return Failure;
        }
        return Ok;
    }
    QFile out(a.output);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(text) != text.size()) {
        error(QStringLiteral("cannot write %1: %2").arg(a.output, out.errorString()));
        return Failure;
    }
    return Ok;
}

} // namespace gwb::cli
