#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <vector>

namespace gwb {

// Maps low-cardinality byte strings (peer addresses, host names, methods) to dense 16-bit ids with a flat
// open-addressing table: no node allocation per entry, one hash and usually one compare per look-up.
// Id 0 is reserved for "absent"; when 65535 distinct values are exceeded, further values map to kOverflow.
class Interner
{
public:
    static constexpr std::uint16_t kAbsent = 0;
    static constexpr std::uint16_t kOverflow = 0xFFFF;

    Interner();
    std::uint16_t intern(QByteArrayView value);
    std::uint16_t find(QByteArrayView value) const; // kAbsent when unknown
    QByteArray value(std::uint16_t id) const;       // empty for kAbsent / kOverflow
    std::size_t size() const { return m_values.size() - 1; }

    // Ids of `other` re-expressed as ids of this interner (index = other's id), interning what is missing.
    std::vector<std::uint16_t> absorb(const Interner &other);

private:
    static std::uint64_t hash(QByteArrayView v);
    void grow();
    std::vector<QByteArray> m_values;   // index = id
    std::vector<std::uint32_t> m_slots; // (hash tag << 16 | id), 0 = empty
    std::uint32_t m_mask = 0;
};

} // namespace gwb
