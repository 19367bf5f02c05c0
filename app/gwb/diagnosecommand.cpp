#include "cli.h"
#include "inputoptions.h"

#include "common/wallclock.h"
#include "diagnosis/diagnoser.h"
#include "report/diagnosisjson.h"
#include "report/report.h"
#include "report/diagnosistext.h"
#include "collect/bundle.h"
#include "targetoptions.h"

#include <QCommandLineParser>
#include <QFile>

namespace gwb::cli {

namespace {

struct DiagnoseArgs
{
    LocalInputs inputs;
    QString format = QStringLiteral("text");
    QString output;
    QString report;
    DiagnoseOptions options;
    TargetChoice target;
};

// Fills `out` from the command line; returns an exit code when the command should stop here.
std::optional<int> parseArgs(const QStringList &args, DiagnoseArgs &out)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Read an nginx configuration and its logs, classify every upstream failure (502, 504, 499, upstream 5xx) "
        "into a cause, and print the findings, worst first.\n\n"
        "Without --access-log/--error-log, the log files are the ones the configuration names.\n\n"
        "With --ssh or --local, gwb finds the running nginx, runs nginx -T and pulls only the time window of the "
        "logs it names (default: the last 2 hours of the host's clock). --bundle reads what `gwb collect` wrote."));
    p.addHelpOption();
    p.addVersionOption();
    const InputOptions inputOptions;
    inputOptions.addTo(p);
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("text (default) or json (schema gwb.diagnosis/1)."), QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Write to FILE instead of standard output."), QStringLiteral("FILE"));
    const QCommandLineOption report(QStringLiteral("report"), QStringLiteral("Also write a report people can read: FILE.html or FILE.pdf (client addresses, cookies, Authorization headers and query strings redacted; use `gwb report` to keep them)."), QStringLiteral("FILE"));
    p.addOptions({format, output, report});
    const TargetOptions targetOptions;
    targetOptions.addTo(p, true);

    if (!p.parse(args)) {
        error(p.errorText() + QStringLiteral("; run 'gwb diagnose --help'"));
        return Usage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        print(commandHelp(p.helpText(), QStringLiteral("diagnose")));
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
    if (auto stop = readTargetChoice(p, targetOptions, out.target))
        return *stop;
    const bool localInputs = inputOptions.anyInputSet(p);
    if (out.target.any() && inputOptions.anyFileOptionSet(p)) {
        error(QStringLiteral("--ssh, --local and --bundle bring their own config and logs; leave out --config-dump, "
                             "--config, --prefix, --access-log, --error-log and --log-format"));
        return Usage;
    }
    if (!localInputs && !out.target.any()) {
        error(QStringLiteral("nothing to read; give --config-dump FILE (output of nginx -T), --config FILE, logs "
                             "with --access-log/--error-log, or a target with --ssh, --local or --bundle"));
        return Usage;
    }
    out.format = p.value(format);
    if (out.format != QLatin1StringView("text") && out.format != QLatin1StringView("json")) {
        error(QStringLiteral("unknown --format \"%1\"; use text or json").arg(out.format));
        return Usage;
    }
    if (auto stop = inputOptions.read(p, out.inputs, out.options.evidencePerFinding))
        return *stop;
    out.output = p.value(output);
    out.report = p.value(report);
    return std::nullopt;
}

} // namespace

int diagnose(const QStringList &args)
{
    DiagnoseArgs a;
    if (auto stop = parseArgs(args, a))
        return *stop;
    CollectedTargets collected; // the collected files stay on disk while the investigation maps them
    std::optional<int> reported;  // collectTargets printed the error already
    auto inv = loadInvestigation(a.target, a.inputs, collected, reported);
    if (reported)
        return *reported;
    if (!inv) {
        error(inv.error().message);
        return inv.error().kind == Error::Kind::Input || inv.error().kind == Error::Kind::Io ? InputUnreadable : Failure;
    }
    const DiagnosisResult result = Diagnoser::run(inv.value(), a.options);
    if (!a.report.isEmpty()) {
        ReportOptions ro;
        ro.maxEvidencePerFinding = a.options.evidencePerFinding;
        if (auto written = writeReport(a.report, inv.value(), result, ro); !written) {
            error(written.error().message);
            return written.error().kind == Error::Kind::Usage ? Usage : Failure;
        }
    }
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
