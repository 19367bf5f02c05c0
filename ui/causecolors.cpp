#include "causecolors.h"

#include <QPalette>

#include <array>

namespace gwb {

QColor causeColor(Cause cause)
{
    // The engine's table, so the workbench and the reports colour a cause alike.
    const CauseHsl c = causeHsl(cause);
    return QColor::fromHsl(c.hue, c.saturation, c.lightness);
}

QColor healthColor(double errorRate)
{
    if (errorRate <= 0.0)
        return QColor::fromHsl(120, 120, 120); // green
    if (errorRate < 0.05)
        return QColor::fromHsl(40, 200, 125); // amber
    return QColor::fromHsl(0, 170, 125);      // red
}

QColor blendWithBase(const QColor &color, const QPalette &palette, double amount)
{
    const QColor base = palette.color(QPalette::Base);
    const auto mix = [amount](int a, int b) { return int(a * amount + b * (1.0 - amount)); };
    return QColor(mix(color.red(), base.red()), mix(color.green(), base.green()), mix(color.blue(), base.blue()));
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::WindowText).lightness() > palette.color(QPalette::Window).lightness();
}

} // namespace gwb
