#include "interner.h"

#include <cstring>

namespace gwb {

Interner::Interner()
{
    m_values.emplace_back(); // id 0 = absent
    m_slots.assign(256, 0);
    m_mask = 255;
}

std::uint64_t Interner::hash(QByteArrayView v)
{
    // FNV-1a over 8-byte words; the strings are short (addresses, host names).
    std::uint64_t h = 0xcbf29ce484222325ULL ^ static_cast<std::uint64_t>(v.size());
    const char *p = v.data();
    qsizetype n = v.size();
    while (n >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        h = (h ^ static_cast<unsigned char>(*p++)) * 0x100000001b3ULL;
    return h ^ (h >> 32);
}

std::uint16_t Interner::find(QByteArrayView value) const
{
    if (value.isEmpty())
        return kAbsent;
    const std::uint64_t h = hash(value);
    const auto tag = static_cast<std::uint32_t>(h >> 48) | 1u;
    for (std::uint32_t i = static_cast<std::uint32_t>(h) & m_mask;; i = (i + 1) & m_mask) {
        const std::uint32_t slot = m_slots[i];
        if (slot == 0)
            return kAbsent;
        if ((slot >> 16) == tag && QByteArrayView(m_values[slot & 0xFFFF]) == value)
            return static_cast<std::uint16_t>(slot & 0xFFFF);
    }
}

std::uint16_t Interner::intern(QByteArrayView value)
{
    if (value.isEmpty())
        return kAbsent;
    const std::uint64_t h = hash(value);
    const auto tag = static_cast<std::uint32_t>(h >> 48) | 1u;
    std::uint32_t i = static_cast<std::uint32_t>(h) & m_mask;
    for (;; i = (i + 1) & m_mask) {
        const std::uint32_t slot = m_slots[i];
        if (slot == 0)
            break;
        if ((slot >> 16) == tag && QByteArrayView(m_values[slot & 0xFFFF]) == value)
            return static_cast<std::uint16_t>(slot & 0xFFFF);
    }
    if (m_values.size() >= kOverflow)
        return kOverflow;
    const auto id = static_cast<std::uint16_t>(m_values.size());
    m_values.emplace_back(value.toByteArray());
    m_slots[i] = (tag << 16) | id;
    if (m_values.size() * 2 > m_slots.size())
        grow();
    return id;
}

void Interner::grow()
{
    std::vector<std::uint32_t> old = std::move(m_slots);
    m_slots.assign(old.size() * 2, 0);
    m_mask = static_cast<std::uint32_t>(m_slots.size() - 1);
    for (std::uint32_t slot : old) {
        if (slot == 0)
            continue;
        const std::uint64_t h = hash(m_values[slot & 0xFFFF]);
        std::uint32_t i = static_cast<std::uint32_t>(h) & m_mask;
        while (m_slots[i] != 0)
            i = (i + 1) & m_mask;
        m_slots[i] = slot;
    }
}

QByteArray Interner::value(std::uint16_t id) const
{
    if (id == kAbsent || id == kOverflow || id >= m_values.size())
        return {};
    return m_values[id];
}

std::vector<std::uint16_t> Interner::absorb(const Interner &other)
{
    std::vector<std::uint16_t> map(other.m_values.size(), kAbsent);
    for (std::size_t id = 1; id < other.m_values.size(); ++id)
        map[id] = intern(other.m_values[id]);
    return map;
}

} // namespace gwb
