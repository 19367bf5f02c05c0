#include "collect/followplan.h"

#include "collect/logdiscovery.h"
#include "diagnosis/investigation.h"
#include "nginx/configparser.h"

#include <QDir>
#include <QFile>

namespace gwb {

Result<LogFormat> compiledLogFormat(const ConfigModel *config, const QString &name)
{
    return accessLogFormat(config, name.isEmpty() ? QStringLiteral("combined") : name);
}

namespace {

LogFormat formatOrCombined(const ConfigModel *config, const QString &name, const QString &path,
                           std::vector<Diagnostic> &notes)
{
    auto format = compiledLogFormat(config, name);
    if (format)
        return std::move(format).value();
    notes.push_back({Diagnostic::Severity::Warning, {path, LineNumber(0)},
                     QStringLiteral("%1: %2; its new lines are read as combined").arg(path, format.error().message)});
    return LogFormat::combined();
}

} // namespace

std::vector<FollowFile> followFilesOf(const Collection &c, std::vector<Diagnostic> &notes)
{
    std::vector<FollowFile> out;
    const CollectedFile *dump = c.configDump();
    if (!dump) {
        notes.push_back({Diagnostic::Severity::Warning, {},
                         QStringLiteral("%1: no configuration was collected, so gwb does not know which logs to "
                                        "follow")
                             .arg(c.hostLabel)});
        return out;
    }
    QFile dumpFile(QDir(c.directory).filePath(dump->localName));
    if (!dumpFile.open(QIODevice::ReadOnly)) {
        notes.push_back({Diagnostic::Severity::Warning, {dumpFile.fileName(), LineNumber(0)},
                         QStringLiteral("cannot read %1: %2").arg(dumpFile.fileName(), dumpFile.errorString())});
        return out;
    }
    const ConfigModel config = ConfigModel::build(ConfigParser::parseDump(dumpFile.readAll(), dump->localName));
    for (const LogTarget &t : logTargets(config)) {
        FollowFile f;
        f.path = t.path;
        f.role = t.role;
        const QString hostPath = QString::fromUtf8(t.path);
        if (t.role == CollectedFile::Role::AccessLog)
            f.format = formatOrCombined(&config, t.formatName, hostPath, notes);
        const CollectedFile *copy = nullptr;
        for (const CollectedFile &cf : c.files)
            if (cf.role == t.role && cf.originalPath == hostPath && !cf.compressed)
                copy = &cf;
        if (copy) {
            f.localCopy = QDir(c.directory).filePath(copy->localName);
            // The copy ends where the host's file ended when it was pulled, unless the pull stopped at the
            // window's end or broke off: then only what is written from now on can follow it.
            if (c.window.until == kNoTime && !copy->partial)
                f.resumeAt = copy->remoteSize;
        } else {
            notes.push_back({Diagnostic::Severity::Note, {hostPath, LineNumber(0)},
                             QStringLiteral("%1 on %2 was not collected (missing or unreadable then); its new lines "
                                            "are classified but not added to the investigation")
                                 .arg(hostPath, c.hostLabel)});
        }
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<FollowFile> followFilesInPlace(const QStringList &accessLogs, const QStringList &errorLogs,
                                           const ConfigModel *config, const QString &forcedFormat,
                                           std::vector<Diagnostic> &notes)
{
    std::vector<FollowFile> out;
    for (const QString &path : errorLogs) {
        FollowFile f;
        f.path = QFile::encodeName(path);
        f.role = CollectedFile::Role::ErrorLog;
        f.localCopy = path;
        out.push_back(std::move(f));
    }
    for (const QString &path : accessLogs) {
        FollowFile f;
        f.path = QFile::encodeName(path);
        f.role = CollectedFile::Role::AccessLog;
        f.localCopy = path;
        const QString name = forcedFormat.isEmpty() ? formatNameForLog(config, path) : forcedFormat;
        f.format = formatOrCombined(config, name, path, notes);
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace gwb
