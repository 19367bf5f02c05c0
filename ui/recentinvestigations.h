#pragma once

#include "diagnosis/investigation.h"

#include <QList>

namespace gwb {

// What was opened before, newest first, kept in QSettings so the welcome page can reopen it in one click:
// local files, the practice lab, offline bundles and saved investigations.
struct RecentEntry
{
    enum class Kind : std::uint8_t
    {
        Files,
        Lab,
        Bundle,
        Saved
    };
    Kind kind = Kind::Files;
    LocalInputs inputs; // Files
    QString path;       // Bundle, Saved: what was opened
    QString title;      // Saved: the investigation's title

    QString label() const;
    bool sameAs(const RecentEntry &other) const;
    static RecentEntry files(const LocalInputs &inputs) { return {Kind::Files, inputs, {}, {}}; }
    static RecentEntry lab() { return {Kind::Lab, {}, {}, {}}; }
};

namespace RecentInvestigations {
QList<RecentEntry> load();
void add(const RecentEntry &entry);
void clear();
} // namespace RecentInvestigations

} // namespace gwb
