#include "diagnosistext.h"

#include "common/wallclock.h"

#include <QTextStream>

namespace gwb {

namespace {

QString statusList(const std::map<int, std::uint64_t> &m)
{
    QStringList parts;
    for (const auto &[status, count] : m)
        parts << QStringLiteral("%1 ×%2").arg(status, 3, 10, QLatin1Char('0')).arg(count);
    return parts.join(QStringLiteral("  "));
}

QString where(const Finding &f)
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

void writeFinding(QTextStream &out, const DiagnosisResult &r, int n, const Finding &f)
{
    out << n << ". " << causeId(f.cause) << " — " << f.title << "   [" << statusList(f.clientStatus);
    if (f.clientStatus.empty())
        out << f.errorLines << " error lines";
    out << "]\n";
    out << "   where:  " << where(f) << '\n';
    out << "   when:   " << formatWallClock(f.firstMs) << " … " << formatWallClock(f.lastMs) << "  (" << f.requests
        << " requests, " << f.errorLines << " error lines";
    if (f.retriedOk)
        out << ", " << f.retriedOk << " rescued by a retry";
    out << ")\n";
    Q_UNUSED(r);
    out << "   why:    " << f.explanation << '\n';
    out << "   do:     " << f.advice << '\n';
    if (!f.nextCheck.isEmpty())
        out << "   next:   gwb check --cause " << causeId(f.cause) << "  (" << f.nextCheck << ")\n";
    for (const ConfigEvidence &c : f.config) {
        out << "   config: " << c.directive << ' ' << c.value;
        if (c.where.isValid())
            out << "   (" << c.where.toString() << ')';
        out << '\n';
    }
    if (f.exampleChain.size() > 1) {
        QStringList chain;
        for (const AttemptSummary &a : f.exampleChain)
            chain << QStringLiteral("%1 → %2").arg(a.peer, a.status ? QString::number(a.status) : QStringLiteral("-"));
        out << "   retries: " << chain.join(QStringLiteral(", ")) << '\n';
    }
    for (const EvidenceLine &e : f.evidence)
        out << "     " << e.where.toString() << "  " << e.text.left(300) << '\n';
    out << '\n';
}

} // namespace

QString diagnosisToText(const DiagnosisResult &r)
{
    QString s;
    QTextStream out(&s);
    out << "Gateway Workbench diagnosis: " << r.requests << " requests, " << r.errorEntries << " error-log entries";
    if (r.firstMs)
        out << ", " << formatWallClock(r.firstMs, r.tzOffsetMinutes, r.tzKnown) << " … "
            << formatWallClock(r.lastMs, r.tzOffsetMinutes, r.tzKnown);
    out << '\n';
    if (!r.requestsByStatus.empty())
        out << "Status: " << statusList(r.requestsByStatus) << '\n';
    out << "Upstream failures seen by clients: " << r.upstreamFailures << "\n\n";
    if (r.findings.empty())
        out << "No upstream failures found in this window.\n\n";
    int n = 0;
    for (const Finding &f : r.findings)
        writeFinding(out, r, ++n, f);
    if (!r.lint.empty()) {
        out << "Configuration that explains failures:\n";
        for (const LintResult &l : r.lint) {
            out << "  " << l.severity << " [" << l.rule << "] " << l.context << ": " << l.message;
            if (l.evidenceCount)
                out << " (" << l.evidenceCount << " failures in the logs)";
            out << '\n';
            for (const ConfigEvidence &c : l.config)
                if (c.where.isValid())
                    out << "      " << c.directive << ' ' << c.value << "   (" << c.where.toString() << ")\n";
        }
        out << '\n';
    }
    if (!r.markers.empty()) {
        out << "Events: ";
        QStringList m;
        for (const Marker &mk : r.markers)
            m << QStringLiteral("%1 %2%3").arg(formatWallClock(mk.timeMs), mk.kind,
                                               mk.peer.isEmpty() ? QString() : QLatin1Char(' ') + mk.peer);
        out << m.mid(0, 10).join(QStringLiteral("; "));
        if (m.size() > 10)
            out << "; … " << (m.size() - 10) << " more";
        out << "\n\n";
    }
    if (!r.diagnostics.empty()) {
        out << "Input problems (" << r.diagnostics.size() << "):\n";
        int shown = 0;
        for (const Diagnostic &d : r.diagnostics) {
            if (++shown > 20) {
                out << "  … " << (r.diagnostics.size() - 20) << " more (see --format json)\n";
                break;
            }
            out << "  " << severityName(d.severity) << ": " << d.where.toString() << ": " << d.message << '\n';
        }
    }
    return s;
}

} // namespace gwb
