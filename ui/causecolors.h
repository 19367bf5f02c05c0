#pragma once

#include "nginx/cause.h"

#include <QColor>

class QPalette;

namespace gwb {

// One colour per cause, the same in every view (timeline stacks, chain nodes, finding chips, log cells).
// Mid-saturation hues so that they stay readable on both light and dark palettes.
QColor causeColor(Cause cause);

// Green → amber → red for an error rate in [0, 1]; `mix` blends toward the palette's base colour so that
// fills never glare in a dark theme.
QColor healthColor(double errorRate);
QColor blendWithBase(const QColor &color, const QPalette &palette, double amount);

// True when the palette is dark (window text lighter than the window).
bool isDarkPalette(const QPalette &palette);

} // namespace gwb
