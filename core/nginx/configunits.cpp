#include "configmodel.h"

#include <limits>

namespace gwb {

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kDay = 24 * 3600 * kSecond;

std::int64_t timeUnitMs(QChar unit)
{
    switch (unit.unicode()) {
    case 'y':
        return 365 * kDay;
    case 'M':
        return 30 * kDay;
    case 'w':
        return 7 * kDay;
    case 'd':
        return kDay;
    case 'h':
        return 3600 * kSecond;
    case 'm':
        return 60 * kSecond;
    case 's':
        return kSecond;
    default:
        return 0;
    }
}

bool addScaled(std::int64_t &total, std::int64_t value, std::int64_t scale)
{
    if (value > (std::numeric_limits<std::int64_t>::max() - total) / scale)
        return false;
    total += value * scale;
    return true;
}

} // namespace

std::optional<std::int64_t> parseNginxDurationMs(QStringView text)
{
    std::int64_t total = 0, value = 0;
    bool digits = false, any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isDigit()) {
            if (value > std::numeric_limits<std::int64_t>::max() / 10 - 9)
                return std::nullopt;
            value = value * 10 + c.digitValue();
            digits = true;
            continue;
        }
        if (c == QLatin1Char(' ')) {
            if (digits && !addScaled(total, value, kSecond)) // "1 2" is read as seconds, as nginx does
                return std::nullopt;
            any = any || digits;
            value = 0;
            digits = false;
            continue;
        }
        std::int64_t scale = timeUnitMs(c);
        if (c == QLatin1Char('m') && i + 1 < text.size() && text[i + 1] == QLatin1Char('s')) {
            scale = 1;
            ++i;
        }
        if (!digits || scale == 0 || !addScaled(total, value, scale))
            return std::nullopt;
        any = true;
        value = 0;
        digits = false;
    }
    if (digits && !addScaled(total, value, kSecond))
        return std::nullopt;
    if (!any && !digits)
        return std::nullopt;
    return total;
}

std::optional<std::int64_t> parseNginxSizeBytes(QStringView text)
{
    if (text.isEmpty())
        return std::nullopt;
    std::int64_t scale = 1;
    switch (text.back().toLower().unicode()) {
    case 'k':
        scale = 1024;
        break;
    case 'm':
        scale = 1024 * 1024;
        break;
    case 'g':
        scale = 1024 * 1024 * 1024;
        break;
    default:
        break;
    }
    const QStringView digits = scale == 1 ? text : text.chopped(1);
    bool ok = false;
    const qlonglong v = digits.toLongLong(&ok);
    if (!ok || v < 0 || v > std::numeric_limits<std::int64_t>::max() / scale)
        return std::nullopt;
    for (QChar c : digits)
        if (!c.isDigit())
            return std::nullopt;
    return v * scale;
}

} // namespace gwb
