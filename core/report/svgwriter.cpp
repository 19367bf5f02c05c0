#include "svgwriter.h"

#include <array>

namespace gwb::svg {

QString escape(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (QChar c : text) {
        switch (c.unicode()) {
        case '&': out += QLatin1StringView("&amp;"); break;
        case '<': out += QLatin1StringView("&lt;"); break;
        case '>': out += QLatin1StringView("&gt;"); break;
        case '"': out += QLatin1StringView("&quot;"); break;
        case '\'': out += QLatin1StringView("&#39;"); break;
        case '\t': out += c; break;
        case '\n': out += c; break;
        default:
            // C0 controls, DEL, lone surrogates would make the SVG invalid XML: show them as U+FFFD.
            if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.unicode() == 0xfffe || c.unicode() == 0xffff)
                out += QChar(0xfffd);
            else
                out += c;
        }
    }
    return out;
}

QString elide(const QString &text, int maxChars)
{
    if (text.size() <= maxChars)
        return text;
    return text.left(qMax(1, maxChars - 1)) + QChar(0x2026);
}

QString rateColour(double rate, bool hasTraffic)
{
    if (!hasTraffic)
        return QStringLiteral("#d9d9d9");
    if (rate <= 0.0)
        return QStringLiteral("#b7e1a1");
    if (rate < 0.05)
        return QStringLiteral("#ffe08a");
    if (rate < 0.25)
        return QStringLiteral("#f9a65a");
    return QStringLiteral("#e8604c");
}

QString num(double v)
{
    QString s = QString::number(v, 'f', 1);
    if (s.endsWith(QLatin1StringView(".0")))
        s.chop(2);
    return s;
}

} // namespace gwb::svg
