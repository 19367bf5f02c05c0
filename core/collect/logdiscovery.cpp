#include "collect/logdiscovery.h"

#include <QRegularExpression>
#include <algorithm>
#include <set>

namespace gwb {

namespace {

bool isFile(const QString &path)
{
    return path.startsWith(QLatin1Char('/')) && !path.startsWith(QLatin1StringView("/dev/")) &&
           !path.startsWith(QLatin1StringView("/proc/"));
}

} // namespace

std::vector<LogTarget> logTargets(const ConfigModel &config)
{
    std::vector<LogTarget> out;
    std::set<QString> seen;
    for (const AccessLogTarget &t : config.allAccessLogs()) {
        if (!t.off && isFile(t.path) && seen.insert(t.path).second)
            out.push_back({t.path.toUtf8(), CollectedFile::Role::AccessLog, t.formatName});
    }
    for (const ErrorLogTarget &t : config.allErrorLogs()) {
        if (isFile(t.path) && seen.insert(t.path).second)
            out.push_back({t.path.toUtf8(), CollectedFile::Role::ErrorLog, {}});
    }
    return out;
}

bool isRotationOf(const QByteArray &name, const QByteArray &base)
{
    if (!name.startsWith(base))
        return false;
    static const QRegularExpression suffix(QStringLiteral("^((\\.\\d{1,4})|(-\\d{8,10}))?(\\.gz)?$"));
    return suffix.match(QString::fromUtf8(name.mid(base.size()))).hasMatch();
}

std::vector<LogFileOnHost> overlappingFiles(std::vector<LogFileOnHost> files, CollectWindow window,
                                            int utcOffsetMinutes, TimeMs slackMs)
{
    std::sort(files.begin(), files.end(),
              [](const LogFileOnHost &a, const LogFileOnHost &b) { return a.stat.mtimeSeconds > b.stat.mtimeSeconds; });
    auto wall = [&](const LogFileOnHost &f) { return f.stat.mtimeSeconds * 1000 + utcOffsetMinutes * 60'000LL; };
    std::vector<LogFileOnHost> out;
    for (std::size_t i = 0; i < files.size(); ++i) {
        // The newest file is always kept: it is being written, its mtime may lag the last line by a buffer.
        const bool endsAfterSince = i == 0 || window.since == kNoTime || wall(files[i]) + slackMs >= window.since;
        const bool startsBeforeUntil =
            window.until == kNoTime || i + 1 == files.size() || wall(files[i + 1]) - slackMs <= window.until;
        if (endsAfterSince && startsBeforeUntil)
            out.push_back(files[i]);
    }
    return out;
}

} // namespace gwb
