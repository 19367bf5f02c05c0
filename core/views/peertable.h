#pragma once

#include "common/interner.h"

#include <QHash>
#include <QString>
#include <vector>

namespace gwb {

// One id space for the peers of several logs: each log interns its own PeerIds, the views want one list.
// Index 0 is "no peer"; past 65534 names everything maps to the last id ("other"), like Interner's overflow.
class PeerTable
{
public:
    PeerTable() { m_names.emplace_back(); }

    // Global index of every id of `log` (index = the log's PeerId; kAbsent and kOverflow map to 0).
    std::vector<std::uint16_t> absorb(const Interner &log)
    {
        std::vector<std::uint16_t> out(0x10000, 0);
        for (std::size_t id = 1; id <= log.size() && id < Interner::kOverflow; ++id)
            out[id] = indexOf(QString::fromUtf8(log.value(static_cast<std::uint16_t>(id))));
        return out;
    }

    std::uint16_t indexOf(const QString &name)
    {
        if (name.isEmpty())
            return 0;
        const auto it = m_index.constFind(name);
        if (it != m_index.constEnd())
            return *it;
        if (m_names.size() >= 0xFFFF)
            return 0xFFFF;
        const auto id = static_cast<std::uint16_t>(m_names.size());
        m_names.push_back(name);
        m_index.insert(name, id);
        return id;
    }

    const std::vector<QString> &names() const { return m_names; }
    std::vector<QString> takeNames() { return std::move(m_names); }

private:
    std::vector<QString> m_names;
    QHash<QString, std::uint16_t> m_index;
};

} // namespace gwb
