#pragma once

#include "common/strongtypes.h"
#include "logformat.h"

#include <QByteArray>
#include <QByteArrayView>

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Readers for the values of one access-log line, shared by the fast parser (AccessEvent) and the full decoder
// (AccessRecord) so that both agree on what a value means. They work on raw byte ranges of the mapped file;
// nothing here allocates except the escape decoder.
namespace gwb::accessfields {

// One value of a line: [b, e) inside the line.
struct Span
{
    const char *b = nullptr;
    const char *e = nullptr;

    std::size_t size() const { return static_cast<std::size_t>(e - b); }
    bool isEmpty() const { return b == e; }
    // nginx writes "-" for a variable without value.
    bool isAbsent() const { return b == e || (e - b == 1 && *b == '-'); }
    QByteArrayView view() const { return {b, e - b}; }
};

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

// First `c` in [p, e), or nullptr. Values in a log line are mostly shorter than 16 bytes, where calling
// memchr costs more than the search: one SSE2 compare covers 16 bytes. Never reads outside [floor, e):
// the last partial block is loaded from e - 16 when that is still at or after `floor` (the line start).
inline const char *findByte(const char *p, const char *e, char c, const char *floor)
{
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    for (; e - p >= 16; p += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        if (const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)))
            return p + std::countr_zero(static_cast<unsigned>(mask));
    }
    if (p < e && e - floor >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i *>(e - 16));
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle))) >> (16 - (e - p));
        return mask ? p + std::countr_zero(mask) : nullptr;
    }
#else
    (void)floor;
#endif
    for (; p < e; ++p)
        if (*p == c)
            return p;
    return nullptr;
}

// memcmp for the short strings of a log line, without a library call: whole words, the last one overlapping.
inline bool equalBytes(const char *a, const char *b, std::size_t n)
{
    auto load8 = [](const char *p) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    };
    auto load4 = [](const char *p) {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return v;
    };
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            if (load8(a + i) != load8(b + i))
                return false;
        return load8(a + n - 8) == load8(b + n - 8);
    }
    if (n >= 4)
        return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
    for (; n > 0; --n)
        if (*a++ != *b++)
            return false;
    return true;
}

// "0.123" (seconds, as nginx writes $request_time and $upstream_*_time) → 123 ms. "-" and anything that is
// not a number → kAbsentMs: a broken duration is not worth discarding the line for. Clamped to ~24 days.
inline DurationMs parseDurationMs(Span s)
{
    constexpr std::int64_t kMaxSeconds = INT32_MAX / 1000;
    const char *p = s.b;
    std::int64_t seconds = 0;
    for (; p < s.e && isDigit(*p); ++p)
        seconds = seconds < kMaxSeconds ? seconds * 10 + (*p - '0') : kMaxSeconds + 1;
    if (p == s.b)
        return kAbsentMs;
    std::int64_t ms = 0;
    if (p < s.e && *p == '.') {
        ++p;
        // Milliseconds are the first three decimals; nginx writes exactly three, more are cut off.
        for (int scale : {100, 10, 1}) {
            if (p == s.e || !isDigit(*p))
                break;
            ms += (*p++ - '0') * scale;
        }
        while (p < s.e && isDigit(*p))
            ++p;
    }
    if (p != s.e)
        return kAbsentMs;
    const std::int64_t total = seconds * 1000 + ms;
    return total > INT32_MAX ? INT32_MAX : static_cast<DurationMs>(total);
}

// $status is always three digits ("009" for an HTTP/0.9 answer); false for anything else.
inline bool parseStatus(Span s, std::uint16_t &out)
{
    if (s.e - s.b != 3 || !isDigit(s.b[0]) || !isDigit(s.b[1]) || !isDigit(s.b[2]))
        return false;
    out = static_cast<std::uint16_t>((s.b[0] - '0') * 100 + (s.b[1] - '0') * 10 + (s.b[2] - '0'));
    return true;
}

// One entry of an $upstream_* status list; "-" (no answer from that peer) and garbage → 0.
inline std::uint16_t parseUpstreamStatus(Span s)
{
    std::uint16_t v = 0;
    return parseStatus(s, v) ? v : 0;
}

// $body_bytes_sent and friends; -1 when absent or not a number.
inline std::int64_t parseCount(Span s)
{
    if (s.isEmpty() || s.size() > 18)
        return -1;
    std::int64_t v = 0;
    for (const char *p = s.b; p < s.e; ++p) {
        if (!isDigit(*p))
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

// Walks the entries of an $upstream_* value: ", " separates attempts, " : " separates internal redirects
// (X-Accel-Redirect, error_page to another upstream). `fn(Span entry, bool afterRedirect)`.
template <typename Fn>
void forEachListEntry(Span s, Fn &&fn)
{
    const char *start = s.b;
    bool afterRedirect = false;
    for (const char *p = s.b; p < s.e; ++p) {
        if (*p == ',' && p + 1 < s.e && p[1] == ' ') {
            fn(Span{start, p}, afterRedirect);
            afterRedirect = false;
            start = p + 2;
            ++p;
        } else if (*p == ' ' && p + 2 < s.e && p[1] == ':' && p[2] == ' ') {
            fn(Span{start, p}, afterRedirect);
            afterRedirect = true;
            start = p + 3;
            p += 2;
        }
    }
    fn(Span{start, s.e}, afterRedirect);
}

// The last entry of an $upstream_* list and the number of entries; 0 entries for "-" or an empty value.
// `floor` is the start of the line (see findByte).
inline Span lastListEntry(Span s, unsigned &count, const char *floor)
{
    count = 0;
    if (s.isAbsent())
        return {};
    // Both separators hold a space and an entry never does: most values are a single attempt.
    if (!findByte(s.b, s.e, ' ', floor)) {
        count = 1;
        return s;
    }
    Span last;
    forEachListEntry(s, [&](Span entry, bool) {
        ++count;
        last = entry;
    });
    return last;
}

// Undoes nginx's escaping of a value: \xHH (escape=default) or JSON escapes (escape=json). Bytes that are not
// a valid escape are kept as written.
QByteArray decode(Span s, LogFormat::Escape escape);

// True when decode() could change the value; lets the hot path skip the allocation.
inline bool mayNeedDecoding(Span s, LogFormat::Escape escape)
{
    return escape != LogFormat::Escape::None && !s.isEmpty() && std::memchr(s.b, '\\', s.size()) != nullptr;
}

} // namespace gwb::accessfields
