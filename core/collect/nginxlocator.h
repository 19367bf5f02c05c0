#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"

namespace gwb {

// Finds the nginx that runs on the host: the running master's binary and its -p/-c arguments from ps,
// else `command -v nginx` and the usual install paths; then its version (nginx -V).
[[nodiscard]] Result<NginxInstall> locateNginx(Transport &transport, std::chrono::milliseconds timeout,
                                               const CancelToken &cancel, std::vector<Diagnostic> &notes,
                                               const QString &confHint = {});

// `nginx -T` of that install (behind sudo -n when allowed). A failing dump is an error carrying nginx's
// own stderr, because that is what the user has to fix.
[[nodiscard]] Result<CommandOutput> dumpNginxConfig(Transport &transport, const NginxInstall &nginx, SudoUse sudo,
                                                    std::chrono::milliseconds timeout, const CancelToken &cancel);

// The "nginx: master process /usr/sbin/nginx -p /srv/x/ -c conf/nginx.conf" lines of ps, parsed (exposed
// for tests). Paths with spaces are not supported: ps joins argv with spaces and the split is ambiguous.
struct RunningMaster
{
    QString binary, prefix, confPath;
};
std::vector<RunningMaster> parseRunningMasters(QByteArrayView psOutput);

} // namespace gwb
