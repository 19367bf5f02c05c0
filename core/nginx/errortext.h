#pragma once

// Internal to the error-log parser: substring search on raw bytes, tuned for short log lines. Qt's general
// QByteArrayView::indexOf cost a third of the scan on these lengths; memchr on a rare byte of the needle and
// an inline compare at each hit is several times cheaper.

#include <QByteArrayView>
#include <cstring>
#include <string_view>

namespace gwb::errorlog {

// How common a byte is in error-log messages: letters by English frequency, then digits and punctuation nginx
// writes a lot. Lower is rarer. A search waits on the needle's rarest byte: memchr then stops seldom.
constexpr int commonness(char c)
{
    constexpr std::string_view kByFrequency = " etaoinsrhlducmpfgwybvk.:/,0123456789(";
    const std::size_t i = kByFrequency.find(c);
    return i == std::string_view::npos ? 0 : static_cast<int>(kByFrequency.size() - i);
}

constexpr std::size_t rarestByte(std::string_view needle)
{
    std::size_t best = 0;
    for (std::size_t i = 1; i < needle.size(); ++i)
        if (commonness(needle[i]) < commonness(needle[best]))
            best = i;
    return best;
}

// An inline loop: the lengths are short and a mismatch is usually found at the first byte, where a memcmp
// call would cost more than the comparison.
inline bool equalBytes(const char *a, const char *b, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

// First occurrence of `needle` in [b, e), searching for its byte at `anchor`.
inline const char *find(const char *b, const char *e, std::string_view needle, std::size_t anchor)
{
    const auto n = static_cast<std::ptrdiff_t>(needle.size());
    const auto a = static_cast<std::ptrdiff_t>(anchor);
    if (n == 0 || e - b < n) // also keeps an empty view's null data pointer out of the arithmetic below
        return n == 0 ? b : nullptr;
    for (const char *p = b + a; e - (p - a) >= n;) {
        const auto *c = static_cast<const char *>(
            std::memchr(p, needle[anchor], static_cast<std::size_t>(e - p - (n - a) + 1)));
        if (!c)
            return nullptr;
        if (equalBytes(c - a, needle.data(), needle.size()))
            return c - a;
        p = c + 1;
    }
    return nullptr;
}

inline const char *find(const char *b, const char *e, std::string_view needle)
{
    return find(b, e, needle, rarestByte(needle));
}

// Last occurrence, searched backwards: for what sits near the end of the range (" while " before the
// context).
inline const char *findLast(const char *b, const char *e, std::string_view needle)
{
    const auto n = static_cast<std::ptrdiff_t>(needle.size());
    if (n == 0 || e - b < n)
        return nullptr;
    const std::size_t a = rarestByte(needle);
    for (const char *p = e - n; p >= b; --p)
        if (p[a] == needle[a] && equalBytes(p, needle.data(), needle.size()))
            return p;
    return nullptr;
}

inline bool contains(QByteArrayView haystack, std::string_view needle)
{
    return find(haystack.data(), haystack.data() + haystack.size(), needle) != nullptr;
}

inline bool startsWith(const char *p, const char *e, std::string_view s)
{
    return e - p >= static_cast<std::ptrdiff_t>(s.size()) && equalBytes(p, s.data(), s.size());
}

inline bool startsWith(QByteArrayView v, std::string_view s)
{
    return startsWith(v.data(), v.data() + v.size(), s);
}

} // namespace gwb::errorlog
