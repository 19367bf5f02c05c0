#include "overviewpage.h"

#include "findinghtml.h"
#include "findingsdecorator.h"
#include "selectionstate.h"
#include "views/findingsmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gwb {

namespace {
enum ProblemKind { LintProblem = 1, DiagnosticProblem = 2 };
constexpr int kKindRole = Qt::UserRole + 1;
constexpr int kIndexRole = Qt::UserRole + 2;
} // namespace

OverviewPage::OverviewPage(SelectionState *selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    m_model = new FindingsModel(this);
    m_decorated = new FindingsDecorator(this);
    m_decorated->setSourceModel(m_model);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("findingsTable"));
    m_table->setModel(m_decorated);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);

    m_problems = new QTreeWidget(this);
    m_problems->setObjectName(QStringLiteral("problemsTree"));
    m_problems->setHeaderLabels({tr("Config lint and input problems"), tr("Where")});
    m_problems->setRootIsDecorated(true);
    m_problems->header()->setStretchLastSection(false);
    m_problems->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_problems->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    m_detail = new QTextBrowser(this);
    m_detail->setObjectName(QStringLiteral("findingDetail"));
    m_detail->setOpenLinks(false);

    auto *left = new QSplitter(Qt::Vertical, this);
    left->addWidget(m_table);
    left->addWidget(m_problems);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 1);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("overviewSplitter"));
    split->addWidget(left);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid())
                    return;
                const int finding = current.siblingAtColumn(0).data(FindingsModel::FindingIndexRole).toInt();
                showFinding(finding);
                m_selection->setFinding(finding);
            });
    connect(m_problems, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, kKindRole).isValid())
            showProblem(item->data(0, kKindRole).toInt(), item->data(0, kIndexRole).toInt());
    });
    connect(m_detail, &QTextBrowser::anchorClicked, this, &OverviewPage::followLink);
    connect(m_selection, &SelectionState::changed, this, [this] {
        // Another view cleared the subject: drop the highlighted row so the table tells the truth.
        if (m_selection->filter().finding < 0)
            m_table->selectionModel()->clearCurrentIndex();
    });
}

OverviewPage::~OverviewPage() = default;

void OverviewPage::setSession(SessionPtr session)
{
    m_model->setResult(nullptr);
    m_session = std::move(session);
    m_detail->clear();
    if (!m_session) {
        m_summary->clear();
        m_problems->clear();
        return;
    }
    const DiagnosisResult &r = m_session->result;
    m_model->setResult(&r);
    m_table->resizeColumnsToContents();
    QStringList statuses;
    for (const auto &[status, count] : r.requestsByStatus)
        if (status >= 400 || status < 100)
            statuses << QStringLiteral("%1 ×%2").arg(status).arg(count);
    m_summary->setText(tr("<b>%1 findings</b> · %2 requests · %3 upstream failures seen by clients · %4 error-log "
                          "entries · problem statuses: %5")
                           .arg(r.findings.size())
                           .arg(r.requests)
                           .arg(r.upstreamFailures)
                           .arg(r.errorEntries)
                           .arg(statuses.isEmpty() ? tr("none") : statuses.join(QStringLiteral(", "))));
    fillProblems();
    if (r.findings.empty())
        m_detail->setHtml(tr("<h2>No upstream failures found</h2><p>The logs in this window show no 502, 504 or "
                             "499 caused by an upstream. Check the time window and that the access log records "
                             "$upstream_addr and $upstream_status.</p>"));
}

void OverviewPage::fillProblems()
{
    m_problems->clear();
    const DiagnosisResult &r = m_session->result;
    auto *lint = new QTreeWidgetItem(m_problems, {tr("Config lint (%1)").arg(r.lint.size())});
    for (std::size_t i = 0; i < r.lint.size(); ++i) {
        const LintResult &l = r.lint[i];
        auto *item = new QTreeWidgetItem(lint, {l.severity + QStringLiteral(": ") + l.message, l.context});
        item->setToolTip(0, l.message);
        item->setData(0, kKindRole, LintProblem);
        item->setData(0, kIndexRole, int(i));
    }
    auto *diag = new QTreeWidgetItem(m_problems, {tr("Input diagnostics (%1)").arg(r.diagnostics.size())});
    for (std::size_t i = 0; i < r.diagnostics.size(); ++i) {
        const Diagnostic &d = r.diagnostics[i];
        auto *item = new QTreeWidgetItem(diag, {severityName(d.severity) + QStringLiteral(": ") + d.message,
                                                d.where.toString()});
        item->setToolTip(0, d.message);
        item->setData(0, kKindRole, DiagnosticProblem);
        item->setData(0, kIndexRole, int(i));
    }
    m_problems->expandAll();
}

void OverviewPage::selectFinding(int row)
{
    if (row < 0 || row >= m_decorated->rowCount())
        return;
    m_table->setCurrentIndex(m_decorated->index(row, 0));
}

void OverviewPage::showFinding(int index)
{
    if (!m_session || index < 0 || std::size_t(index) >= m_session->result.findings.size())
        return;
    m_detail->setHtml(findingHtml(m_session->result.findings[std::size_t(index)], m_session->result.tzOffsetMinutes,
                                  palette()));
}

void OverviewPage::showProblem(int kind, int index)
{
    if (!m_session)
        return;
    const DiagnosisResult &r = m_session->result;
    if (kind == LintProblem && std::size_t(index) < r.lint.size())
        m_detail->setHtml(lintHtml(r.lint[std::size_t(index)]));
    else if (kind == DiagnosticProblem && std::size_t(index) < r.diagnostics.size())
        m_detail->setHtml(diagnosticHtml(r.diagnostics[std::size_t(index)]));
}

void OverviewPage::followLink(const QUrl &url)
{
    const auto target = parseLink(url);
    if (!target)
        return;
    if (target->first)
        emit openConfig(target->second);
    else
        emit openLog(target->second);
}

} // namespace gwb
