#pragma once

#include "diagnosisresult.h"
#include "failures.h"

namespace gwb::Lint {

// Configuration rules that explain 502/504s, each reported with the failures in the logs that make it matter:
//   keepalive-without-http11   upstream keepalive, but HTTP/1.0 or a "close" Connection header towards it
//   pass-without-resolver      a variable in *_pass (or `resolve`) with no resolver
//   read-timeout-near-p99      observed upstream header time p99 within 80 % of the read timeout
//   non-idempotent-no-retry    POST/PATCH/LOCK failing on one peer while others were there to try
//   buffer-smaller-than-headers  responses whose headers did not fit the buffer
// `cancel` stops the rules that scan every request; the caller then discards what is returned.
std::vector<LintResult> run(const Investigation &inv, const std::vector<detail::FailedRequest> &failed,
                            const std::vector<Finding> &findings, const std::atomic_bool *cancel = nullptr);

// Nearest-rank percentile of values (sorted in place); -1 when empty.
qint64 percentile(std::vector<qint32> &values, double p);

} // namespace gwb::Lint
