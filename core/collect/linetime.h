#pragma once

#include "common/strongtypes.h"

#include <QByteArrayView>
#include <optional>

namespace gwb {

// The timestamp of one log line, recognised without knowing the log_format: an error-log line starts
// with "2026/11/24 10:00:00"; access lines carry [$time_local], $time_iso8601 or start with $msec. The
// result is the host's wall clock in ms ($msec, which is UTC, is moved by utcOffsetMinutes). nullopt for
// a line with none of these (a continuation line, a custom format without a time).
std::optional<TimeMs> lineTime(QByteArrayView line, int utcOffsetMinutes);

// The first complete line in `slice` that carries a time: its offset in the slice and the time. When
// `startsMidLine` is true the bytes up to the first newline belong to a line that began before the slice
// and are skipped; a line cut by the end of the slice is not used either.
struct TimedLine
{
    qsizetype offset = 0;
    TimeMs time = kNoTime;
};
std::optional<TimedLine> firstTimedLine(QByteArrayView slice, bool startsMidLine, int utcOffsetMinutes);

} // namespace gwb
