#pragma once

#include "report/report.h"

#include <QCoreApplication>

#include <memory>

namespace gwb {

// The report as PDF: the same content as the HTML report, laid out by QTextDocument on A4 pages with a page
// break before each big section; the SVG figures rendered through QSvgRenderer. Needs a QGuiApplication
// (fonts); headless machines run with QT_QPA_PLATFORM=offscreen.
Result<void> writePdfReport(const QString &path, const Investigation &inv, const DiagnosisResult &result,
                            const ReportOptions &options);

// Makes writeReport() (core) able to write .pdf in this program.
void installPdfReportWriter();

// For command-line programs: a QGuiApplication on the offscreen platform (unless QT_QPA_PLATFORM says
// otherwise) with the PDF writer installed when `needsPdf`, else a plain QCoreApplication, so commands that
// write no PDF never load a platform plugin.
std::unique_ptr<QCoreApplication> makeApplicationForReports(int &argc, char **argv, bool needsPdf);

} // namespace gwb
