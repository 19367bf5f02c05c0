#pragma once

// Qt 6.4's moc cannot parse libstdc++'s <concepts> (pulled in by <compare>); moc needs none of this file.
#ifndef Q_MOC_RUN
#include <compare>
#endif
#include <cstdint>
#include <functional>

namespace gwb {

// A value that cannot be mixed up with another value of the same representation: a line number is not a
// byte offset, and a peer id is not an upstream id.
template <typename Tag, typename Rep>
struct StrongValue
{
    using Representation = Rep;
    Rep value{};

    constexpr StrongValue() = default;
    constexpr explicit StrongValue(Rep v) : value(v) {}
    constexpr auto operator<=>(const StrongValue &) const = default;
};

using LineNumber = StrongValue<struct LineNumberTag, std::uint32_t>; // 1-based; 0 = unknown
using ByteOffset = StrongValue<struct ByteOffsetTag, std::uint64_t>;
using HttpStatus = StrongValue<struct HttpStatusTag, std::uint16_t>; // 0 = absent
using SourceId = StrongValue<struct SourceIdTag, std::uint16_t>;     // one log file or config dump
using PeerId = StrongValue<struct PeerIdTag, std::uint16_t>;         // interned upstream address
using HostId = StrongValue<struct HostIdTag, std::uint16_t>;         // interned Host / server name
using LocationId = StrongValue<struct LocationIdTag, std::uint16_t>; // index into ConfigModel::locations

// Milliseconds since the Unix epoch of the wall clock written in a log line. nginx error logs carry no zone,
// so timestamps are compared as wall-clock values; the zone offset is kept apart where known.
using TimeMs = long long; // same type as qint64, so Qt and std code mix without casts
static_assert(sizeof(TimeMs) == 8);
inline constexpr TimeMs kNoTime = -9223372036854775807LL - 1;

// Durations from $request_time / $upstream_*_time, in milliseconds; kAbsentMs for "-".
using DurationMs = std::int32_t;
inline constexpr DurationMs kAbsentMs = -1;

} // namespace gwb

template <typename Tag, typename Rep>
struct std::hash<gwb::StrongValue<Tag, Rep>>
{
    std::size_t operator()(const gwb::StrongValue<Tag, Rep> &v) const noexcept { return std::hash<Rep>{}(v.value); }
};
