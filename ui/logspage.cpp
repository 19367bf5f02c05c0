#include "logspage.h"

#include "findinghtml.h"
#include "logfilterrunner.h"
#include "loglinedelegate.h"
#include "selectionstate.h"
#include "views/logtablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <set>
#include <utility>

namespace gwb {

LogsPage::LogsPage(SelectionState *selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    m_model = new LogTableModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new LogLineDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Uniform row heights: the view then never measures rows, which keeps millions of lines cheap.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);

    m_cause = new QComboBox(this);
    m_cause->addItem(tr("Any cause"));
    for (int c = 1; c < kCauseCount; ++c)
        m_cause->addItem(QString(causeId(static_cast<Cause>(c))), c);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("Any status"));
    for (int s : {5, 4, 502, 504, 499, 500, 503, 200})
        m_status->addItem(s < 10 ? QStringLiteral("%1xx").arg(s) : QString::number(s), s);
    m_peer = new QComboBox(this);
    m_peer->setEditable(true);
    m_peer->setMinimumContentsLength(14);
    m_peer->lineEdit()->setPlaceholderText(tr("peer"));
    m_host = new QLineEdit(this);
    m_host->setPlaceholderText(tr("host"));
    m_host->setMaximumWidth(160);
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("logTextFilter"));
    m_text->setPlaceholderText(tr("Find in lines (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_failuresOnly = new QCheckBox(tr("Failures only"), this);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("logLineCount"));
    m_filtering = new QProgressBar(this);
    m_filtering->setObjectName(QStringLiteral("logFiltering"));
    m_filtering->setRange(0, 0); // busy: select() does not report how far it got
    m_filtering->setTextVisible(false);
    m_filtering->setMaximumWidth(80);
    m_filtering->setMaximumHeight(m_text->sizeHint().height() / 2);
    m_filtering->hide();
    m_runner = new LogFilterRunner(m_model, this);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_cause);
    bar->addWidget(m_status);
    bar->addWidget(m_peer);
    bar->addWidget(m_host);
    bar->addWidget(m_text, 1);
    bar->addWidget(m_failuresOnly);
    bar->addWidget(m_filtering);
    bar->addWidget(m_count);

    m_detail = new QTextBrowser(this);
    m_detail->setOpenLinks(false);
    m_showConfig = new QPushButton(tr("Show config of this location"), this);
    m_showConfig->setEnabled(false);
    auto *detailBox = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detail, 1);
    detailLayout->addWidget(m_showConfig);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("logsSplitter"));
    split->addWidget(m_table);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250); // typing must not refilter a big log per keystroke
    connect(m_debounce, &QTimer::timeout, this, &LogsPage::applyFilter);
    // A scan of the previous text is stale as soon as the text changes: stop it now, not after the pause.
    connect(m_text, &QLineEdit::textChanged, this, [this] {
        if (m_runner->isRunning()) {
            m_runner->cancel();
            showCount();
        }
        m_debounce->start();
    });
    connect(m_runner, &LogFilterRunner::finished, this, &LogsPage::showCount);
    connect(m_host, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_status, &QComboBox::currentIndexChanged, this, &LogsPage::applyFilter);
    connect(m_failuresOnly, &QCheckBox::toggled, this, &LogsPage::applyFilter);
    connect(m_cause, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_syncing)
            m_selection->setCause(m_cause->currentIndex() > 0
                                      ? std::optional<Cause>(static_cast<Cause>(m_cause->currentData().toInt()))
                                      : std::nullopt);
    });
    connect(m_peer->lineEdit(), &QLineEdit::editingFinished, this, [this] {
        if (!m_syncing && m_peer->currentText() != m_selection->filter().peer)
            m_selection->setPeer(m_peer->currentText().trimmed());
    });
    connect(m_peer, &QComboBox::activated, this, [this] { m_selection->setPeer(m_peer->currentText().trimmed()); });
    connect(m_selection, &SelectionState::changed, this, [this] {
        syncBarFromSelection();
        applyFilter();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showDetail(current.row()); });
    // A reset (new rows of a filter) drops the current row without a currentRowChanged: the detail of a
    // line that may no longer be listed would stay on screen.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { showDetail(m_table->currentIndex().row()); });
    connect(m_showConfig, &QPushButton::clicked, this, [this] {
        if (m_detailConfig.isValid())
            emit openConfig(m_detailConfig);
    });
    connect(m_detail, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (const auto target = parseLink(url))
            target->first ? emit openConfig(target->second) : showLine(target->second);
    });
}

LogsPage::~LogsPage()
{
    m_runner->stopAndWait(); // no scan may read the investigation once it is gone
    m_model->setInvestigation(nullptr, nullptr); // before the session it points into goes away
}

bool LogsPage::isFiltering() const
{
    return m_runner->isRunning();
}

void LogsPage::setSession(SessionPtr session)
{
    m_runner->stopAndWait();
    m_model->setInvestigation(nullptr, nullptr);
    m_session = std::move(session);
    m_detail->clear();
    m_syncing = true;
    m_peer->clear();
    m_peer->addItem(QString());
    if (m_session) {
        std::set<QString> peers;
        for (const ChainNode &n : m_session->chain.nodes)
            if (n.kind == ChainNode::Kind::Peer)
                peers.insert(n.label);
        for (const QString &p : peers)
            m_peer->addItem(p);
        m_model->setInvestigation(&m_session->investigation, &m_session->result);
    }
    m_syncing = false;
    syncBarFromSelection();
    applyFilter();
    m_table->resizeColumnsToContents();
    // Sizing to contents sees only the rows on screen, and the cause's colour bar is painted beside the text:
    // room for the longest cause name, so that "socket-permission" is never cut to "socket-permiss…".
    int causeWidth = 0;
    for (int c = 1; c < kCauseCount; ++c)
        causeWidth = qMax(causeWidth, fontMetrics().horizontalAdvance(QString(causeId(static_cast<Cause>(c)))));
    causeWidth += 4 * fontMetrics().averageCharWidth();
    if (m_table->columnWidth(LogTableModel::CauseColumn) < causeWidth)
        m_table->setColumnWidth(LogTableModel::CauseColumn, causeWidth);
}

