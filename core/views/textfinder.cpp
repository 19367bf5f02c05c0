#include "textfinder.h"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gwb {

namespace {

constexpr unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

constexpr unsigned char upper(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? static_cast<unsigned char>(c - ('a' - 'A')) : c;
}

constexpr std::array<unsigned char, 256> kLower = [] {
    std::array<unsigned char, 256> t{};
    for (int i = 0; i < 256; ++i)
        t[std::size_t(i)] = lower(static_cast<unsigned char>(i));
    return t;
}();

// How much of the text the anchor choice looks at: enough to see the shape of the lines, cheap to count.
constexpr qsizetype kSampleBytes = 256 * 1024;

} // namespace

TextFinder::TextFinder(QByteArrayView needle, QByteArrayView sample)
{
    m_needle.resize(needle.size());
    for (qsizetype i = 0; i < needle.size(); ++i)
        m_needle[i] = static_cast<char>(kLower[static_cast<unsigned char>(needle[i])]);
    if (m_needle.isEmpty())
        return;
    std::array<std::uint32_t, 256> freq{};
    const qsizetype n = std::min(sample.size(), kSampleBytes);
    for (qsizetype i = 0; i < n; ++i)
        ++freq[kLower[static_cast<unsigned char>(sample[i])]];
    auto rarity = [&](qsizetype i) { return freq[static_cast<unsigned char>(m_needle[i])]; };
    for (qsizetype i = 1; i < m_needle.size(); ++i)
        if (rarity(i) < rarity(m_anchor))
            m_anchor = i;
    m_second = m_anchor;
    for (qsizetype i = 0; i < m_needle.size(); ++i)
        if (i != m_anchor && (m_second == m_anchor || rarity(i) < rarity(m_second)))
            m_second = i;
    const auto a = static_cast<unsigned char>(m_needle[m_anchor]);
    const auto b = static_cast<unsigned char>(m_needle[m_second]);
    m_anchorLower = static_cast<char>(a);
    m_anchorUpper = static_cast<char>(upper(a));
    m_secondLower = static_cast<char>(b);
    m_secondUpper = static_cast<char>(upper(b));
}

bool TextFinder::matchesAt(const char *p) const
{
    const char *n = m_needle.constData();
    for (qsizetype i = 0; i < m_needle.size(); ++i)
        if (kLower[static_cast<unsigned char>(p[i])] != static_cast<unsigned char>(n[i]))
            return false;
    return true;
}

const char *TextFinder::find(const char *begin, const char *end) const
{
    const qsizetype n = m_needle.size();
    if (n == 0)
        return begin;
    if (end - begin < n)
        return nullptr;
    // Candidate starts run over [begin, last]; a match starting at p has its rarest bytes at p + m_anchor and
    // p + m_second (the same position for a one-byte needle).
    const char *p = begin;
    const char *const last = end - n;
#if defined(__SSE2__)
    const __m128i aLo = _mm_set1_epi8(m_anchorLower), aUp = _mm_set1_epi8(m_anchorUpper);
    const __m128i bLo = _mm_set1_epi8(m_secondLower), bUp = _mm_set1_epi8(m_secondUpper);
    auto load = [](const char *q) { return _mm_loadu_si128(reinterpret_cast<const __m128i *>(q)); };
    for (; last - p >= 15; p += 16) { // 16 starts; the loads stay inside [begin, end)
        const __m128i x = load(p + m_anchor), y = load(p + m_second);
        const __m128i hit = _mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(x, aLo), _mm_cmpeq_epi8(x, aUp)),
                                          _mm_or_si128(_mm_cmpeq_epi8(y, bLo), _mm_cmpeq_epi8(y, bUp)));
        for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit)); mask; mask &= mask - 1) {
            const char *candidate = p + __builtin_ctz(mask);
            if (matchesAt(candidate))
                return candidate;
        }
    }
#endif
    for (; p <= last; ++p)
        if ((p[m_anchor] == m_anchorLower || p[m_anchor] == m_anchorUpper) && matchesAt(p))
            return p;
    return nullptr;
}

} // namespace gwb
