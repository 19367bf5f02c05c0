#pragma once

#include "checks/check.h"

namespace gwb {

// Every built-in check, one object each (the registry takes them).
CheckList builtinChecks();

// Per family, in builtin_*.cpp.
void addLogChecks(CheckList &out);     // status-meaning, log-evidence
void addProbeChecks(CheckList &out);   // probe-peer, listening-socket, backend-service, unix-socket
void addHostChecks(CheckList &out);    // mac-policy, firewall, dns, tls-probe, worker-limits, ephemeral-ports, oom-kills
void addConfigChecks(CheckList &out);  // timeouts-vs-latency, buffers-vs-headers, keepalive-settings, retries-non-idempotent
void addCaptureChecks(CheckList &out); // tcpdump-capture, strace-worker

} // namespace gwb
