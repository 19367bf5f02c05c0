#pragma once

#include "common/strongtypes.h"

#include <cstdint>

// Timestamp readers for access-log lines. They take raw byte ranges because the fast parser works on the mapped
// file without building strings; every reader checks the range length before touching a byte.
namespace gwb::logtime {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil; exact for any year).
constexpr std::int64_t daysFromCivil(int year, unsigned month, unsigned day)
{
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The inverse, for rendering (tests, reports).
struct CivilTime
{
    int year = 1970;
    unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0, millisecond = 0;
};
CivilTime civilFromMs(TimeMs ms);

// "24/Nov/2026:10:00:00 +0100" ($time_local): the wall clock in ms as if it were UTC, and the zone separately,
// because error logs carry wall clock without a zone and the two must compare.
bool parseTimeLocal(const char *b, const char *e, TimeMs &wallMs, int &tzMinutes);
// "2026-11-24T10:00:00+01:00" or "...Z" ($time_iso8601): same convention.
bool parseTimeIso8601(const char *b, const char *e, TimeMs &wallMs, int &tzMinutes);
// "1764000000.123" ($msec): seconds since the epoch, UTC; the zone is unknown and reported as 0.
bool parseMsec(const char *b, const char *e, TimeMs &ms);

} // namespace gwb::logtime
