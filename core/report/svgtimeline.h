#pragma once

#include "views/timelinebins.h"

#include <QString>

namespace gwb {

// The failures per cause over time as stacked bars, the share of 5xx answers as a line on a second axis,
// and reloads / peers taken out as dashed markers. A complete <svg> element, no scripts, no external refs.
QString timelineSvg(const TimelineIndex &index, int width = 960, int maxBins = 60);

} // namespace gwb
