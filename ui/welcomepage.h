#pragma once

#include "recentinvestigations.h"

#include <QWidget>

class QListWidget;
class QCommandLinkButton;

namespace gwb {

// The first page: the three ways in (files, this machine, the practice lab) and what was opened recently.
class WelcomePage final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);
    void refreshRecent();
    void setLabAvailable(bool available, const QString &why);

signals:
    void openFilesRequested();
    void openLocalRequested();
    void openLabRequested();
    void openRecentRequested(const gwb::RecentEntry &entry);

private:
    QListWidget *m_recent = nullptr;
    QCommandLinkButton *m_lab = nullptr;
    QList<RecentEntry> m_entries;
};

} // namespace gwb
