#pragma once

#include "diagnosisresult.h"
#include "investigation.h"

#include <atomic>

namespace gwb {

struct DiagnoseOptions
{
    int evidencePerFinding = 5;
    // How far after an error line the access-log line of the same request may be written (a request is
    // logged when it ends; the error happens during it). Used when $request_time is absent.
    qint64 joinSlackMs = 120'000;
    // Set by another thread to stop a run early (the window's Cancel); the result then says so and holds no
    // findings. Looked at every few thousand events, so a run over millions stops within milliseconds.
    const std::atomic_bool *cancel = nullptr;
};

namespace Diagnoser {

// Classifies every upstream failure, joins error lines to requests, groups them into findings (worst
// first), runs the config lint rules against what the logs show, and totals the requests. A cancelled run
// returns early with DiagnosisResult::cancelled set.
DiagnosisResult run(const Investigation &investigation, const DiagnoseOptions &options = {});

} // namespace Diagnoser

} // namespace gwb
