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

} // namespace gwb
