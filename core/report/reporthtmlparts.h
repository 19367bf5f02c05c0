#pragma once

// Private to the HTML report writer: the pieces of the document, shared between its source files.

#include "report.h"
#include "reportredact.h"

#include <QTextStream>

namespace gwb::reporthtml {

struct Context
{
    const Investigation &inv;
    const DiagnosisResult &result;
    const ReportOptions &options;
    ReportFlavour flavour;
    Redactor redactor;
    std::vector<ReportFigure> figures;
};

QString esc(const QString &text);
QString when(const Context &ctx, qint64 ms);
QString whereText(const Finding &f);
// Evidence text after redaction, escaped.
QString evidenceLine(Context &ctx, const EvidenceLine &e);
// Opens a big section: a page break before it in print.
void openSection(QTextStream &out, const Context &ctx, const char *id, const QString &title, bool pageBreak);

void writeSummary(QTextStream &out, Context &ctx);
void writeTimeline(QTextStream &out, Context &ctx);
void writeChain(QTextStream &out, Context &ctx);
void writeFindings(QTextStream &out, Context &ctx);
void writeLint(QTextStream &out, Context &ctx);
void writeChecks(QTextStream &out, Context &ctx);
void writeRecommendations(QTextStream &out, Context &ctx);
void writeEnvironment(QTextStream &out, Context &ctx);

} // namespace gwb::reporthtml
