#include "diagnosisjson.h"

#include "common/wallclock.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace gwb {

namespace {

QJsonValue time(const DiagnosisResult &r, qint64 ms)
{
    if (ms == 0 || ms == kNoTime)
        return QJsonValue::Null;
    return formatWallClock(ms, r.tzOffsetMinutes, r.tzKnown);
}

QJsonObject location(const SourceLocation &w)
{
    QJsonObject o{{QStringLiteral("file"), w.file}};
    if (w.line.value)
        o.insert(QStringLiteral("line"), static_cast<qint64>(w.line.value));
    return o;
}

QJsonArray evidence(const std::vector<EvidenceLine> &lines)
{
    QJsonArray a;
    for (const EvidenceLine &e : lines) {
        QJsonObject o = location(e.where);
        o.insert(QStringLiteral("text"), e.text);
        a.append(o);
    }
    return a;
}

QJsonArray config(const std::vector<ConfigEvidence> &items)
{
    QJsonArray a;
    for (const ConfigEvidence &c : items) {
        QJsonObject o{{QStringLiteral("directive"), c.directive},
                      {QStringLiteral("value"), c.value},
                      {QStringLiteral("default"), c.isDefault},
                      {QStringLiteral("context"), c.context}};
        if (c.where.isValid()) {
            o.insert(QStringLiteral("file"), c.where.file);
            o.insert(QStringLiteral("line"), static_cast<qint64>(c.where.line.value));
        }
        a.append(o);
    }
    return a;
}

QJsonObject statusCounts(const std::map<int, std::uint64_t> &m)
{
    QJsonObject o;
    for (const auto &[status, count] : m)
        o.insert(QStringLiteral("%1").arg(status, 3, 10, QLatin1Char('0')), static_cast<qint64>(count));
    return o;
}

QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject finding(const DiagnosisResult &r, const Finding &f)
{
    QJsonArray chain;
    for (const AttemptSummary &a : f.exampleChain)
        chain.append(QJsonObject{{QStringLiteral("peer"), a.peer},
                                 {QStringLiteral("status"), a.status ? QJsonValue(a.status) : QJsonValue::Null},
                                 {QStringLiteral("connectMs"), a.connectMs >= 0 ? QJsonValue(a.connectMs) : QJsonValue::Null},
                                 {QStringLiteral("headerMs"), a.headerMs >= 0 ? QJsonValue(a.headerMs) : QJsonValue::Null}});
    return QJsonObject{
        {QStringLiteral("cause"), QString(causeId(f.cause))},
        {QStringLiteral("title"), f.title},
        {QStringLiteral("phase"), QString(phaseId(f.phase))},
        {QStringLiteral("status"), statusCounts(f.clientStatus)},
        {QStringLiteral("count"), static_cast<qint64>(f.count)},
        {QStringLiteral("requests"), static_cast<qint64>(f.requests)},
        {QStringLiteral("errorLines"), static_cast<qint64>(f.errorLines)},
        {QStringLiteral("retriedOk"), static_cast<qint64>(f.retriedOk)},
        {QStringLiteral("upstream"), orNull(f.upstream)},
        {QStringLiteral("peer"), orNull(f.peer)},
        {QStringLiteral("server"), orNull(f.server)},
        {QStringLiteral("location"), orNull(f.location)},
        {QStringLiteral("first"), time(r, f.firstMs)},
        {QStringLiteral("last"), time(r, f.lastMs)},
        {QStringLiteral("evidence"), evidence(f.evidence)},
        {QStringLiteral("config"), config(f.config)},
        {QStringLiteral("retryChain"), chain},
        {QStringLiteral("explanation"), f.explanation},
        {QStringLiteral("advice"), f.advice},
        {QStringLiteral("nextCheck"), f.nextCheck},
    };
}

} // namespace

QJsonObject diagnosisToJson(const DiagnosisResult &r)
{
    QJsonArray findings;
    for (const Finding &f : r.findings)
        findings.append(finding(r, f));
    QJsonArray lint;
    for (const LintResult &l : r.lint)
        lint.append(QJsonObject{{QStringLiteral("rule"), l.rule},
                                {QStringLiteral("severity"), l.severity},
                                {QStringLiteral("message"), l.message},
                                {QStringLiteral("context"), l.context},
                                {QStringLiteral("config"), config(l.config)},
                                {QStringLiteral("evidenceCount"), static_cast<qint64>(l.evidenceCount)},
                                {QStringLiteral("evidence"), evidence(l.evidence)}});
    QJsonArray inputs;
    for (const InputSummary &i : r.inputs) {
        QJsonObject o{{QStringLiteral("kind"), i.kind}, {QStringLiteral("path"), i.path},
                      {QStringLiteral("lines"), static_cast<qint64>(i.lines)},
                      {QStringLiteral("events"), static_cast<qint64>(i.events)},
                      {QStringLiteral("malformed"), static_cast<qint64>(i.malformed)},
                      {QStringLiteral("outsideWindow"), static_cast<qint64>(i.outsideWindow)},
                      {QStringLiteral("compressed"), i.compressed}};
        if (!i.format.isEmpty())
            o.insert(QStringLiteral("format"), i.format);
        inputs.append(o);
    }
    QJsonArray diags;
    for (const Diagnostic &d : r.diagnostics) {
        QJsonObject o = location(d.where);
        o.insert(QStringLiteral("severity"), severityName(d.severity));
        o.insert(QStringLiteral("message"), d.message);
        diags.append(o);
    }
    QJsonArray markers;
    for (const Marker &m : r.markers) {
        QJsonObject o{{QStringLiteral("kind"), m.kind}, {QStringLiteral("time"), time(r, m.timeMs)},
                      {QStringLiteral("evidence"), evidence({m.evidence})}};
        if (!m.peer.isEmpty())
            o.insert(QStringLiteral("peer"), m.peer);
        markers.append(o);
    }
    return QJsonObject{
        {QStringLiteral("schema"), QString(kDiagnosisSchema)},
        {QStringLiteral("generator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("gwb")},
                                                  {QStringLiteral("version"), QStringLiteral(GWB_VERSION)}}},
        {QStringLiteral("window"), QJsonObject{{QStringLiteral("since"), time(r, r.sinceMs)},
                                               {QStringLiteral("until"), time(r, r.untilMs)},
                                               {QStringLiteral("first"), time(r, r.firstMs)},
                                               {QStringLiteral("last"), time(r, r.lastMs)}}},
        {QStringLiteral("totals"), QJsonObject{{QStringLiteral("requests"), static_cast<qint64>(r.requests)},
                                               {QStringLiteral("byStatus"), statusCounts(r.requestsByStatus)},
                                               {QStringLiteral("upstreamFailures"), static_cast<qint64>(r.upstreamFailures)},
                                               {QStringLiteral("errorEntries"), static_cast<qint64>(r.errorEntries)}}},
        {QStringLiteral("findings"), findings},
        {QStringLiteral("lint"), lint},
        {QStringLiteral("markers"), markers},
        {QStringLiteral("inputs"), inputs},
        {QStringLiteral("diagnostics"), diags},
    };
}

QByteArray diagnosisToJsonText(const DiagnosisResult &result)
{
    return QJsonDocument(diagnosisToJson(result)).toJson(QJsonDocument::Indented);
}

} // namespace gwb
