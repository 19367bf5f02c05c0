#pragma once

#include "common/result.h"
#include "nginx/accesslogparser.h"
#include "nginx/configmodel.h"
#include "nginx/errorlogparser.h"

#include <atomic>
#include <optional>
#include <vector>

namespace gwb {

// What to read for one diagnosis of files that are already on this machine (local logs, a bundle, fixtures).
struct LocalInputs
{
    QString configDump; // output of `nginx -T`
    QString configFile; // nginx.conf on disk (includes resolved)
    QString prefix;     // for relative paths in configFile (default: its directory)
    QStringList accessLogs; // explicit; when empty, taken from the config
    QStringList errorLogs;
    QString accessFormat;   // log_format name forced for every access log (default: from the config)
    TimeMs since = kNoTime, until = kNoTime;
    int threads = 0;
};

// The config and logs of one investigation, parsed. Owns the text sources the events point into.
struct Investigation
{
    ParsedConfig parsedConfig;
    std::optional<ConfigModel> config;
    std::vector<AccessLogResult> accessLogs;
    std::vector<LogFormat> accessFormats; // one per access log, same index
    std::vector<ErrorLogResult> errorLogs;
    std::vector<Diagnostic> diagnostics;  // inputs that were skipped, truncated files, ...
    TimeMs since = kNoTime, until = kNoTime;

    // Fails only when an input named explicitly cannot be read (the CLI's exit code 3); a log found through
    // the config that is missing or unreadable becomes a diagnostic and the rest goes on.
    static Result<Investigation> loadLocal(const LocalInputs &inputs, const std::atomic_bool *cancel = nullptr);
};

// The access_log format the config declares for a file ("combined" when the config does not mention it).
// Rotated names (access.log.1, access.log.2.gz) match their base file.
QString formatNameForLog(const ConfigModel *config, const QString &path);

} // namespace gwb
