#include "lineindex.h"

#include <algorithm>
#include <cstring>

namespace gwb {

void LineIndex::append(const LineIndex &chunk, std::uint32_t lineBase)
{
    for (const Point &p : chunk.m_points)
        m_points.push_back({LineNumber(p.line.value + lineBase), p.offset});
}

LineNumber LineIndex::lineAt(QByteArrayView text, ByteOffset offset) const
{
    Point from{LineNumber(1), ByteOffset(0)};
    auto it = std::upper_bound(m_points.begin(), m_points.end(), offset,
                               [](ByteOffset o, const Point &p) { return o < p.offset; });
    if (it != m_points.begin())
        from = *std::prev(it);
    const std::uint64_t end = std::min<std::uint64_t>(offset.value, static_cast<std::uint64_t>(text.size()));
    std::uint32_t line = from.line.value;
    const char *p = text.data() + from.offset.value;
    const char *stop = text.data() + end;
    while (p < stop) {
        const void *nl = std::memchr(p, '\n', static_cast<std::size_t>(stop - p));
        if (!nl)
            break;
        ++line;
        p = static_cast<const char *>(nl) + 1;
    }
    return LineNumber(line);
}

} // namespace gwb
