#pragma once

#include "common/strongtypes.h"

#include <QByteArrayView>

#include <vector>

namespace gwb {

// Turns a byte offset back into a 1-based line number without keeping one entry per line: parsers record a
// checkpoint every kStride lines while they scan, and a look-up counts newlines from the nearest checkpoint.
class LineIndex
{
public:
    static constexpr std::uint32_t kStride = 4096;

    // `line` starts at `offset`. Checkpoints must be added in increasing order.
    void addCheckpoint(LineNumber line, ByteOffset offset) { m_points.push_back({line, offset}); }
    // Appends the checkpoints of a later chunk whose lines and offsets are relative to (lineBase, offsetBase).
    void append(const LineIndex &chunk, std::uint32_t lineBase);

    LineNumber lineAt(QByteArrayView text, ByteOffset offset) const;
    std::size_t checkpointCount() const { return m_points.size(); }

private:
    struct Point
    {
        LineNumber line;
        ByteOffset offset;
    };
    std::vector<Point> m_points;
};

} // namespace gwb
