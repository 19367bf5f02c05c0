#pragma once

#include "views/chaingraph.h"

#include <QString>

namespace gwb {

// The client → server → location → upstream → peer chain as boxes in five columns, each filled by its error
// rate, with arrows whose colour is the rate on that hop. At most `maxPerColumn` nodes per column (the ones
// with the most failures, then traffic); the rest are summed up in a "+N more" note.
QString chainSvg(const ChainGraph &graph, int maxPerColumn = 20);

} // namespace gwb
