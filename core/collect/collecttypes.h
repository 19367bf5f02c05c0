#pragma once

#include "common/diagnostic.h"
#include "common/wallclock.h"
#include "common/strongtypes.h"
#include "transport/command.h"
#include "transport/transport.h"

#include <QString>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace gwb {

class PreparsedAccessLog;

// The part of the logs wanted, as wall-clock ms of the nginx host (error logs carry no zone, so the
// host's own wall clock is the only scale both logs share). kNoTime = open on that side.
struct CollectWindow
{
    TimeMs since = kNoTime;
    TimeMs until = kNoTime;
    // "--since 30m": a duration back from the host's own clock, read when the collection starts (so that a
    // host in another zone, or whose clock is off, still gives its last 30 minutes). -1 = not relative.
    qint64 sinceAgoMs = -1;
    qint64 untilAgoMs = -1;

    // From --since/--until as read: an absolute bound as given, a relative one kept for the clock of
    // wherever the logs are.
    static CollectWindow from(const std::optional<WindowBound> &since, const std::optional<WindowBound> &until);
    bool isRelative() const { return sinceAgoMs >= 0 || untilAgoMs >= 0; }
    // The relative bounds tied to `nowWallMs`, a wall clock of the host the logs come from.
    CollectWindow resolvedAt(TimeMs nowWallMs) const;
};

// Where the nginx that serves the host lives, as found on the host.
struct NginxInstall
{
    QString binary;  // "/usr/sbin/nginx"
    QString prefix;  // -p of the running master, if any
    QString confPath; // -c of the running master, else the compiled-in default (from nginx -V)
    QString version; // "nginx/1.22.1"
};

// One file the collector wrote to the local spool (or a bundle).
struct CollectedFile
{
    enum class Role : std::uint8_t
    {
        ConfigDump,
        AccessLog,
        ErrorLog,
        CommandOutput
    };
    Role role = Role::CommandOutput;
    QString originalPath; // on the host ("/var/log/nginx/access.log.2.gz"); the command for outputs
    QString localName;    // relative to the target's directory ("logs/3/access.log.2.gz")
    quint64 bytes = 0;    // of the local (decompressed) file
    QByteArray sha256;    // hex, of the local file
    bool partial = false; // the transfer broke off; the file holds what arrived
    QString formatName;   // access logs: the log_format the config declares for it
    quint64 wireBytes = 0; // what travelled (compressed bytes for .gz)
    quint64 remoteSize = 0;
    bool compressed = false;
    bool windowed = false; // only a byte range of the file was pulled
    // Access logs parsed while they were pulled (CollectOptions::parseWhilePulling): the investigation takes
    // the events from here instead of parsing the file again. Lives in memory only, never in a bundle.
    std::shared_ptr<PreparsedAccessLog> preparsed;
};

QString roleName(CollectedFile::Role role);
std::optional<CollectedFile::Role> roleFromName(const QString &name);

// Everything collected from one target.
struct Collection
{
    QString target;     // "ssh root@127.0.0.1:2222", "local"
    QString hostLabel;  // short name for the host, used in paths and evidence ("web1")
    QString directory;  // absolute local directory holding the files
    NginxInstall nginx;
    CollectWindow window;
    qint64 collectedAtUtcMs = 0;
    int hostUtcOffsetMinutes = 0;
    std::vector<CollectedFile> files;
    std::vector<Diagnostic> diagnostics;

    const CollectedFile *configDump() const;
    quint64 wireBytes() const;
};

// Progress across one collection: which file, how many bytes so far, how many files are done.
struct CollectProgress
{
    QString host;
    QString file;
    quint64 fileBytes = 0;
    quint64 totalBytes = 0;
    int filesDone = 0;
    int filesTotal = 0;
};
using CollectProgressSink = std::function<void(const CollectProgress &)>;

struct CollectOptions
{
    CollectWindow window;
    // Applied when window.since is open and allTime is false: the last two hours of the host's clock.
    std::chrono::milliseconds defaultSpan{std::chrono::hours(2)};
    bool allTime = false;
    SudoUse sudo = SudoUse::No;
    QString outputDir; // created; the target's files go below it
    QString hostLabel; // empty: derived from the transport's description
    QString nginxConf; // when several masters run: the one whose -c is this (else the first)
    CancelToken cancel;
    CollectProgressSink onProgress;
    // Access-log lines are written when a request ends, so they are not strictly in time order: the window
    // is widened by this much on the server, and cut exactly by the parser.
    std::chrono::milliseconds slack{std::chrono::minutes(5)};
    quint64 probeSlice = 64 * 1024; // bytes read per timestamp probe
    std::chrono::milliseconds commandTimeout{std::chrono::seconds(60)};
    // Parse each access log as its bytes arrive (cut by the collection's window, exactly, as the investigation
    // would), so that a diagnosis right after the collection need not wait for a second pass over the files.
    // Off for collections that only write a bundle.
    bool parseWhilePulling = false;
    int parseThreads = 0; // 0 = one per core
};

} // namespace gwb
