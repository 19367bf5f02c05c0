#pragma once

#include "collect/collecttypes.h"
#include "collect/logdiscovery.h"

namespace gwb {

struct ConfigModel;

// Who we are on the host, to explain a permission problem in terms the user can act on.
struct RemoteIdentity
{
    QString user;
    QStringList groups;
};

// State shared by the pulls of one target.
struct LogCollectContext
{
    Transport &transport;
    const CollectOptions &options;
    Collection &collection;
    SudoUse sudo = SudoUse::No;
    RemoteIdentity identity;
    quint64 totalBytes = 0;
    int filesDone = 0;
    int filesTotal = 0;
    const ConfigModel *config = nullptr; // for the log_format of access logs parsed while pulling
};

// The files on the host that belong to `target` (itself and its rotations) and can overlap the window.
[[nodiscard]] Result<std::vector<LogFileOnHost>> filesForTarget(LogCollectContext &ctx, const LogTarget &target);

// Pulls the window of one file into the spool, adds it to the collection (or a diagnostic that says why
// not). Only a cancel is an error.
[[nodiscard]] Result<void> collectLogFile(LogCollectContext &ctx, const LogTarget &target, const LogFileOnHost &file,
                                          int index);

// "cannot read X as deploy: …; add deploy to the adm group … or pass --sudo …" (exposed for tests).
// `sudoRefused`: --sudo was given but sudo -n did not work, so suggesting --sudo again would not help.
QString unreadableAdvice(const QString &path, const RemoteIdentity &who, const std::optional<RemoteFileStat> &stat,
                         bool sudoAllowed,
                         bool sudoRefused = false);

} // namespace gwb
