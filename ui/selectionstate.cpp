#include "selectionstate.h"

#include "common/wallclock.h"
#include "diagnosis/diagnosisresult.h"
#include "nginx/configmodel.h"

namespace gwb {

SelectionState::SelectionState(QObject *parent) : QObject(parent) {}

void SelectionState::apply(const ViewFilter &next)
{
    if (next == m_filter)
        return;
    m_filter = next;
    emit changed();
}

static ViewFilter withoutSubject(const ViewFilter &f)
{
    ViewFilter out;
    out.from = f.from;
    out.to = f.to;
    return out;
}

void SelectionState::setFinding(int finding)
{
    ViewFilter next = withoutSubject(m_filter);
    next.finding = finding;
    apply(next);
}

void SelectionState::setCause(std::optional<Cause> cause)
{
    ViewFilter next = withoutSubject(m_filter);
    next.cause = cause;
    apply(next);
}

void SelectionState::setPeer(const QString &peer)
{
    ViewFilter next = withoutSubject(m_filter);
    next.peer = peer;
    apply(next);
}

void SelectionState::setLocation(int location)
{
    ViewFilter next = withoutSubject(m_filter);
    next.location = location;
    apply(next);
}

void SelectionState::setTimeRange(TimeMs from, TimeMs to)
{
    ViewFilter next = m_filter;
    next.from = std::min(from, to);
    next.to = std::max(from, to);
    apply(next);
}

void SelectionState::clearTimeRange()
{
    ViewFilter next = m_filter;
    next.from = next.to = kNoTime;
    apply(next);
}

void SelectionState::clear()
{
    apply(ViewFilter{});
}

LogFilter SelectionState::logFilter() const
{
    LogFilter f;
    f.cause = m_filter.cause;
    f.finding = m_filter.finding;
    f.peer = m_filter.peer;
    f.location = m_filter.location;
    f.from = m_filter.from;
    f.to = m_filter.to;
    return f;
}

TimelineFilter SelectionState::timelineFilter() const
{
    TimelineFilter f;
    f.cause = m_filter.cause;
    f.finding = m_filter.finding;
    f.peer = m_filter.peer;
    f.location = m_filter.location;
    return f;
}

QString SelectionState::describe(const DiagnosisResult *result, const ConfigModel *config, int tz) const
{
    QStringList parts;
    if (m_filter.finding >= 0) {
        QString what = tr("finding %1").arg(m_filter.finding + 1);
        if (result && std::size_t(m_filter.finding) < result->findings.size())
            what += QStringLiteral(": ") + QString(causeId(result->findings[std::size_t(m_filter.finding)].cause));
        parts << what;
    }
    if (m_filter.cause)
        parts << tr("cause %1").arg(QString(causeId(*m_filter.cause)));
    if (!m_filter.peer.isEmpty())
        parts << tr("peer %1").arg(m_filter.peer);
    if (m_filter.location >= 0) {
        if (config && std::size_t(m_filter.location) < config->locations.size())
            parts << config->locations[std::size_t(m_filter.location)].displayName();
        else
            parts << tr("location %1").arg(m_filter.location);
    }
    if (m_filter.hasTimeRange())
        parts << formatWallClock(m_filter.from, tz) + QStringLiteral(" – ") + formatWallClock(m_filter.to, tz);
    return parts.join(QStringLiteral(" · "));
}

} // namespace gwb
