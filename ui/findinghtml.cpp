#include "findinghtml.h"

#include "causecolors.h"
#include "common/wallclock.h"

#include <QCoreApplication>

namespace gwb {

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QString link(const QUrl &url, const SourceLocation &where)
{
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(esc(url.toString()), esc(where.toString()));
}

QString configRows(const std::vector<ConfigEvidence> &config)
{
    QString html;
    for (const ConfigEvidence &c : config) {
        html += QStringLiteral("<tr><td><code>%1 %2</code></td><td>%3</td><td>%4</td></tr>")
                    .arg(esc(c.directive), esc(c.value), esc(c.context),
                         c.isDefault || !c.where.isValid() ? QCoreApplication::translate("gwb", "<i>nginx default</i>")
                                                           : link(configLink(c.where), c.where));
    }
    return html.isEmpty() ? html : QStringLiteral("<table cellspacing=4>") + html + QStringLiteral("</table>");
}

QString evidenceRows(const std::vector<EvidenceLine> &evidence)
{
    QString html;
    for (const EvidenceLine &e : evidence) {
        html += QStringLiteral("<p style='margin:2px 0'>%1<br><code style='white-space:pre-wrap'>%2</code></p>")
                    .arg(link(logLink(e.where), e.where), esc(e.text.left(400)));
    }
    return html;
}

} // namespace

QUrl configLink(const SourceLocation &where)
{
    QUrl url;
    url.setScheme(QStringLiteral("gwb-config"));
    url.setPath(where.file);
    url.setFragment(QString::number(where.line.value));
    return url;
}

QUrl logLink(const SourceLocation &where)
{
    QUrl url = configLink(where);
    url.setScheme(QStringLiteral("gwb-log"));
    return url;
}

std::optional<std::pair<bool, SourceLocation>> parseLink(const QUrl &url)
{
    const bool config = url.scheme() == QLatin1StringView("gwb-config");
    if (!config && url.scheme() != QLatin1StringView("gwb-log"))
        return std::nullopt;
    SourceLocation where;
    where.file = url.path();
    where.line = LineNumber(url.fragment().toUInt());
    return std::make_pair(config, where);
}

QString findingHtml(const Finding &f, int tz, const QPalette &palette)
{
    const QColor color = causeColor(f.cause);
    QStringList where;
    if (!f.server.isEmpty())
        where << QCoreApplication::translate("gwb", "server %1").arg(esc(f.server));
    if (!f.location.isEmpty())
        where << esc(f.location);
    if (!f.upstream.isEmpty())
        where << QCoreApplication::translate("gwb", "upstream %1").arg(esc(f.upstream));
    if (!f.peer.isEmpty())
        where << QCoreApplication::translate("gwb", "peer %1").arg(esc(f.peer));
    QStringList statuses;
    for (const auto &[status, count] : f.clientStatus)
        statuses << QStringLiteral("<b>%1</b> ×%2").arg(status == 0 ? QCoreApplication::translate("gwb", "none") : QString::number(status),
                                                         QString::number(count));
    QString html = QStringLiteral("<h2 style='margin-bottom:2px'><span style='color:%1'>■</span> %2</h2>")
                       .arg(color.name(), esc(f.title));
    html += QStringLiteral("<p style='color:%1'><code>%2</code> · %3</p>")
                .arg(palette.color(QPalette::PlaceholderText).name(), QString(causeId(f.cause)), QString(phaseId(f.phase)));
    html += QStringLiteral("<table cellspacing=4>");
    html += QCoreApplication::translate("gwb", "<tr><td><b>Where</b></td><td>%1</td></tr>").arg(where.join(QStringLiteral(" → ")));
    html += QCoreApplication::translate("gwb", "<tr><td><b>When</b></td><td>%1 … %2</td></tr>")
                .arg(formatWallClock(f.firstMs, tz), formatWallClock(f.lastMs, tz));
    html += QCoreApplication::translate("gwb", "<tr><td><b>Clients got</b></td><td>%1</td></tr>").arg(statuses.join(QStringLiteral(", ")));
    html += QCoreApplication::translate("gwb", "<tr><td><b>Count</b></td><td>%1 failures (%2 requests, %3 error lines, %4 rescued by a retry)</td></tr>")
                .arg(f.count).arg(f.requests).arg(f.errorLines).arg(f.retriedOk);
    html += QStringLiteral("</table>");
    html += QCoreApplication::translate("gwb", "<h3>Why</h3><p>%1</p>").arg(esc(f.explanation));
    html += QCoreApplication::translate("gwb", "<h3>What to do</h3><p>%1</p>").arg(esc(f.advice));
    if (!f.nextCheck.isEmpty())
        html += QCoreApplication::translate("gwb", "<p><b>Next check:</b> <code>gwb check --cause %1</code> (%2)</p>")
                    .arg(QString(causeId(f.cause)), esc(f.nextCheck));
    if (!f.config.empty())
        html += QCoreApplication::translate("gwb", "<h3>Configuration in force</h3>") + configRows(f.config);
    if (!f.exampleChain.empty()) {
        html += QCoreApplication::translate("gwb", "<h3>Retry chain of one request</h3><ol>");
        for (const AttemptSummary &a : f.exampleChain)
            html += QCoreApplication::translate("gwb", "<li><code>%1</code> → %2 (connect %3 ms, header %4 ms)</li>")
                        .arg(esc(a.peer), QString::number(a.status),
                             a.connectMs < 0 ? QStringLiteral("–") : QString::number(a.connectMs),
                             a.headerMs < 0 ? QStringLiteral("–") : QString::number(a.headerMs));
        html += QStringLiteral("</ol>");
    }
    if (!f.evidence.empty())
        html += QCoreApplication::translate("gwb", "<h3>Evidence</h3>") + evidenceRows(f.evidence);
    return html;
}

QString lintHtml(const LintResult &l)
{
    QString html = QStringLiteral("<h2>%1 <code>%2</code></h2><p>%3</p>")
                       .arg(l.severity == QLatin1StringView("warning") ? QStringLiteral("⚠") : QStringLiteral("ℹ"),
                            esc(l.rule), esc(l.message));
    if (!l.context.isEmpty())
        html += QCoreApplication::translate("gwb", "<p><b>Where:</b> %1</p>").arg(esc(l.context));
    if (l.evidenceCount)
        html += QCoreApplication::translate("gwb", "<p>Explains %1 failures in the logs.</p>").arg(l.evidenceCount);
    if (!l.config.empty())
        html += QCoreApplication::translate("gwb", "<h3>Configuration</h3>") + configRows(l.config);
    if (!l.evidence.empty())
        html += QCoreApplication::translate("gwb", "<h3>Evidence</h3>") + evidenceRows(l.evidence);
    return html;
}

QString diagnosticHtml(const Diagnostic &d)
{
    QString html = QStringLiteral("<h2>%1</h2><p>%2</p>").arg(esc(severityName(d.severity)), esc(d.message));
    if (d.where.isValid())
        html += QStringLiteral("<p>%1 · %2</p>").arg(link(logLink(d.where), d.where), link(configLink(d.where), d.where));
    return html;
}

} // namespace gwb
