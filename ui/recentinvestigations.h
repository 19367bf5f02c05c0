#pragma once

#include "diagnosis/investigation.h"

#include <QList>

namespace gwb {

// What was opened before, newest first, kept in QSettings so the welcome page can reopen it in one click.
struct RecentEntry
{
    LocalInputs inputs;
    bool lab = false;
    QString label() const;
};

namespace RecentInvestigations {
QList<RecentEntry> load();
void add(const RecentEntry &entry);
void clear();
} // namespace RecentInvestigations

} // namespace gwb
