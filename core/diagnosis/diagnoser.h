#pragma once

#include "diagnosisresult.h"
#include "investigation.h"

namespace gwb {

struct DiagnoseOptions
{
    int evidencePerFinding = 5;
    // How far after an error line the access-log line of the same request may be written (a request is
    // logged when it ends; the error happens during it). Used when $request_time is absent.
    qint64 joinSlackMs = 120'000;
};

namespace Diagnoser {

// Classifies every upstream failure, joins error lines to requests, groups them into findings (worst
// first), runs the config lint rules against what the logs show, and totals the requests.
DiagnosisResult run(const Investigation &investigation, const DiagnoseOptions &options = {});

} // namespace Diagnoser

} // namespace gwb
