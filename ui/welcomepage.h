#pragma once

#include "recentinvestigations.h"

#include <QWidget>

class QListWidget;
class QCommandLinkButton;

namespace gwb {

// The first page: the ways in (a server over SSH, a bundle or saved investigation, files, this machine,
// the practice lab) and what was opened recently.
class WelcomePage final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);
    void refreshRecent();
    void setLabAvailable(bool available, const QString &why);
    QListWidget *recentList() const { return m_recent; }
    const QList<RecentEntry> &recentEntries() const { return m_entries; }

signals:
    void connectRequested();
    void openBundleRequested();
    void openFilesRequested();
    void openLocalRequested();
    void openLabRequested();
    void trainingRequested();
    void openRecentRequested(const gwb::RecentEntry &entry);

private:
    QListWidget *m_recent = nullptr;
    QCommandLinkButton *m_lab = nullptr;
    QList<RecentEntry> m_entries;
};

} // namespace gwb
