#include "reporthtmlparts.h"

#include "svgwriter.h"

#include <QSet>

namespace gwb::reporthtml {

namespace {

// The config line a directive comes from, as written in the file (the "excerpt"), or empty.
QString sourceLine(const Context &ctx, const SourceLocation &where)
{
    if (!where.isValid() || !where.line.value)
        return {};
    for (const ConfigFileText &f : ctx.inv.parsedConfig.files) {
        if (f.path != where.file)
            continue;
        qsizetype start = 0;
        for (std::uint64_t n = 1; n < std::uint64_t(where.line.value) && start >= 0; ++n) {
            start = f.text.indexOf('\n', start);
            if (start >= 0)
                ++start;
        }
        if (start < 0)
            return {};
        const qsizetype end = f.text.indexOf('\n', start);
        return QString::fromUtf8(f.text.mid(start, end < 0 ? -1 : end - start)).trimmed();
    }
    return {};
}

void writeConfigTable(QTextStream &out, const Context &ctx, const std::vector<ConfigEvidence> &config)
{
    if (config.empty())
        return;
    out << "<table class=\"config\" width=\"100%\" cellpadding=\"3\"><tr><th>directive</th><th>value in force</th><th>context</th>"
        << "<th>where</th></tr>\n";
    for (const ConfigEvidence &c : config) {
        out << "<tr><td><code>" << esc(c.directive) << "</code></td><td><code>" << esc(c.value) << "</code></td><td>"
            << esc(c.context) << "</td><td>";
        if (c.isDefault || !c.where.isValid()) {
            out << "nginx default";
        } else {
            out << esc(c.where.toString());
            if (const QString line = sourceLine(ctx, c.where); !line.isEmpty())
                out << "<br><code>" << esc(svg::elide(line, 160)) << "</code>";
        }
        out << "</td></tr>\n";
    }
    out << "</table>\n";
}

void writeEvidence(QTextStream &out, Context &ctx, const std::vector<EvidenceLine> &evidence)
{
    if (evidence.empty())
        return;
    out << "<pre class=\"evidence\">";
    int shown = 0;
    for (const EvidenceLine &e : evidence) {
        if (shown++ == ctx.options.maxEvidencePerFinding)
            break;
        out << esc(e.where.toString()) << "\n    " << evidenceLine(ctx, e) << '\n';
    }
    out << "</pre>\n";
}

QString statusText(const std::map<int, std::uint64_t> &m)
{
    QStringList parts;
    for (const auto &[status, count] : m)
        parts << QStringLiteral("%1 × %2").arg(status, 3, 10, QLatin1Char('0')).arg(count);
    return parts.isEmpty() ? QStringLiteral("none (seen in the error log only)") : parts.join(QStringLiteral(", "));
}

} // namespace

void writeFindings(QTextStream &out, Context &ctx)
{
    openSection(out, ctx, "findings", QStringLiteral("Findings"), true);
    if (ctx.result.findings.empty())
        out << "<p>No findings: no upstream failure was seen in the logs.</p>\n";
    for (std::size_t i = 0; i < ctx.result.findings.size(); ++i) {
        const Finding &f = ctx.result.findings[i];
        out << "<div class=\"finding\" id=\"finding-" << i + 1 << "\">\n<h3>" << i + 1 << ". " << esc(f.title)
            << " <span class=\"cause\">" << esc(causeId(f.cause)) << "</span></h3>\n"
            << "<table class=\"facts\" cellpadding=\"3\">"
            << "<tr><th>where</th><td>" << esc(whereText(f)) << "</td></tr>"
            << "<tr><th>when</th><td>" << esc(when(ctx, f.firstMs)) << " … " << esc(when(ctx, f.lastMs)) << "</td></tr>"
            << "<tr><th>failures</th><td>" << f.count << " (" << f.requests << " requests, " << f.errorLines
            << " error-log entries" << (f.retriedOk ? QStringLiteral(", %1 rescued by a retry").arg(f.retriedOk) : QString())
            << ")</td></tr>"
            << "<tr><th>clients got</th><td>" << esc(statusText(f.clientStatus)) << "</td></tr>"
            << "<tr><th>phase</th><td>" << esc(phaseId(f.phase)) << "</td></tr></table>\n"
            << "<p>" << esc(f.explanation) << "</p>\n<p><b>What to do:</b> " << esc(f.advice) << "</p>\n";
        if (!f.nextCheck.isEmpty())
            out << "<p><b>Next check:</b> <code>gwb check --cause " << esc(causeId(f.cause)) << "</code> ("
                << esc(f.nextCheck) << ")</p>\n";
        writeConfigTable(out, ctx, f.config);
        if (f.exampleChain.size() > 1) {
            QStringList chain;
            for (const AttemptSummary &a : f.exampleChain)
                chain << QStringLiteral("%1 → %2").arg(a.peer, a.status ? QString::number(a.status) : QStringLiteral("-"));
            out << "<p><b>Retries of one request:</b> " << esc(chain.join(QStringLiteral(", "))) << "</p>\n";
        }
        writeEvidence(out, ctx, f.evidence);
        out << "</div>\n";
    }
    out << "</section>\n";
}

void writeLint(QTextStream &out, Context &ctx)
{
    if (ctx.result.lint.empty())
        return;
    openSection(out, ctx, "lint", QStringLiteral("Configuration rules"), false);
    for (const LintResult &l : ctx.result.lint) {
        out << "<div class=\"lint\"><h3>" << esc(l.severity) << ": <span class=\"cause\">" << esc(l.rule)
            << "</span> " << esc(l.context) << "</h3>\n<p>" << esc(l.message);
        if (l.evidenceCount)
            out << " (" << l.evidenceCount << " failures in the logs fit this rule)";
        out << "</p>\n";
        writeConfigTable(out, ctx, l.config);
        writeEvidence(out, ctx, l.evidence);
        out << "</div>\n";
    }
    out << "</section>\n";
}

void writeChecks(QTextStream &out, Context &ctx)
{
    openSection(out, ctx, "checks", QStringLiteral("Guided checks"), false);
    if (ctx.options.checks.empty()) {
        out << "<p>No guided checks were run.</p>\n</section>\n";
        return;
    }
    out << "<table class=\"checks\" width=\"100%\" cellpadding=\"3\"><tr><th>check</th><th>target</th><th>result</th><th>detail</th></tr>\n";
    for (const ReportCheck &c : ctx.options.checks)
        out << "<tr><td><code>" << esc(c.id) << "</code></td><td>" << esc(c.target) << "</td><td><b>" << esc(c.verdict)
            << "</b></td><td>" << esc(ctx.redactor.redact(c.detail)) << "</td></tr>\n";
    out << "</table>\n</section>\n";
}

void writeRecommendations(QTextStream &out, Context &ctx)
{
    openSection(out, ctx, "recommendations", QStringLiteral("Recommendations"), false);
    QSet<QString> seen;
    QStringList items;
    for (const Finding &f : ctx.result.findings) {
        if (f.advice.isEmpty() || seen.contains(f.advice))
            continue;
        seen.insert(f.advice);
        items << QStringLiteral("<b>%1</b> (%2, %3 failures): %4")
                     .arg(esc(causeId(f.cause)), esc(whereText(f)), QString::number(f.count), esc(f.advice));
    }
    for (const LintResult &l : ctx.result.lint)
        if (l.severity == QLatin1StringView("warning") && !seen.contains(l.message)) {
            seen.insert(l.message);
            items << QStringLiteral("<b>%1</b> (%2): %3").arg(esc(l.rule), esc(l.context), esc(l.message));
        }
    if (items.isEmpty()) {
        out << "<p>Nothing to change: no failure calls for it.</p>\n</section>\n";
        return;
    }
    out << "<ol>\n";
    for (const QString &item : items)
        out << "<li>" << item << "</li>\n";
    out << "</ol>\n</section>\n";
}

} // namespace gwb::reporthtml
