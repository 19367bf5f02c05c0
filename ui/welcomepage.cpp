#include "welcomepage.h"

#include <QCommandLinkButton>
#include <QLabel>
#include <QHBoxLayout>
#include <QListWidget>
#include <QVBoxLayout>

namespace gwb {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomePage"));
    auto *title = new QLabel(tr("<h1>Gateway Workbench</h1><p>Find out why nginx answers <b>502</b>, <b>504</b> "
                                "and <b>499</b>: read the configuration and the logs, classify every upstream "
                                "failure, and see where it happened and what to check next.</p>"),
                             this);
    title->setWordWrap(true);
    auto *files = new QCommandLinkButton(tr("Open files…"),
                                         tr("An nginx -T dump or nginx.conf, and access and error logs (.gz too)"), this);
    files->setObjectName(QStringLiteral("openFilesButton"));
    auto *local = new QCommandLinkButton(tr("This machine"),
                                         tr("Read /etc/nginx/nginx.conf and the logs it names"), this);
    m_lab = new QCommandLinkButton(tr("Practice lab"),
                                   tr("Start the lab's nginx with failing backends, send traffic, and diagnose it"), this);
    m_recent = new QListWidget(this);
    m_recent->setObjectName(QStringLiteral("recentList"));
    m_recent->setMaximumHeight(220);

    auto *column = new QVBoxLayout;
    column->addWidget(title);
    column->addSpacing(12);
    column->addWidget(files);
    column->addWidget(local);
    column->addWidget(m_lab);
    column->addSpacing(12);
    column->addWidget(new QLabel(tr("<b>Recent investigations</b>"), this));
    column->addWidget(m_recent);
    column->addStretch(1);
    auto *outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 3);
    outer->addStretch(1);

    connect(files, &QCommandLinkButton::clicked, this, &WelcomePage::openFilesRequested);
    connect(local, &QCommandLinkButton::clicked, this, &WelcomePage::openLocalRequested);
    connect(m_lab, &QCommandLinkButton::clicked, this, &WelcomePage::openLabRequested);
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
    for (const RecentEntry &e : m_entries)
        m_recent->addItem(e.label());
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
