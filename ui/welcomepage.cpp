#include "welcomepage.h"

#include <QCommandLinkButton>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStyle>
#include <QVBoxLayout>

namespace gwb {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto *title =
        new QLabel(tr("<h1>Gateway Workbench</h1><p>Find out why nginx answers <b>502</b>, <b>504</b> "
                      "and <b>499</b>: read the configuration and the logs, classify every upstream "
                      "failure, and see where it happened and what to check next.</p>"),
                   this);
    title->setWordWrap(true);
    auto *server =
        new QCommandLinkButton(tr("Connect to a server…"),
                               tr("Over SSH: find nginx, read nginx -T and pull only the time window of its "
                                  "logs (several hosts side by side)"),
                               this);
    server->setObjectName(QStringLiteral("connectButton"));
    auto *bundle =
        new QCommandLinkButton(tr("Open a bundle or saved investigation…"),
                               tr("What gwb collect wrote (a directory or .tar.gz, checksums verified), or "
                                  "an investigation saved here (.gwbi)"),
                               this);
    bundle->setObjectName(QStringLiteral("openBundleButton"));
    auto *files = new QCommandLinkButton(
        tr("Open files…"), tr("An nginx -T dump or nginx.conf, and access and error logs (.gz too)"), this);
    files->setObjectName(QStringLiteral("openFilesButton"));
    auto *local = new QCommandLinkButton(tr("This machine"),
                                         tr("Read /etc/nginx/nginx.conf and the logs it names"), this);
    m_lab = new QCommandLinkButton(
        tr("Practice lab"), tr("Start the lab's nginx with failing backends, send traffic, and diagnose it"),
        this);
    auto *training = new QCommandLinkButton(
        tr("Training mode"), tr("Lessons on the 502 family, common misconceptions, practice rounds on the lab"), this);
    training->setObjectName(QStringLiteral("trainingButton"));
    m_recent = new QListWidget(this);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->setMaximumHeight(240);
    m_recent->setTextElideMode(Qt::ElideMiddle);

    auto *ways = new QGridLayout;
    ways->addWidget(server, 0, 0);
    ways->addWidget(bundle, 0, 1);
    ways->addWidget(files, 1, 0);
    ways->addWidget(local, 1, 1);
    ways->addWidget(m_lab, 2, 0);
    ways->addWidget(training, 2, 1);
    ways->setColumnStretch(0, 1);
    ways->setColumnStretch(1, 1);

    auto *column = new QVBoxLayout;
    column->addStretch(1);
    column->addWidget(title);
    column->addSpacing(12);
    column->addLayout(ways);
    column->addSpacing(12);
    column->addWidget(new QLabel(tr("<b>Recent investigations</b>"), this));
    column->addWidget(m_recent);
    column->addStretch(2);
    auto *outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 4);
    outer->addStretch(1);

    connect(server, &QCommandLinkButton::clicked, this, &WelcomePage::connectRequested);
    connect(bundle, &QCommandLinkButton::clicked, this, &WelcomePage::openBundleRequested);
    connect(files, &QCommandLinkButton::clicked, this, &WelcomePage::openFilesRequested);
    connect(local, &QCommandLinkButton::clicked, this, &WelcomePage::openLocalRequested);
    connect(m_lab, &QCommandLinkButton::clicked, this, &WelcomePage::openLabRequested);
    connect(training, &QCommandLinkButton::clicked, this, &WelcomePage::trainingRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int i = m_recent->row(item);
        if (i >= 0 && i < m_entries.size())
            emit openRecentRequested(m_entries[i]);
    });
    refreshRecent();
}

void WelcomePage::refreshRecent()
{
    m_entries = RecentInvestigations::load();
    m_recent->clear();
    for (const RecentEntry &e : m_entries) {
        auto *item = new QListWidgetItem(e.label(), m_recent);
        switch (e.kind) {
        case RecentEntry::Kind::Bundle:
            item->setIcon(style()->standardIcon(QStyle::SP_DirIcon));
            break;
        case RecentEntry::Kind::Saved:
            item->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
            break;
        case RecentEntry::Kind::Lab:
            item->setIcon(style()->standardIcon(QStyle::SP_ComputerIcon));
            break;
        case RecentEntry::Kind::Files:
            item->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
            break;
        }
        const bool gone = (e.kind == RecentEntry::Kind::Bundle || e.kind == RecentEntry::Kind::Saved) &&
                          !QFileInfo::exists(e.path);
        if (gone) {
            item->setText(tr("%1 (moved or deleted)").arg(e.label()));
            item->setFlags(Qt::NoItemFlags);
        }
        item->setToolTip(e.label());
    }
    if (m_entries.isEmpty()) {
        auto *none = new QListWidgetItem(tr("Nothing opened yet"), m_recent);
        none->setFlags(Qt::NoItemFlags);
    }
}

void WelcomePage::setLabAvailable(bool available, const QString &why)
{
    m_lab->setEnabled(available);
    if (!available)
        m_lab->setDescription(why);
}

} // namespace gwb
