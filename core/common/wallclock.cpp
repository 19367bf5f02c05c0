#include "wallclock.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace gwb {

QString formatWallClock(TimeMs ms, int tzOffsetMinutes, bool withZone)
{
    if (ms == kNoTime)
        return {};
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    QString s = dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (ms % 1000 != 0)
        s += QStringLiteral(".%1").arg(static_cast<int>(((ms % 1000) + 1000) % 1000), 3, 10, QLatin1Char('0'));
    if (withZone) {
        const int a = std::abs(tzOffsetMinutes);
        s += QStringLiteral("%1%2:%3").arg(tzOffsetMinutes < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                 .arg(a / 60, 2, 10, QLatin1Char('0')).arg(a % 60, 2, 10, QLatin1Char('0'));
    }
    return s;
}

TimeMs nowWallClockMs()
{
    const QDateTime now = QDateTime::currentDateTime();
    return now.toMSecsSinceEpoch() + qint64(now.offsetFromUtc()) * 1000;
}

Result<WindowBound> readWindowBound(const QString &text)
{
    const QString t = text.trimmed();
    static const QRegularExpression relative(QStringLiteral(R"(^(\d+)\s*(s|m|h|d)$)"));
    if (const auto m = relative.match(t); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 factor = unit == u's' ? 1000 : unit == u'm' ? 60'000 : unit == u'h' ? 3'600'000 : 86'400'000;
        WindowBound b;
        b.agoMs = n * factor;
        return b;
    }
    QString iso = t;
    iso.replace(QLatin1Char(' '), QLatin1Char('T'));
    for (const QString &fmt : {QStringLiteral("yyyy-MM-ddTHH:mm:ss"), QStringLiteral("yyyy-MM-ddTHH:mm"),
                               QStringLiteral("yyyy-MM-dd"), QStringLiteral("yyyy/MM/ddTHH:mm:ss")}) {
        QDateTime dt = QDateTime::fromString(iso, fmt);
        if (dt.isValid()) {
            dt.setTimeSpec(Qt::UTC);
            WindowBound b;
            b.at = dt.toMSecsSinceEpoch();
            return b;
        }
    }
    return Error{Error::Kind::Usage,
                 QStringLiteral("cannot read the time \"%1\"; use \"2026-11-24 10:00\", \"2026-11-24T10:00:00\" or a "
                                "duration back from now such as 30m, 2h, 1d").arg(text)};
}

Result<TimeMs> parseWindowBound(const QString &text, TimeMs nowWallMs)
{
    auto b = readWindowBound(text);
    if (!b)
        return b.error();
    return b->resolve(nowWallMs);
}

} // namespace gwb
