#pragma once

#include "views/logtablemodel.h"
#include "views/timelinebins.h"

#include <QObject>

namespace gwb {

struct DiagnosisResult;
struct ConfigModel;

// What the user is looking at across views: picking a finding, a peer, a location or a time range in one
// view narrows the others. Cause/finding/peer/location are one "subject" (choosing one replaces the
// others); the time range combines with it.
struct ViewFilter
{
    std::optional<Cause> cause;
    int finding = -1;
    QString peer;
    int location = -1;
    TimeMs from = kNoTime, to = kNoTime;

    bool hasSubject() const { return cause || finding >= 0 || !peer.isEmpty() || location >= 0; }
    bool hasTimeRange() const { return from != kNoTime && to != kNoTime; }
    bool isEmpty() const { return !hasSubject() && !hasTimeRange(); }
    bool operator==(const ViewFilter &) const = default;
};

class SelectionState final : public QObject
{
    Q_OBJECT
public:
    explicit SelectionState(QObject *parent = nullptr);

    const ViewFilter &filter() const { return m_filter; }

    void setFinding(int finding);
    void setCause(std::optional<Cause> cause);
    void setPeer(const QString &peer);
    void setLocation(int location);
    void setTimeRange(TimeMs from, TimeMs to);
    void clearTimeRange();
    void clear();

    LogFilter logFilter() const;
    TimelineFilter timelineFilter() const;
    // "finding 2: backend-refused · 12:28:46 – 12:28:50", for the filter chip.
    QString describe(const DiagnosisResult *result, const ConfigModel *config, int tzOffsetMinutes) const;

signals:
    void changed();

private:
    void apply(const ViewFilter &next);
    ViewFilter m_filter;
};

} // namespace gwb
