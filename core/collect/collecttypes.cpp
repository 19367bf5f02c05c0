#include "collect/collecttypes.h"

namespace gwb {

QString roleName(CollectedFile::Role role)
{
    switch (role) {
    case CollectedFile::Role::ConfigDump:
        return QStringLiteral("config-dump");
    case CollectedFile::Role::AccessLog:
        return QStringLiteral("access-log");
    case CollectedFile::Role::ErrorLog:
        return QStringLiteral("error-log");
    case CollectedFile::Role::CommandOutput:
        break;
    }
    return QStringLiteral("command-output");
}

std::optional<CollectedFile::Role> roleFromName(const QString &name)
{
    for (auto r : {CollectedFile::Role::ConfigDump, CollectedFile::Role::AccessLog, CollectedFile::Role::ErrorLog,
                   CollectedFile::Role::CommandOutput})
        if (roleName(r) == name)
            return r;
    return std::nullopt;
}

const CollectedFile *Collection::configDump() const
{
    for (const CollectedFile &f : files)
        if (f.role == CollectedFile::Role::ConfigDump)
            return &f;
    return nullptr;
}

quint64 Collection::wireBytes() const
{
    quint64 n = 0;
    for (const CollectedFile &f : files)
        n += f.wireBytes;
    return n;
}

CollectWindow CollectWindow::from(const std::optional<WindowBound> &since, const std::optional<WindowBound> &until)
{
    CollectWindow w;
    if (since && since->isRelative())
        w.sinceAgoMs = since->agoMs;
    else if (since)
        w.since = since->at;
    if (until && until->isRelative())
        w.untilAgoMs = until->agoMs;
    else if (until)
        w.until = until->at;
    return w;
}

CollectWindow CollectWindow::resolvedAt(TimeMs nowWallMs) const
{
    CollectWindow w = *this;
    if (w.sinceAgoMs >= 0)
        w.since = nowWallMs - w.sinceAgoMs;
    if (w.untilAgoMs >= 0)
        w.until = nowWallMs - w.untilAgoMs;
    w.sinceAgoMs = w.untilAgoMs = -1;
    return w;
}

} // namespace gwb
