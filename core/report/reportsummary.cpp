#include "reporthtmlparts.h"

#include "svgwriter.h"

#include "common/wallclock.h"

#include <algorithm>
#include <map>

namespace gwb::reporthtml {

namespace {

QString percent(std::uint64_t part, std::uint64_t whole)
{
    if (!whole)
        return QStringLiteral("—");
    return QStringLiteral("%1%").arg(svg::num(100.0 * double(part) / double(whole)));
}

// The first sentence of a longer explanation, for the one-line verdict.
QString firstSentence(const QString &text)
{
    const qsizetype dot = text.indexOf(QStringLiteral(". "));
    return dot < 0 ? text : text.left(dot + 1);
}

QString statusBreakdown(const DiagnosisResult &r)
{
    QStringList parts;
    for (const auto &[status, count] : r.requestsByStatus)
        if (status >= 500 || status == 499 || status < 100)
            parts << QStringLiteral("%1 × %2").arg(status, 3, 10, QLatin1Char('0')).arg(count);
    return parts.join(QStringLiteral(", "));
}

} // namespace

void writeSummary(QTextStream &out, Context &ctx)
{
    const DiagnosisResult &r = ctx.result;
    openSection(out, ctx, "summary", QStringLiteral("Summary"), false);
    if (r.findings.empty()) {
        out << "<p class=\"ok lead\">No upstream failures were found in " << r.requests << " requests and "
            << r.errorEntries << " error-log entries";
        if (r.firstMs)
            out << " between " << esc(when(ctx, r.firstMs)) << " and " << esc(when(ctx, r.lastMs));
        out << ".</p>\n";
        return;
    }
    qint64 firstFailure = r.failures.empty() ? r.findings.front().firstMs : r.failures.front().timeMs;
    qint64 lastFailure = r.failures.empty() ? r.findings.front().lastMs : r.failures.back().timeMs;
    for (const Finding &f : r.findings) {
        if (f.firstMs && (!firstFailure || f.firstMs < firstFailure))
            firstFailure = f.firstMs;
        lastFailure = std::max(lastFailure, f.lastMs);
    }
    const Finding &top = r.findings.front();
    std::uint64_t allFailures = 0;
    for (const Finding &f : r.findings)
        allFailures += f.count;

    out << "<p class=\"lead\"><b>" << r.upstreamFailures << " of " << r.requests << " requests ("
        << percent(r.upstreamFailures, r.requests) << ") failed because of the upstream side</b>";
    if (const QString sb = statusBreakdown(r); !sb.isEmpty())
        out << " — clients got " << esc(sb);
    out << ". Failures were seen from <b>" << esc(when(ctx, firstFailure)) << "</b> until <b>"
        << esc(when(ctx, lastFailure)) << "</b> (nginx host time).</p>\n";
    out << "<p class=\"verdict\"><b>Most likely cause:</b> " << esc(top.title) << " <span class=\"cause\">"
        << esc(causeId(top.cause)) << "</span> at " << esc(whereText(top)) << " — " << top.count << " of "
        << allFailures << " failures (" << percent(top.count, allFailures) << "). " << esc(firstSentence(top.explanation))
        << "</p>\n";

    // Which locations were hit, the worst first.
    std::map<QString, std::uint64_t> byLocation;
    for (const Finding &f : r.findings) {
        const QString key = (f.server.isEmpty() ? QStringLiteral("(unknown server)") : QStringLiteral("server ") + f.server) +
                            QStringLiteral(" · ") + (f.location.isEmpty() ? QStringLiteral("(no location)") : f.location);
        byLocation[key] += f.count;
    }
    std::vector<std::pair<QString, std::uint64_t>> locations(byLocation.begin(), byLocation.end());
    std::ranges::stable_sort(locations, [](const auto &a, const auto &b) { return a.second > b.second; });
    out << "<p>" << locations.size() << (locations.size() == 1 ? " location was" : " locations were")
        << " affected:</p>\n<table class=\"locations\" cellpadding=\"3\"><tr><th>where</th><th class=\"num\">failures</th></tr>\n";
    for (std::size_t i = 0; i < locations.size() && i < 12; ++i)
        out << "<tr><td>" << esc(locations[i].first) << "</td><td class=\"num\">" << locations[i].second << "</td></tr>\n";
    out << "</table>\n";
    if (locations.size() > 12)
        out << "<p class=\"muted\">…and " << locations.size() - 12 << " more, listed with the findings.</p>\n";

    out << "<table class=\"findings-overview\" width=\"100%\" cellpadding=\"3\"><tr><th>#</th><th>cause</th><th width=\"40%\">where</th>"
        << "<th class=\"num\">failures</th><th>first</th><th>last</th></tr>\n";
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
        const Finding &f = r.findings[i];
        out << "<tr><td>" << i + 1 << "</td><td><span class=\"cause\">" << esc(causeId(f.cause)) << "</span></td><td>"
            << esc(whereText(f)) << "</td><td class=\"num\">" << f.count << "</td><td>" << esc(when(ctx, f.firstMs))
            << "</td><td>" << esc(when(ctx, f.lastMs)) << "</td></tr>\n";
    }
    out << "</table>\n</section>\n";
}

