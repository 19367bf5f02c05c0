#include "cli.h"
#include "inputoptions.h"
#include "reportcommand.h"

#include "common/wallclock.h"
#include "diagnosis/diagnoser.h"
#include "report/report.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <optional>

namespace gwb::cli {

namespace {

struct ReportArgs
{
    LocalInputs inputs;
    DiagnoseOptions diagnose;
    ReportOptions report;
    QString output;
};

std::optional<int> parseReportArgs(const QStringList &args, ReportArgs &out)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Diagnose an nginx configuration and its logs like 'gwb diagnose' and write a report people can read: one "
        "self-contained HTML file (inline CSS and SVG, no scripts, no external links) or a PDF.\n\n"
        "Log lines quoted as evidence are redacted unless told otherwise: client addresses become stable "
        "pseudonyms (client-1, client-2, ...), and cookies, Authorization headers and query strings are hidden."));
    p.addHelpOption();
    p.addVersionOption();
    const InputOptions inputOptions;
    inputOptions.addTo(p);
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Report file: FILE.html or FILE.pdf (required)."), QStringLiteral("FILE"));
    const QCommandLineOption title(QStringLiteral("title"), QStringLiteral("Title of the report."), QStringLiteral("TEXT"));
    const QCommandLineOption keepIps(QStringLiteral("no-redact-ips"), QStringLiteral("Keep client addresses in evidence lines."));
    const QCommandLineOption keepQuery(QStringLiteral("keep-query"), QStringLiteral("Keep query strings in URIs and referrers."));
    const QCommandLineOption keepCookies(QStringLiteral("keep-cookies"), QStringLiteral("Keep cookie values."));
    const QCommandLineOption keepAuth(QStringLiteral("keep-authorization"), QStringLiteral("Keep Authorization headers and URL credentials."));
    const QCommandLineOption noRedact(QStringLiteral("no-redact"), QStringLiteral("Keep everything (all four of the above)."));
    p.addOptions({output, title, keepIps, keepQuery, keepCookies, keepAuth, noRedact});

    if (!p.parse(args)) {
        error(p.errorText() + QStringLiteral("; run 'gwb report --help'"));
        return Usage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        print(commandHelp(p.helpText(), QStringLiteral("report")));
        return Ok;
    }
    if (p.isSet(QStringLiteral("version"))) {
        print(QStringLiteral("gwb %1\n").arg(QStringLiteral(GWB_VERSION)));
        return Ok;
    }
    if (!p.positionalArguments().isEmpty()) {
        error(QStringLiteral("unexpected argument \"%1\"; inputs are given with --config-dump, --config, --access-log "
                             "and --error-log, the report file with --output").arg(p.positionalArguments().first()));
        return Usage;
    }
    if (!inputOptions.anyInputSet(p)) {
        error(QStringLiteral("nothing to read; give --config-dump FILE (output of nginx -T), --config FILE, or logs "
                             "with --access-log/--error-log"));
        return Usage;
    }
    out.output = p.value(output);
    const QString suffix = QFileInfo(out.output).suffix().toLower();
    if (out.output.isEmpty()) {
        error(QStringLiteral("--output FILE.html or FILE.pdf is required"));
        return Usage;
    }
    if (suffix != QLatin1StringView("html") && suffix != QLatin1StringView("htm") && suffix != QLatin1StringView("pdf")) {
        error(QStringLiteral("cannot tell the report format from \"%1\"; name the file .html or .pdf").arg(out.output));
        return Usage;
    }
    if (auto stop = inputOptions.read(p, out.inputs, out.diagnose.evidencePerFinding))
        return *stop;
    out.report.maxEvidencePerFinding = out.diagnose.evidencePerFinding;
    const bool all = p.isSet(noRedact);
    out.report.redaction.clientIps = !(all || p.isSet(keepIps));
    out.report.redaction.queryStrings = !(all || p.isSet(keepQuery));
    out.report.redaction.cookies = !(all || p.isSet(keepCookies));
    out.report.redaction.authorization = !(all || p.isSet(keepAuth));
    if (p.isSet(title))
        out.report.title = p.value(title);
    return std::nullopt;
}

} // namespace

bool wantsPdf(const QStringList &args)
{
    const bool report = !args.isEmpty() && args.first() == QLatin1StringView("report");
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        QString value;
        const bool isOutput = report && (a == QLatin1StringView("-o") || a == QLatin1StringView("--output"));
        if (isOutput || a == QLatin1StringView("--report"))
            value = i + 1 < args.size() ? args.at(i + 1) : QString();
        else if (report && a.startsWith(QLatin1StringView("--output=")))
            value = a.mid(9);
        else if (a.startsWith(QLatin1StringView("--report=")))
            value = a.mid(9);
        if (value.endsWith(QLatin1StringView(".pdf"), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

int report(const QStringList &args)
{
    ReportArgs a;
    if (auto stop = parseReportArgs(args, a))
        return *stop;
    auto inv = Investigation::loadLocal(a.inputs);
    if (!inv) {
        error(inv.error().message);
        return inv.error().kind == Error::Kind::Input || inv.error().kind == Error::Kind::Io ? InputUnreadable : Failure;
    }
    const DiagnosisResult result = Diagnoser::run(inv.value(), a.diagnose);
    if (auto written = writeReport(a.output, inv.value(), result, a.report); !written) {
        error(written.error().message);
        return written.error().kind == Error::Kind::Usage ? Usage : Failure;
    }
    return Ok;
}

} // namespace gwb::cli
