#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"
#include "diagnosis/investigation.h"
#include "transport/sshoptions.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QTemporaryDir>
#include <memory>
#include <variant>

namespace gwb::cli {

// The options that say where the nginx to diagnose lives (--ssh, --local, --bundle) and how to reach it;
// shared by `gwb diagnose` and `gwb collect`.
struct TargetOptions
{
    QCommandLineOption ssh{QStringLiteral("ssh"),
                           QStringLiteral("Collect from [user@]host[:port] over SSH (repeatable: hosts are collected in "
                                          "parallel). ~/.ssh/config and ssh-agent are honoured."),
                           QStringLiteral("HOST")};
    QCommandLineOption identity{QStringLiteral("identity"), QStringLiteral("Private key for --ssh (repeatable)."),
                                QStringLiteral("FILE")};
    QCommandLineOption knownHosts{QStringLiteral("known-hosts"),
                                  QStringLiteral("known_hosts file for --ssh (default: ~/.ssh/known_hosts)."),
                                  QStringLiteral("FILE")};
    QCommandLineOption acceptNew{QStringLiteral("accept-new-host-key"),
                                 QStringLiteral("Trust and record the key of a host not yet in known_hosts (a changed "
                                                "key is always refused).")};
    QCommandLineOption sudo{QStringLiteral("sudo"),
                            QStringLiteral("Allow `sudo -n` on the host for nginx -T and logs the login user cannot read.")};
    QCommandLineOption local{QStringLiteral("local"),
                             QStringLiteral("Collect from this machine's running nginx, as --ssh does from a host.")};
    QCommandLineOption bundle{QStringLiteral("bundle"),
                              QStringLiteral("Read an offline bundle written by `gwb collect` (a directory or .tar.gz; checksums verified)."),
                              QStringLiteral("DIR")};
    QCommandLineOption allTime{QStringLiteral("all"),
                               QStringLiteral("With --ssh/--local and no --since: pull whole logs instead of the last 2 hours.")};
    QCommandLineOption nginxConf{QStringLiteral("nginx-conf"),
                                 QStringLiteral("When several nginx masters run on a host, the one started with this -c."),
                                 QStringLiteral("FILE")};

    void addTo(QCommandLineParser &parser, bool withBundle) const;
};

struct TargetChoice
{
    QStringList ssh;
    QStringList identities;
    QString knownHosts;
    bool acceptNew = false;
    bool sudo = false;
    bool local = false;
    bool allTime = false;
    QString bundle;
    QString nginxConf;

    bool collects() const { return !ssh.isEmpty() || local; }
    bool any() const { return collects() || !bundle.isEmpty(); }
};

// Fills `out`; returns an exit code (after printing the error) on a usage error.
std::optional<int> readTargetChoice(const QCommandLineParser &parser, const TargetOptions &o, TargetChoice &out);

// "[user@]host[:port]" → options (host may be an ~/.ssh/config alias; [v6]:port for IPv6).
[[nodiscard]] Result<SshOptions> parseSshTarget(const QString &spec);

// What the collection left on disk, kept for as long as the investigation uses it.
struct CollectedTargets
{
    std::unique_ptr<QTemporaryDir> spool; // only when no output directory was given
    std::vector<Collection> collections;
};

// Collects every chosen target into `outputDir` (a temporary directory when empty). Errors are printed, one
// sentence each; returns the exit code when nothing could be collected. `parseWhilePulling` (for a diagnosis
// that follows) parses the access logs with `parseThreads` while they arrive.
std::variant<CollectedTargets, int> collectTargets(const TargetChoice &choice, CollectWindow window,
                                                   const QString &outputDir, bool parseWhilePulling = false,
                                                   int parseThreads = 0);

// A bundle directory as is; a .tar.gz bundle unpacked into a temporary directory kept in `keep.spool`.
[[nodiscard]] Result<QString> unpackBundle(const QString &path, CollectedTargets &keep);

// The investigation of `gwb diagnose`, `gwb check` and `gwb report`: from a bundle, collected from the chosen
// targets, or from local files when no target is chosen. When collecting printed its own error, `reported`
// holds the exit code and the result is an empty error.
[[nodiscard]] Result<Investigation> loadInvestigation(const TargetChoice &choice, const LocalInputs &inputs,
                                                      CollectedTargets &keep, std::optional<int> &reported);

// `gwb collect`: collect targets into an offline bundle.
int collect(const QStringList &args);

} // namespace gwb::cli
