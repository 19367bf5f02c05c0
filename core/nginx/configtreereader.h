#pragma once

#include "configparser.h"

#include <QByteArrayView>
#include <QString>
#include <vector>

namespace gwb {

// Builds the directive tree of one file's text. Includes stay unresolved (ConfigParser does that). Every
// syntax problem becomes a located Diagnostic and the reader carries on, so a broken file still yields
// everything nginx-readable around the damage.
class ConfigTreeReader final
{
public:
    // Blocks nested deeper than this are not descended into: real configs stay below 10, and the bound keeps
    // hostile input from exhausting the stack of the recursive walkers downstream.
    static constexpr int kMaxDepth = 100;

    // `endedInside` (optional) tells whether the text ended inside a block or an unfinished directive: the
    // mark of a truncated file.
    static std::vector<ConfigDirective> read(QByteArrayView text, const QString &file,
                                             std::vector<Diagnostic> &diagnostics,
                                             bool *endedInside = nullptr);

    // Blocks whose body nginx hands verbatim to a module (OpenResty's *_by_lua_block).
    static bool isRawBlock(QStringView name);
};

} // namespace gwb
