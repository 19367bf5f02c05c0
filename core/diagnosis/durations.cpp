#include "durations.h"

namespace gwb {

std::optional<qint64> parseNginxDurationMs(QStringView text)
{
    if (text.isEmpty())
        return std::nullopt;
    qint64 total = 0;
    qsizetype i = 0;
    while (i < text.size()) {
        qint64 n = 0;
        const qsizetype start = i;
        while (i < text.size() && text[i].isDigit())
            n = n * 10 + text[i++].digitValue();
        if (i == start)
            return std::nullopt;
        QStringView unit = text.mid(i);
        qint64 factor = 1000;
        qsizetype used = 0;
        if (unit.startsWith(u"ms")) {
            factor = 1;
            used = 2;
        } else if (!unit.isEmpty()) {
            switch (unit[0].unicode()) {
            case 's': factor = 1000; break;
            case 'm': factor = 60'000; break;
            case 'h': factor = 3'600'000; break;
            case 'd': factor = 86'400'000; break;
            case 'w': factor = 7 * 86'400'000LL; break;
            case 'M': factor = 30 * 86'400'000LL; break;
            case 'y': factor = 365 * 86'400'000LL; break;
            default: return std::nullopt;
            }
            used = 1;
        }
        total += n * factor;
        i += used;
    }
    return total;
}

std::optional<qint64> parseNginxSize(QStringView text)
{
    if (text.isEmpty())
        return std::nullopt;
    qint64 factor = 1;
    QStringView digits = text;
    const QChar last = text.back().toLower();
    if (last == u'k')
        factor = 1024;
    else if (last == u'm')
        factor = 1024 * 1024;
    else if (last == u'g')
        factor = 1024LL * 1024 * 1024;
    if (factor != 1)
        digits.chop(1);
    bool ok = false;
    const qint64 n = digits.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return n * factor;
}

} // namespace gwb
