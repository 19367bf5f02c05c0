#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace gwb {

// Latencies in milliseconds on a fixed log-linear scale (HDR-histogram style): values below 32 get a bucket
// each, every power of two above is split into 16 equal sub-buckets. A percentile read back as the middle of
// its bucket is within 1/32 (about 3 %) of the true value, and no per-bin vector of samples is needed: a bin
// only adds to an array of counters.
//
// Built for the timeline's hot loop: bucketOf() has no branch, a request without a latency goes to a sink
// bucket instead of being tested for, and a bitmap of the touched buckets lets percentiles() and clear()
// visit only those (a 1 s bin of a busy log touches a few dozen of the 448).
class LatencyHistogram
{
public:
    static constexpr int kSubBits = 4;
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kBuckets = kSub + (31 - kSubBits) * kSub; // covers every non-negative int32: 448
    static constexpr int kNone = kBuckets;                         // the sink for "no latency known"

    static int bucketOf(std::int32_t ms)
    {
        if (ms < 0)
            return kNone;
        const auto v = static_cast<std::uint32_t>(ms);
        const int shift = std::max(static_cast<int>(std::bit_width(v)) - (kSubBits + 1), 0);
        return shift * kSub + static_cast<int>(v >> shift);
    }

    // The middle of a bucket, the value a percentile falling into it is reported as.
    static std::int32_t valueOf(int bucket)
    {
        if (bucket < 2 * kSub)
            return bucket;
        const int shift = bucket / kSub - 1;
        const std::int64_t low = std::int64_t(kSub + bucket % kSub) << shift;
        return static_cast<std::int32_t>(low + ((std::int64_t(1) << shift) >> 1));
    }

    void add(std::int32_t ms) { addBucket(bucketOf(ms)); }
    void addBucket(int bucket)
    {
        ++m_counts[static_cast<std::size_t>(bucket)];
        m_touched[static_cast<std::size_t>(bucket >> 6)] |= std::uint64_t(1) << (bucket & 63);
    }
    void merge(const LatencyHistogram &other)
    {
        other.forEach([&](int b, std::uint32_t n) {
            m_counts[static_cast<std::size_t>(b)] += n;
            m_touched[static_cast<std::size_t>(b >> 6)] |= std::uint64_t(1) << (b & 63);
        });
    }
    void clear()
    {
        forEach([&](int b, std::uint32_t) { m_counts[static_cast<std::size_t>(b)] = 0; });
        m_touched.fill(0);
        m_counts[kNone] = 0;
    }
    std::uint64_t total() const
    {
        std::uint64_t n = 0;
        forEach([&](int, std::uint32_t c) { n += c; });
        return n;
    }

    // Nearest-rank percentiles (p in (0, 100]) for several p at once, ascending; -1 each when empty.
    template <std::size_t N> std::array<std::int32_t, N> percentiles(const std::array<double, N> &ps) const
    {
        std::array<std::int32_t, N> out;
        out.fill(-1);
        const std::uint64_t n = total();
        if (!n)
            return out;
        std::array<std::uint64_t, N> ranks{};
        for (std::size_t i = 0; i < N; ++i) {
            const double r = ps[i] / 100.0 * static_cast<double>(n);
            auto rank = static_cast<std::uint64_t>(r);
            if (static_cast<double>(rank) < r)
                ++rank;
            ranks[i] = std::clamp<std::uint64_t>(rank, 1, n);
        }
        std::uint64_t seen = 0;
        std::size_t next = 0;
        forEach([&](int b, std::uint32_t c) {
            seen += c;
            while (next < N && seen >= ranks[next])
                out[next++] = valueOf(b);
        });
        return out;
    }

private:
    // Touched buckets in ascending order (the sink excluded).
    template <typename Fn> void forEach(Fn &&fn) const
    {
        for (std::size_t w = 0; w < kWords; ++w)
            for (std::uint64_t bits = m_touched[w]; bits; bits &= bits - 1) {
                const int b = static_cast<int>(w * 64) + std::countr_zero(bits);
                fn(b, m_counts[static_cast<std::size_t>(b)]);
            }
    }

    static constexpr std::size_t kWords = kBuckets / 64;
    static_assert(kBuckets % 64 == 0);
    std::array<std::uint32_t, kBuckets + 1> m_counts{};
    std::array<std::uint64_t, kWords + 1> m_touched{}; // the last word only ever holds the sink's bit
};

} // namespace gwb
