#include "logtime.h"

namespace gwb::logtime {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `n` digits at p; false when any of them is not a digit.
bool digits(const char *p, int n, unsigned &out)
{
    unsigned v = 0;
    for (int i = 0; i < n; ++i) {
        if (!isDigit(p[i]))
            return false;
        v = v * 10 + static_cast<unsigned>(p[i] - '0');
    }
    out = v;
    return true;
}

// nginx writes English month abbreviations whatever the locale.
unsigned monthFromAbbreviation(const char *p)
{
    static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (unsigned m = 0; m < 12; ++m) {
        const char *candidate = kMonths + m * 3;
        if (p[0] == candidate[0] && p[1] == candidate[1] && p[2] == candidate[2])
            return m + 1;
    }
    return 0;
}

bool isLeap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(unsigned y, unsigned m)
{
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// Validates the fields and combines them; seconds may be 60 (leap second as written by some libcs).
bool combine(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s, TimeMs &out)
{
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60)
        return false;
    const std::int64_t days = daysFromCivil(static_cast<int>(y), mo, d);
    out = days * kMsPerDay + (static_cast<std::int64_t>(h) * 3600 + mi * 60 + s) * 1000;
    return true;
}

bool zoneMinutes(char sign, unsigned hours, unsigned minutes, int &out)
{
    if ((sign != '+' && sign != '-') || hours > 23 || minutes > 59)
        return false;
    const int total = static_cast<int>(hours * 60 + minutes);
    out = sign == '-' ? -total : total;
    return true;
}

} // namespace

CivilTime civilFromMs(TimeMs ms)
{
    std::int64_t days = ms / kMsPerDay;
    std::int64_t rest = ms % kMsPerDay;
    if (rest < 0) {
        rest += kMsPerDay;
        --days;
    }
    // H. Hinnant's civil_from_days.
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    CivilTime t;
    t.day = doy - (153 * mp + 2) / 5 + 1;
    t.month = mp < 10 ? mp + 3 : mp - 9;
    t.year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (t.month <= 2 ? 1 : 0));
    const auto msOfDay = static_cast<unsigned>(rest);
    t.hour = msOfDay / 3'600'000;
    t.minute = msOfDay / 60'000 % 60;
    t.second = msOfDay / 1000 % 60;
    t.millisecond = msOfDay % 1000;
    return t;
}

bool parseTimeLocal(const char *b, const char *e, TimeMs &wallMs, int &tzMinutes)
{
    // dd/Mmm/yyyy:hh:mm:ss +zzzz
    if (e - b != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ')
        return false;
    unsigned d = 0, y = 0, h = 0, mi = 0, s = 0, zh = 0, zm = 0;
    if (!digits(b, 2, d) || !digits(b + 7, 4, y) || !digits(b + 12, 2, h) || !digits(b + 15, 2, mi) ||
        !digits(b + 18, 2, s) || !digits(b + 22, 2, zh) || !digits(b + 24, 2, zm))
        return false;
    const unsigned mo = monthFromAbbreviation(b + 3);
    return zoneMinutes(b[21], zh, zm, tzMinutes) && combine(y, mo, d, h, mi, s, wallMs);
}

bool parseTimeIso8601(const char *b, const char *e, TimeMs &wallMs, int &tzMinutes)
{
    // yyyy-mm-ddThh:mm:ss+hh:mm, or with Z instead of the offset
    const auto n = e - b;
    if ((n != 25 && n != 20) || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':')
        return false;
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!digits(b, 4, y) || !digits(b + 5, 2, mo) || !digits(b + 8, 2, d) || !digits(b + 11, 2, h) ||
        !digits(b + 14, 2, mi) || !digits(b + 17, 2, s))
        return false;
    if (n == 20) {
        if (b[19] != 'Z')
            return false;
        tzMinutes = 0;
    } else {
        unsigned zh = 0, zm = 0;
        if (b[22] != ':' || !digits(b + 20, 2, zh) || !digits(b + 23, 2, zm) || !zoneMinutes(b[19], zh, zm, tzMinutes))
            return false;
    }
    return combine(y, mo, d, h, mi, s, wallMs);
}

bool parseMsec(const char *b, const char *e, TimeMs &ms)
{
    // Up to 12 digits of seconds keeps the product far from overflow (year 33658).
    std::int64_t seconds = 0;
    const char *p = b;
    for (; p < e && isDigit(*p); ++p) {
        if (p - b >= 12)
            return false;
        seconds = seconds * 10 + (*p - '0');
    }
    if (p == b)
        return false;
    std::int64_t fraction = 0;
    if (p < e) {
        if (*p != '.')
            return false;
        ++p;
        int scale = 100;
        const char *fractionStart = p;
        for (; p < e && isDigit(*p); ++p) {
            fraction += (*p - '0') * scale;
            scale /= 10;
        }
        if (p != e || p == fractionStart)
            return false;
    }
    ms = seconds * 1000 + fraction;
    return true;
}

} // namespace gwb::logtime
