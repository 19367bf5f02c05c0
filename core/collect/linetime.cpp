#include "collect/linetime.h"

#include "nginx/logtime.h"

namespace gwb {

namespace {

bool digits(QByteArrayView s, qsizetype from, qsizetype count)
{
    if (from + count > s.size())
        return false;
    for (qsizetype i = from; i < from + count; ++i)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int number(QByteArrayView s, qsizetype from, qsizetype count)
{
    int n = 0;
    for (qsizetype i = from; i < from + count; ++i)
        n = n * 10 + (s[i] - '0');
    return n;
}

// "2026/11/24 10:00:00" at the start of an error-log line.
std::optional<TimeMs> errorLogTime(QByteArrayView l)
{
    if (l.size() < 19 || !digits(l, 0, 4) || l[4] != '/' || !digits(l, 5, 2) || l[7] != '/' ||
        !digits(l, 8, 2) || l[10] != ' ' || !digits(l, 11, 2) || l[13] != ':' || !digits(l, 14, 2) ||
        l[16] != ':' || !digits(l, 17, 2))
        return std::nullopt;
    const auto days = logtime::daysFromCivil(number(l, 0, 4), unsigned(number(l, 5, 2)), unsigned(number(l, 8, 2)));
    return ((days * 24 + number(l, 11, 2)) * 60 + number(l, 14, 2)) * 60'000LL + number(l, 17, 2) * 1000LL;
}

} // namespace

std::optional<TimeMs> lineTime(QByteArrayView line, int utcOffsetMinutes)
{
    if (auto t = errorLogTime(line))
        return t;
    const char *b = line.data();
    TimeMs wall = 0;
    int tz = 0;
    // [$time_local]: "[24/Nov/2026:10:00:00 +0100]" — 26 characters inside the brackets.
    for (qsizetype i = line.indexOf('['); i >= 0 && i + 27 < line.size(); i = line.indexOf('[', i + 1)) {
        if (line[i + 27] == ']' && logtime::parseTimeLocal(b + i + 1, b + i + 27, wall, tz))
            return wall;
    }
    // $time_iso8601: "2026-11-24T10:00:00+01:00" (or Z).
    for (qsizetype i = line.indexOf('T'); i >= 10; i = line.indexOf('T', i + 1)) {
        const qsizetype start = i - 10;
        if (line[start + 4] != '-' || !digits(line, start, 4))
            continue;
        const qsizetype end = start + 25 <= line.size() && line[start + 19] != 'Z' ? start + 25 : start + 20;
        if (end <= line.size() && logtime::parseTimeIso8601(b + start, b + end, wall, tz))
            return wall;
    }
    // $msec at the start: "1764000000.123".
    if (digits(line, 0, 10) && line.size() >= 14 && line[10] == '.' && digits(line, 11, 3)) {
        TimeMs utc = 0;
        if (logtime::parseMsec(b, b + 14, utc))
            return utc + utcOffsetMinutes * 60'000LL;
    }
    return std::nullopt;
}

std::optional<TimedLine> firstTimedLine(QByteArrayView slice, bool startsMidLine, int utcOffsetMinutes)
{
    qsizetype pos = 0;
    if (startsMidLine) {
        const qsizetype nl = slice.indexOf('\n');
        if (nl < 0)
            return std::nullopt;
        pos = nl + 1;
    }
    while (pos < slice.size()) {
        const qsizetype nl = slice.indexOf('\n', pos);
        if (nl < 0)
            return std::nullopt; // cut by the end of the slice: its time may be unreadable
        if (auto t = lineTime(slice.sliced(pos, nl - pos), utcOffsetMinutes))
            return TimedLine{pos, *t};
        pos = nl + 1;
    }
    return std::nullopt;
}

} // namespace gwb
