#pragma once

// Internal to the access-log parsers: what the whole-file parser (AccessLogParser) and the streaming one
// (AccessStreamParser) share, so that both cut, size and merge chunks the same way.

#include "accesschunkparser.h"

#include <QString>

#include <cstdint>

namespace gwb::accessmerge {

// Average line length from a few samples across `text`, to size event vectors once: growing a vector of
// millions of events by doubling costs page faults and, at the moment of the copy, twice the memory.
double averageLineLength(QByteArrayView text);

// Events expected from `bytes` of text: 10% above the sampled estimate (reserved but untouched pages cost
// address space, not memory), and never more than lines of the shortest length the format can match.
std::uint64_t expectedEvents(std::uint64_t bytes, double averageLength, std::size_t minimumLength);

int threadCount(const LogParseOptions &options);

bool isCancelled(const LogParseOptions &options);

// Folds parsed chunks, in file order, into one AccessLogResult: renumbers lines, remaps interned ids, fixes
// malformed-line locations. `file` names the file in those locations. `totalBytes` is the size of the whole
// text when known (0 = not known yet, as while it still arrives), to size the event vector by projection
// rather than by doubling.
class Merger
{
public:
    Merger(AccessLogResult &result, const AccessChunkParser &parser, QString file, std::uint64_t totalBytes)
        : m_result(result), m_parser(parser), m_file(std::move(file)), m_totalBytes(totalBytes)
    {
    }

    // Appends `chunk`, which must follow the chunks merged before it, and frees its memory.
    void merge(AccessChunk &chunk);

private:
    void appendEvents(AccessChunk &chunk);
    void mergeMalformed(const AccessChunk &chunk, std::uint32_t lineBase);

    AccessLogResult &m_result;
    const AccessChunkParser &m_parser;
    QString m_file;
    std::uint64_t m_totalBytes;
};

} // namespace gwb::accessmerge