void LogsPage::syncBarFromSelection()
{
    m_syncing = true;
    const ViewFilter &f = m_selection->filter();
    m_cause->setCurrentIndex(f.cause ? m_cause->findData(int(*f.cause)) : 0);
    m_peer->setEditText(f.peer);
    m_syncing = false;
}

void LogsPage::applyFilter()
{
    if (!m_session)
        return;
    LogFilter f = m_selection->logFilter();
    if (m_status->currentIndex() > 0)
        f.status = m_status->currentData().toInt();
    f.host = m_host->text().trimmed();
    f.text = m_text->text();
    f.failuresOnly = m_failuresOnly->isChecked();
    if (f == m_model->filter()) { // e.g. the pause after clearing a text the filter already dropped
        m_runner->cancel();
        showCount();
        return;
    }
    if (f.text.isEmpty()) {
        // The other filters look at compact events only: fast enough for the UI thread even over millions
        // of lines, and a click on "502" shows its rows at once.
        m_runner->cancel();
        m_model->setFilter(f);
        showCount();
        return;
    }
    m_runner->start(f);
    showCount();
}

void LogsPage::showCount()
{
    const bool busy = m_runner->isRunning();
    m_filtering->setVisible(busy);
    m_count->setText(busy ? tr("Filtering…") : tr("%1 lines").arg(m_model->rowCount()));
    if (std::exchange(m_showingFiltering, busy) != busy)
        emit filteringChanged(busy);
}

void LogsPage::focusFind()
{
    m_text->setFocus();
    m_text->selectAll();
}

void LogsPage::showLine(const SourceLocation &where)
{
    int row = m_model->rowOf(where);
    if (row < 0) { // hidden by a filter: show everything rather than nothing
        m_status->setCurrentIndex(0);
        m_text->clear();
        m_host->clear();
        m_failuresOnly->setChecked(false);
        m_selection->clear();
        applyFilter();
        row = m_model->rowOf(where);
    }
    if (row < 0)
        return;
    const QModelIndex index = m_model->index(row, LogTableModel::TextColumn);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void LogsPage::showDetail(int row)
{
    m_detailConfig = {};
    m_showConfig->setEnabled(false);
    m_showConfig->setText(tr("Show config of this location"));
    if (!m_session || row < 0) {
        m_detail->clear();
        return;
    }
    const auto cell = [this, row](int column, int role = Qt::DisplayRole) { return m_model->index(row, column).data(role); };
    const SourceLocation where = m_model->locationOf(row);
    QString html = QStringLiteral("<p><a href=\"%1\">%2</a> · %3</p><pre style='white-space:pre-wrap'>%4</pre>")
                       .arg(logLink(where).toString().toHtmlEscaped(), where.toString().toHtmlEscaped(),
                            cell(LogTableModel::TimeColumn).toString(),
                            cell(LogTableModel::TextColumn).toString().toHtmlEscaped());
    const int finding = cell(0, LogTableModel::FindingRole).isValid() ? cell(0, LogTableModel::FindingRole).toInt() : -1;
    if (finding >= 0 && std::size_t(finding) < m_session->result.findings.size()) {
        const Finding &f = m_session->result.findings[std::size_t(finding)];
        // The location that handled the request, as the diagnoser matched it for the finding.
        const ConfigModel *config = m_session->config();
        if (config && f.locationIndex >= 0 && std::size_t(f.locationIndex) < config->locations.size()) {
            const Location &loc = config->locations[std::size_t(f.locationIndex)];
            m_detailConfig = loc.where;
            m_showConfig->setEnabled(m_detailConfig.isValid());
            m_showConfig->setText(tr("Show config of %1").arg(loc.displayName()));
        }
        html += tr("<h3>%1</h3><p><code>%2</code> — finding %3</p>").arg(f.title.toHtmlEscaped(), QString(causeId(f.cause))).arg(finding + 1);
        // The diagnoser lists each error line right before the access line it joined.
        QString joined;
        for (std::size_t i = 0; i < f.evidence.size(); ++i)
            if (f.evidence[i].where == where && i > 0 && f.evidence[i - 1].where.file != where.file)
                joined = f.evidence[i - 1].text;
        if (!joined.isEmpty())
            html += tr("<h4>Joined error-log line</h4><pre style='white-space:pre-wrap'>%1</pre>").arg(joined.toHtmlEscaped());
        if (!f.exampleChain.empty()) {
            html += tr("<h4>Retry chain (one request of this finding)</h4><ol>");
            for (const AttemptSummary &a : f.exampleChain)
                html += QStringLiteral("<li><code>%1</code> → %2</li>").arg(a.peer.toHtmlEscaped()).arg(a.status);
            html += QStringLiteral("</ol>");
        }
        html += QStringLiteral("<p>") + f.explanation.toHtmlEscaped() + QStringLiteral("</p>");
    }
    m_detail->setHtml(html);
}

} // namespace gwb
