#include "reporthtmlparts.h"

#include "svgwriter.h"

#include "common/wallclock.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace gwb {

namespace reporthtml {

QString esc(const QString &text)
{
    return svg::escape(text);
}

QString when(const Context &ctx, qint64 ms)
{
    if (!ms)
        return QStringLiteral("—");
    return formatWallClock(ms, ctx.result.tzOffsetMinutes, ctx.result.tzKnown).replace(QLatin1Char('T'), QLatin1Char(' '));
}

QString whereText(const Finding &f)
{
    QStringList hops;
    if (!f.server.isEmpty())
        hops << QStringLiteral("server %1").arg(f.server);
    if (!f.location.isEmpty())
        hops << f.location;
    if (!f.upstream.isEmpty())
        hops << QStringLiteral("upstream %1").arg(f.upstream);
    if (!f.peer.isEmpty())
        hops << QStringLiteral("peer %1").arg(f.peer);
    return hops.isEmpty() ? QStringLiteral("(no matching config)") : hops.join(QStringLiteral(" → "));
}

QString evidenceLine(Context &ctx, const EvidenceLine &e)
{
    // Cut long lines before redacting would risk cutting a secret in half and leaving its tail: redact first.
    return esc(svg::elide(ctx.redactor.redact(e.text), 600));
}

void openSection(QTextStream &out, const Context &ctx, const char *id, const QString &title, bool pageBreak)
{
    out << "<section id=\"" << id << "\"" << (pageBreak ? " class=\"big\"" : "") << ">\n";
    if (ctx.flavour == ReportFlavour::RichText && pageBreak)
        out << "<h2 style=\"page-break-before: always\">" << esc(title) << "</h2>\n";
    else
        out << "<h2>" << esc(title) << "</h2>\n";
}

} // namespace reporthtml

namespace {

using namespace reporthtml;

const char *const kCss = R"(
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; background: #ffffff;
       max-width: 1000px; margin: 24px auto; padding: 0 16px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 24px; margin-bottom: 2px; }
