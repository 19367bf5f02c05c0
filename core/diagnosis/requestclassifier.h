#pragma once

#include "nginx/cause.h"
#include "nginx/logformat.h"

namespace gwb {

struct AttemptVerdict
{
    Cause cause = Cause::None;
    Phase phase = Phase::Unknown;
};

// Which attempts of a request failed, and what the access log alone says about why (NGINX_ERRORS.md, "What
// the access log adds"). The error log, when it can be joined, has the final word; this is the fallback.
namespace RequestClassifier {

// True when the request is worth a closer look: it ended in 499/502/504, an upstream 5xx, a non-HTTP answer
// (status < 100), or it needed more than one attempt.
bool isInteresting(int status, int upstreamStatus, int attempts);

// Index of the attempt that decided the failure (the last failed one), or -1 when no attempt failed.
int failingAttempt(const AccessRecord &r);

bool attemptFailed(const AccessRecord &r, int index);

// `connectionsReusable`: the config lets nginx keep idle connections to this upstream (see
// ConnectionReuse); without it a 0.000 connect time is just a fast connect (loopback, same rack).
AttemptVerdict classifyAttempt(const AccessRecord &r, int index, bool upstreamNameKnown, bool connectionsReusable);

// Refines an error-log cause with what the access log knows: a premature close or reset on a reused
// keepalive connection ($upstream_connect_time 0.000 where the config allows reuse) is the keepalive race.
Cause refine(Cause fromErrorLog, const UpstreamAttempt &attempt, bool connectionsReusable);

} // namespace RequestClassifier

} // namespace gwb
