#pragma once

#include "collect/followsession.h"
#include "nginx/configmodel.h"

namespace gwb {

// What to follow for one collection: every log its config names (logTargets), each appended to the local
// copy the collection made of it and resumed where that copy ends on the host. A log that was not
// collected is still followed and classified, with a note that its lines are not kept.
std::vector<FollowFile> followFilesOf(const Collection &collection, std::vector<Diagnostic> &notes);

// Logs on this machine, followed in place (the files are the data; nothing is copied). Access-log formats
// come from `config` (may be null: combined), or `forcedFormat` for all of them.
std::vector<FollowFile> followFilesInPlace(const QStringList &accessLogs, const QStringList &errorLogs,
                                           const ConfigModel *config, const QString &forcedFormat,
                                           std::vector<Diagnostic> &notes);

// The log_format `name` as the config defines it ("combined" without a config), compiled.
[[nodiscard]] Result<LogFormat> compiledLogFormat(const ConfigModel *config, const QString &name);

} // namespace gwb
