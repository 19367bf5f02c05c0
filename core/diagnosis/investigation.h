#pragma once

#include "common/result.h"
#include "nginx/accesslogparser.h"
#include "nginx/configmodel.h"
#include "nginx/errorlogparser.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace gwb {

class PreparsedAccessLog;

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
    // When --since/--until were durations ("30m"): since/until hold them tied to this machine's clock, which
    // is right for its own files; a collection ties them to the host's clock instead, a bundle to the time
    // it was collected. -1 = the bound was absolute (or not given).
    qint64 sinceAgoMs = -1, untilAgoMs = -1;
    int threads = 0;
    // Access logs already parsed while they were collected, by path: used instead of parsing the file again
    // when they were parsed exactly as loadLocal would parse them (same format, window and bytes).
    std::map<QString, std::shared_ptr<PreparsedAccessLog>> preparsed;
};

// An access log parsed while its bytes arrived (AccessStreamParser), waiting for the investigation that
// opens the file. The result is handed over once: the events are not copied, and a second investigation
// of the same collection parses the file itself.
class PreparsedAccessLog
{
public:
    PreparsedAccessLog(AccessLogResult result, QString formatKey, TimeMs since, TimeMs until, std::uint64_t bytes)
        : m_result(std::move(result)), m_formatKey(std::move(formatKey)), m_since(since), m_until(until), m_bytes(bytes)
    {
    }

    // The result, when it was parsed with the format `formatKey` names, the window [since, until) and from
    // exactly the bytes of `text`; it then points into `text` and carries `source`.
    std::optional<AccessLogResult> take(const std::shared_ptr<TextSource> &text, SourceId source,
                                        const QString &formatKey, TimeMs since, TimeMs until);

private:
    std::mutex m_mutex;
    std::optional<AccessLogResult> m_result;
    QString m_formatKey;
    TimeMs m_since, m_until;
    std::uint64_t m_bytes;
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

// The log_format `name` of `config`, compiled ("combined" without a config).
[[nodiscard]] Result<LogFormat> accessLogFormat(const ConfigModel *config, const QString &name);
// What decides how lines of format `name` parse: its name, escaping and format text. Two logs parsed with
// equal keys parse alike. Empty when the config does not define the format.
QString accessFormatKey(const ConfigModel *config, const QString &name);

} // namespace gwb
