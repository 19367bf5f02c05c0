#pragma once

#include "reportoptions.h"

#include "common/result.h"
#include "diagnosis/diagnosisresult.h"
#include "diagnosis/investigation.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace gwb {

// Browser: one self-contained HTML5 file with inline SVG figures. RichText: the subset QTextDocument reads
// (for the PDF), figures as <img src="gwb-figure:NAME"> whose SVG text comes back in ReportHtml::figures.
enum class ReportFlavour { Browser, RichText };

struct ReportFigure
{
    QString name; // "timeline", "chain"
    QString svg;
};

struct ReportHtml
{
    QString html;
    std::vector<ReportFigure> figures; // RichText only
    QStringList redactionSummary;      // what was hidden, as stated in the report
};

// The report: summary, timeline, chain, findings with evidence and config, checks, recommendations,
// environment. Every value from logs or config is escaped; evidence lines are redacted per `options`.
ReportHtml buildReportHtml(const Investigation &inv, const DiagnosisResult &result, const ReportOptions &options,
                           ReportFlavour flavour = ReportFlavour::Browser);

// Writes the report to `path`: ".html"/".htm" as HTML, ".pdf" through the PDF writer when this program
// has one (see setPdfReportWriter). Errors say what to do (other suffix, unwritable file, no PDF support).
Result<void> writeReport(const QString &path, const Investigation &inv, const DiagnosisResult &result,
                         const ReportOptions &options);

// The PDF writer needs Qt Gui, which the engine must not link; programs that have it (gwb_report_pdf)
// install it here once at start-up.
using PdfReportWriter = Result<void> (*)(const QString &path, const Investigation &inv, const DiagnosisResult &result,
                                         const ReportOptions &options);
void setPdfReportWriter(PdfReportWriter writer);
bool pdfReportsAvailable();

// The nginx version the error logs announce at start ("nginx/1.22.1"), empty when they do not say.
QString nginxVersionFromLogs(const Investigation &inv);

} // namespace gwb
