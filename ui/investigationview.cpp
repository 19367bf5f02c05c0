#include "investigationview.h"

#include "chainview.h"
#include "checkspage.h"
#include "configpage.h"
#include "logspage.h"
#include "overviewpage.h"
#include "selectionstate.h"
#include "targetspanel.h"
#include "timelineview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace gwb {

InvestigationView::InvestigationView(QWidget *parent) : QWidget(parent)
{
    m_selection = new SelectionState(this);
    m_targets = new TargetsPanel(this);
    m_overview = new OverviewPage(m_selection, this);
    m_chain = new ChainView(m_selection, this);
    m_timeline = new TimelineView(m_selection, this);
    m_logs = new LogsPage(m_selection, this);
    m_config = new ConfigPage(this);
    m_checks = new ChecksPage(m_selection, this);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("investigationTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_overview, tr("&Overview"));
    m_tabs->addTab(m_chain, tr("C&hain"));
    m_tabs->addTab(m_timeline, tr("&Timeline"));
    m_tabs->addTab(m_logs, tr("&Logs"));
    m_tabs->addTab(m_config, tr("Con&fig"));
    m_tabs->addTab(m_checks, tr("Chec&ks"));

    m_chip = new QWidget(this);
    auto *chipLayout = new QHBoxLayout(m_chip);
    chipLayout->setContentsMargins(6, 2, 6, 2);
    m_chipText = new QLabel(m_chip);
    m_chipText->setObjectName(QStringLiteral("filterChip"));
    auto *clear = new QToolButton(m_chip);
    clear->setObjectName(QStringLiteral("clearFilter"));
    clear->setText(QStringLiteral("×"));
    clear->setToolTip(tr("Show everything again"));
    chipLayout->addWidget(new QLabel(tr("<b>Filter:</b>"), m_chip));
    chipLayout->addWidget(m_chipText, 1);
    chipLayout->addWidget(clear);
    m_chip->setAutoFillBackground(true);
    m_chip->setBackgroundRole(QPalette::AlternateBase);
    m_chip->hide();

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(2);
    rightLayout->addWidget(m_chip);
    rightLayout->addWidget(m_tabs, 1);

    m_split = new QSplitter(this);
    m_split->setObjectName(QStringLiteral("investigationSplitter"));
    m_split->addWidget(m_targets);
    m_split->addWidget(right);
    m_split->setStretchFactor(1, 1);
    m_split->setSizes({250, 1150});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_split);

    connect(clear, &QToolButton::clicked, m_selection, &SelectionState::clear);
    connect(m_selection, &SelectionState::changed, this, &InvestigationView::updateFilterChip);
    connect(m_overview, &OverviewPage::openConfig, this, &InvestigationView::openConfig);
    connect(m_overview, &OverviewPage::openLog, this, &InvestigationView::openLog);
    connect(m_chain, &ChainView::openConfig, this, &InvestigationView::openConfig);
    connect(m_logs, &LogsPage::openConfig, this, &InvestigationView::openConfig);
    connect(m_targets, &TargetsPanel::openConfig, this, &InvestigationView::openConfig);
    connect(m_targets, &TargetsPanel::openLog, this, &InvestigationView::openLog);
}

InvestigationView::~InvestigationView() = default;

void InvestigationView::setSession(SessionPtr session)
{
    m_session = std::move(session);
    m_selection->clear();
    m_targets->setSession(m_session);
    m_overview->setSession(m_session);
    m_chain->setSession(m_session);
    m_timeline->setSession(m_session);
    m_logs->setSession(m_session);
    m_config->setSession(m_session);
    m_checks->setSession(m_session);
    updateFilterChip();
}

void InvestigationView::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

void InvestigationView::openConfig(const SourceLocation &where)
{
    if (m_config->openAt(where))
        showTab(ConfigTab);
}

void InvestigationView::openLog(const SourceLocation &where)
{
    showTab(LogsTab);
    m_logs->showLine(where);
}

void InvestigationView::findInLogs()
{
    showTab(LogsTab);
    m_logs->focusFind();
}

void InvestigationView::updateFilterChip()
{
    const QString text = m_session ? m_selection->describe(&m_session->result, m_session->config(),
                                                           m_session->result.tzOffsetMinutes)
                                   : QString();
    m_chipText->setText(text);
    m_chip->setVisible(!text.isEmpty());
}

} // namespace gwb