h2 { font-size: 19px; border-bottom: 2px solid #333333; padding-bottom: 3px; margin-top: 28px;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 15px; margin: 18px 0 6px 0; break-after: avoid; page-break-after: avoid; }
.subtitle { color: #555555; margin-top: 0; }
.lead { font-size: 16px; }
.verdict { background: #fff4e5; border-left: 5px solid #e8604c; padding: 8px 12px; }
.ok { background: #eef8ea; border-left: 5px solid #5aa843; padding: 8px 12px; }
.cause { font-family: "DejaVu Sans Mono", monospace; background: #eeeeee; padding: 1px 5px; font-size: 12px;
         white-space: nowrap; }
.muted { color: #555555; }
table { border-collapse: collapse; margin: 6px 0 10px 0; }
th, td { border-bottom: 1px solid #dddddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num, th.num { text-align: right; }
pre.evidence, pre.config { background: #f6f6f6; border: 1px solid #e0e0e0; padding: 6px 8px; font-size: 11.5px;
       white-space: pre-wrap; word-break: break-all; font-family: "DejaVu Sans Mono", monospace; }
.finding { border-left: 4px solid #d62728; padding-left: 12px; margin: 18px 0; }
figure { margin: 8px 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555555; font-size: 12px; }
)";

// Browsers only: Qt's rich-text CSS parser stops at the nested @page rule and would drop what follows.
const char *const kPrintCss = R"(
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  section.big { break-before: page; page-break-before: always; }
  .finding, figure, table { break-inside: avoid; page-break-inside: avoid; }
  @page { size: A4; margin: 14mm; }
}
)";

// QTextDocument (PDF) lays out at 96 dpi on an A4 column of ~690 px: smaller type than on screen.
const char *const kRichTextCss = R"(
body { font-size: 11px; }
h1 { font-size: 20px; } h2 { font-size: 16px; } h3 { font-size: 13px; }
pre.evidence, pre.config { font-size: 8.5px; }
.cause { font-size: 9.5px; }
figcaption { font-size: 9.5px; }
)";

} // namespace

ReportHtml buildReportHtml(const Investigation &inv, const DiagnosisResult &result, const ReportOptions &options,
                           ReportFlavour flavour)
{
    Context ctx{inv, result, options, flavour, Redactor(options.redaction), {}};
    // Learn every client first so one client keeps one pseudonym wherever it appears first.
    QStringList all;
    for (const Finding &f : result.findings)
        for (const EvidenceLine &e : f.evidence)
            all << e.text;
    for (const LintResult &l : result.lint)
        for (const EvidenceLine &e : l.evidence)
            all << e.text;
    ctx.redactor.learnClients(all);

    QString html;
    QTextStream out(&html);
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<meta name=\"generator\" content=\"gwb " << GWB_VERSION << "\">\n"
        << "<title>" << esc(options.title) << "</title>\n<style>" << kCss
        << (flavour == ReportFlavour::RichText ? kRichTextCss : kPrintCss) << "</style>\n</head>\n<body>\n";
    const QDateTime generated = options.generatedAt.isValid() ? options.generatedAt : QDateTime::currentDateTimeUtc();
    out << "<h1>" << esc(options.title) << "</h1>\n<p class=\"subtitle\">Why nginx answered 502, 504 and 499 — generated "
        << esc(generated.toUTC().toString(Qt::ISODate)) << " by gwb " << GWB_VERSION << "</p>\n";
    writeSummary(out, ctx);
    writeTimeline(out, ctx);
    writeChain(out, ctx);
    writeFindings(out, ctx);
    writeLint(out, ctx);
    writeChecks(out, ctx);
    writeRecommendations(out, ctx);
    writeEnvironment(out, ctx);
    out << "</body>\n</html>\n";
    out.flush();
    return ReportHtml{html, std::move(ctx.figures), ctx.redactor.summary()};
}

namespace {

PdfReportWriter g_pdfWriter = nullptr;

} // namespace

void setPdfReportWriter(PdfReportWriter writer)
{
    g_pdfWriter = writer;
}

bool pdfReportsAvailable()
{
    return g_pdfWriter != nullptr;
}

Result<void> writeReport(const QString &path, const Investigation &inv, const DiagnosisResult &result,
                         const ReportOptions &options)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1StringView("pdf")) {
        if (!g_pdfWriter)
            return Error{Error::Kind::Usage, QStringLiteral("this build of gwb cannot write PDF (built without Qt Gui); "
                                                            "write %1.html instead and print it from a browser")
                                                 .arg(QFileInfo(path).completeBaseName())};
        return g_pdfWriter(path, inv, result, options);
    }
    if (suffix != QLatin1StringView("html") && suffix != QLatin1StringView("htm"))
        return Error{Error::Kind::Usage,
                     QStringLiteral("cannot tell the report format from \"%1\"; name the file .html or .pdf").arg(path)};
    const QByteArray bytes = buildReportHtml(inv, result, options).html.toUtf8();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error::io(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

QString nginxVersionFromLogs(const Investigation &inv)
{
    // nginx logs "[notice] PID#TID: nginx/1.22.1" at every start; the last one is the version now running.
    static constexpr QByteArrayView kNeedle(": nginx/");
    for (auto it = inv.errorLogs.rbegin(); it != inv.errorLogs.rend(); ++it) {
        if (!it->text)
            continue;
        const QByteArrayView bytes = it->text->bytes();
        const qsizetype at = bytes.lastIndexOf(kNeedle);
        if (at < 0)
            continue;
        qsizetype end = at + kNeedle.size();
        while (end < bytes.size() && end - at < 40 && (QChar::isLetterOrNumber(uchar(bytes[end])) || bytes[end] == '.'))
            ++end;
        return QString::fromLatin1(bytes.sliced(at + 2, end - at - 2));
    }
    return {};
}

} // namespace gwb
