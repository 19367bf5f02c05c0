#pragma once

#include "common/result.h"
#include "common/strongtypes.h"

#include <QString>

namespace gwb {

// Log timestamps are wall-clock values of the nginx host, kept as milliseconds "as if UTC".
QString formatWallClock(TimeMs ms, int tzOffsetMinutes = 0, bool withZone = false);

// Parses a --since/--until value: an absolute "2026-11-24 10:00[:SS]" / "2026-11-24T10:00:00", a date alone,
// or a duration back from `nowWallMs` ("90s", "30m", "2h", "1d").
Result<TimeMs> parseWindowBound(const QString &text, TimeMs nowWallMs);

// The local wall clock of this machine now, "as if UTC".
TimeMs nowWallClockMs();

} // namespace gwb