void writeEnvironment(QTextStream &out, Context &ctx)
{
    const DiagnosisResult &r = ctx.result;
    openSection(out, ctx, "environment", QStringLiteral("Environment"), true);
    const QString version = nginxVersionFromLogs(ctx.inv);
    const QDateTime generated = ctx.options.generatedAt.isValid() ? ctx.options.generatedAt : QDateTime::currentDateTimeUtc();
    auto window = [&](qint64 ms) { return ms ? when(ctx, ms) : QStringLiteral("open"); };
    out << "<table class=\"env\" width=\"100%\" cellpadding=\"3\">\n"
        << "<tr><th>nginx</th><td>" << (version.isEmpty() ? QStringLiteral("version unknown (the error log did not say)") : esc(version))
        << "</td></tr>\n<tr><th>window asked for</th><td>" << esc(window(r.sinceMs)) << " … " << esc(window(r.untilMs))
        << "</td></tr>\n<tr><th>events seen</th><td>" << esc(when(ctx, r.firstMs)) << " … " << esc(when(ctx, r.lastMs))
        << (r.tzKnown ? "" : " (time zone not in the logs)") << "</td></tr>\n"
        << "<tr><th>generated</th><td>" << esc(generated.toUTC().toString(Qt::ISODate)) << " by gwb " << GWB_VERSION
        << "</td></tr>\n</table>\n";

    out << "<h3>Inputs</h3>\n<table class=\"inputs\" width=\"100%\" cellpadding=\"3\"><tr><th>kind</th><th>file</th><th>format</th>"
        << "<th class=\"num\">lines</th><th class=\"num\">events</th><th class=\"num\">malformed</th>"
        << "<th class=\"num\">outside window</th></tr>\n";
    for (const InputSummary &in : r.inputs)
        out << "<tr><td>" << esc(in.kind) << "</td><td>" << esc(in.path) << (in.compressed ? " (gzip)" : "") << "</td><td>"
            << esc(in.format) << "</td><td class=\"num\">" << in.lines << "</td><td class=\"num\">" << in.events
            << "</td><td class=\"num\">" << in.malformed << "</td><td class=\"num\">" << in.outsideWindow << "</td></tr>\n";
    out << "</table>\n";

    if (!r.diagnostics.empty()) {
        out << "<h3>Problems with the input</h3>\n<ul>\n";
        for (std::size_t i = 0; i < r.diagnostics.size() && i < 20; ++i) {
            const Diagnostic &d = r.diagnostics[i];
            out << "<li>" << esc(severityName(d.severity)) << ": " << esc(d.where.toString())
                << (d.where.isValid() ? ": " : "") << esc(ctx.redactor.redact(d.message)) << "</li>\n";
        }
        if (r.diagnostics.size() > 20)
            out << "<li>…and " << r.diagnostics.size() - 20 << " more (gwb diagnose --format json lists them all)</li>\n";
        out << "</ul>\n";
    }

    out << "<h3>Redaction</h3>\n<ul class=\"redaction\">\n";
    for (const QString &line : ctx.redactor.summary())
        out << "<li>" << esc(line) << "</li>\n";
    out << "</ul>\n<p class=\"muted\">Redaction covers the log lines quoted in this report. Configuration excerpts, "
           "peer addresses and file names are shown as they are.</p>\n</section>\n";
}

} // namespace gwb::reporthtml
