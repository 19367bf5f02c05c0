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

// A --since/--until value before it is tied to a clock: either a wall-clock time, or a duration back from
// "now" — whose now depends on where the logs are (this machine, a host's clock, a bundle's collection time).
struct WindowBound
{
    TimeMs at = kNoTime; // absolute
    qint64 agoMs = -1;   // relative: this many ms before now (>= 0)

    bool isRelative() const { return agoMs >= 0; }
    TimeMs resolve(TimeMs nowWallMs) const { return isRelative() ? nowWallMs - agoMs : at; }
};
Result<WindowBound> readWindowBound(const QString &text);

// The local wall clock of this machine now, "as if UTC".
TimeMs nowWallClockMs();

} // namespace gwb
