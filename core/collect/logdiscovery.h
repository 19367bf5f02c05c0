#pragma once

#include "collect/collecttypes.h"
#include "nginx/configmodel.h"

namespace gwb {

// A log file the config names, before its rotated siblings are looked up.
struct LogTarget
{
    QByteArray path;
    CollectedFile::Role role = CollectedFile::Role::AccessLog;
    QString formatName;
};

// Every file access_log/error_log names (each path once; syslog:, stderr and /dev/* are not files).
std::vector<LogTarget> logTargets(const ConfigModel &config);

// One file on the host: the log itself or a rotated sibling (.1, .2.gz, -20261124, -20261124.gz).
struct LogFileOnHost
{
    QByteArray path;
    RemoteFileStat stat;
    bool gzip = false;
};

// Whether `name` is `base` or a rotation of it (logrotate's numbered and dateext names).
bool isRotationOf(const QByteArray &name, const QByteArray &base);

// Which of the files (newest first by mtime) can hold lines of the window: file i holds the lines written
// after file i+1's mtime and up to its own. mtimes are Unix time; the window is the host's wall clock.
std::vector<LogFileOnHost> overlappingFiles(std::vector<LogFileOnHost> files, CollectWindow window,
                                            int utcOffsetMinutes, TimeMs slackMs);

} // namespace gwb
