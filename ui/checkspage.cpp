#include "checkspage.h"

#include "checks/pluginloader.h"
#include "diagnosis/investigation.h"
#include "messagebar.h"
#include "selectionstate.h"
#include "transport/localtransport.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>

namespace gwb {

namespace {

constexpr int kSubjectRole = Qt::UserRole;     // index into m_subjects, -1 for a group row
constexpr int kFindingRole = Qt::UserRole + 1; // the group's finding, -1 for healthy peers

// Two results are about the same subject when they name the same peer/socket/location for the same cause.
QString subjectKey(const CheckSubject &s)
{
    return s.peer % QLatin1Char('|') % s.socketPath % QLatin1Char('|') % causeId(s.cause) % QLatin1Char('|') %
           s.location % QLatin1Char('|') % s.upstream;
}

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

QLabel *wrapLabel(const QString &html, QWidget *parent)
{
    auto *l = new QLabel(html, parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QFont monoFont()
{
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

// A read-only monospace field sized to its lines, with a Copy button beside it.
QWidget *copyableCommands(const QStringList &commands, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    auto *text = new QPlainTextEdit(box);
    text->setObjectName(QStringLiteral("commandText"));
    text->setReadOnly(true);
    text->setFont(monoFont());
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setPlainText(commands.join(QLatin1Char('\n')));
    const int lines = int(std::min<qsizetype>(commands.size(), 6));
    const QFontMetrics fm(text->font());
    text->setFixedHeight(fm.lineSpacing() * lines + 2 * int(text->document()->documentMargin()) + 8 +
                         text->horizontalScrollBar()->sizeHint().height());
    auto *copy = new QPushButton(QObject::tr("Copy"), box);
    copy->setObjectName(QStringLiteral("copyCommands"));
    copy->setToolTip(QObject::tr("Copy the command(s) to the clipboard"));
    QObject::connect(copy, &QPushButton::clicked, box,
                     [text] { QGuiApplication::clipboard()->setText(text->toPlainText()); });
    row->addWidget(text, 1);
    row->addWidget(copy, 0, Qt::AlignTop);
    return box;
}

} // namespace

QColor verdictColor(Verdict v)
{
    // Saturated mid tones under white bold text: readable on light and on dark windows alike.
    switch (v) {
    case Verdict::Pass:
        return QColor(0x2e, 0x7d, 0x32);
    case Verdict::Warn:
        return QColor(0xb2, 0x6a, 0x00);
    case Verdict::Fail:
        return QColor(0xc6, 0x28, 0x28);
    case Verdict::CouldNotRun:
        break;
    }
    return QColor(0x5f, 0x6b, 0x7a);
}

QString verdictLabel(Verdict v)
{
    switch (v) {
    case Verdict::Pass:
        return QObject::tr("PASS");
    case Verdict::Warn:
        return QObject::tr("WARN");
    case Verdict::Fail:
        return QObject::tr("FAIL");
    case Verdict::CouldNotRun:
        break;
    }
    return QObject::tr("COULD NOT RUN");
}

// ---- CheckStepCard ---------------------------------------------------------------------------------------

CheckStepCard::CheckStepCard(const PlannedCheck &planned, const QStringList &commands, bool isNext,
                             QWidget *parent)
    : QFrame(parent), m_checkId(planned.check->id())
{
    setObjectName(QStringLiteral("checkCard_") + m_checkId);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(isNext ? QPalette::AlternateBase : QPalette::Base);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 8);
    layout->setSpacing(4);

    auto *head = new QHBoxLayout;
    m_badge = new QLabel(this);
    m_badge->setObjectName(QStringLiteral("verdictBadge"));
    m_badge->hide();
    auto *title = new QLabel(QStringLiteral("<b>") % esc(planned.check->title()) % QStringLiteral("</b>") %
                                 (isNext ? tr(" &nbsp;<i>— next step</i>") : QString()),
                             this);
    title->setTextFormat(Qt::RichText);
    auto *id = new QLabel(QStringLiteral("<small>") % esc(m_checkId) % QStringLiteral("</small>"), this);
    id->setForegroundRole(QPalette::PlaceholderText);
    m_run = new QPushButton(tr("Run"), this);
    m_run->setObjectName(QStringLiteral("runCheck"));
    m_run->setToolTip(tr("Run this check now"));
    head->addWidget(m_badge);
    head->addWidget(title);
    head->addWidget(id);
    head->addStretch(1);
    head->addWidget(m_run);
    layout->addLayout(head);

    if (!planned.reason.isEmpty())
        layout->addWidget(wrapLabel(tr("<b>Why now:</b> ") % esc(planned.reason), this));
    layout->addWidget(wrapLabel(tr("<b>Why it matters:</b> ") % esc(planned.check->whyItMatters()), this));
    if (planned.check->needsConsent())
        layout->addWidget(wrapLabel(tr("<i>Capture: runs only when “Allow captures” is on.</i>"), this));
    if (commands.isEmpty())
        layout->addWidget(wrapLabel(tr("<i>Reads the collected config and logs; sends no command.</i>"), this));
    else
        layout->addWidget(copyableCommands(commands, this));

    m_details = wrapLabel(QString(), this);
    m_details->setObjectName(QStringLiteral("resultDetails"));
    m_details->hide();
    layout->addWidget(m_details);

    m_toggleOutput = new QPushButton(this);
    m_toggleOutput->setObjectName(QStringLiteral("toggleOutput"));
    m_toggleOutput->setCheckable(true);
    m_toggleOutput->setFlat(true);
    m_toggleOutput->hide();
    auto *outputText = new QPlainTextEdit(this);
    outputText->setObjectName(QStringLiteral("commandOutput"));
    outputText->setReadOnly(true);
    outputText->setFont(monoFont());
    outputText->setLineWrapMode(QPlainTextEdit::NoWrap);
    outputText->setMinimumHeight(120);
    outputText->setMaximumHeight(260);
    outputText->hide();
    m_output = outputText;
    layout->addWidget(m_toggleOutput, 0, Qt::AlignLeft);
    layout->addWidget(m_output);
    connect(m_toggleOutput, &QPushButton::toggled, m_output, &QWidget::setVisible);
    connect(m_run, &QPushButton::clicked, this, &CheckStepCard::runRequested);
}

QString CheckStepCard::verdictText() const
{
    return m_badge->text();
}

void CheckStepCard::showResult(const CheckResult *r)
{
    if (!r) {
        m_badge->hide();
        m_badge->clear();
        m_details->hide();
        m_toggleOutput->hide();
        m_output->hide();
        return;
    }
    const QColor c = verdictColor(r->verdict);
    m_badge->setText(verdictLabel(r->verdict));
    m_badge->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; "
                                          "border-radius: 3px; padding: 1px 6px; }")
                               .arg(c.name()));
    m_badge->show();

    QString html = QStringLiteral("<p style='margin:0'><b>") % esc(r->summary) % QStringLiteral("</b></p>");
    if (!r->why.isEmpty())
        html += tr("<p style='margin:2px 0'><b>Why:</b> ") % esc(r->why) % QStringLiteral("</p>");
    if (!r->remedy.isEmpty())
        html += (r->verdict == Verdict::CouldNotRun ? tr("<p style='margin:2px 0'><b>To run it:</b> ")
                                                    : tr("<p style='margin:2px 0'><b>Remedy:</b> ")) %
                esc(r->remedy) % QStringLiteral("</p>");
    if (r->pointsTo)
        html += tr("<p style='margin:2px 0'><b>Points to:</b> ") % esc(causeInfo(*r->pointsTo).title) %
                QStringLiteral("</p>");
    if (!r->facts.isEmpty()) {
        html += QStringLiteral("<p style='margin:2px 0'><b>") % tr("Facts:") %
                QStringLiteral("</b></p><ul style='margin-top:0; margin-bottom:0'>");
        for (const QString &f : r->facts)
            html += QStringLiteral("<li>") % esc(f) % QStringLiteral("</li>");
        html += QStringLiteral("</ul>");
    }
    m_details->setText(html);
    m_details->show();

    QString out;
    for (const CommandRecord &cmd : r->commands) {
        out += QStringLiteral("$ ") % cmd.text % QLatin1Char('\n');
        if (!cmd.out.isEmpty())
            out += QString::fromUtf8(cmd.out.left(64 * 1024));
        if (!cmd.err.isEmpty())
            out += QStringLiteral("[stderr]\n") % QString::fromUtf8(cmd.err.left(16 * 1024));
        if (!out.endsWith(QLatin1Char('\n')))
            out += QLatin1Char('\n');
        out += cmd.error.isEmpty() ? tr("[exit %1, %2 ms]").arg(cmd.exitCode).arg(cmd.durationMs)
                                   : tr("[failed: %1]").arg(cmd.error);
        out += QStringLiteral("\n\n");
    }
    static_cast<QPlainTextEdit *>(m_output)->setPlainText(out);
    const bool any = !r->commands.empty();
    m_toggleOutput->setText(tr("Output of %n command(s)", nullptr, int(r->commands.size())));
    m_toggleOutput->setVisible(any);
    m_output->setVisible(any && m_toggleOutput->isChecked());
}

// ---- ChecksPage ------------------------------------------------------------------------------------------

struct ChecksPage::Job
{
    SessionPtr session;
    std::shared_ptr<const CheckRegistry> registry;
    std::unique_ptr<Transport> transport;
    CheckOptions options;
    CancelToken token;
    std::vector<PlannedCheck> single; // run these in order (one step), or
    std::optional<CheckSubject> guided; // walk this subject's tree
};

ChecksPage::ChecksPage(SelectionState *selection, QWidget *parent) : QWidget(parent), m_selection(selection)
{
    setObjectName(QStringLiteral("checksPage"));
    m_factory = [](const CancelToken &) { return std::unique_ptr<Transport>(std::make_unique<LocalTransport>()); };
    {
        CheckRegistry registry = CheckRegistry::withBuiltins();
        loadCheckPlugins(defaultPluginDirs(), registry);
        m_registry = std::make_shared<const CheckRegistry>(std::move(registry));
    }

    m_message = new MessageBar(this);
    m_message->hide();

    // Left: the subjects, grouped by finding.
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("checkSubjects"));
    m_tree->setHeaderLabels({tr("Subject"), tr("Checks")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_tree->header()->resizeSection(1, 130);
    m_tree->setMinimumWidth(220);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_healthy = new QCheckBox(tr("Include healthy peers"), this);
    m_healthy->setObjectName(QStringLiteral("includeHealthy"));
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_tree, 1);
    leftLayout->addWidget(m_healthy);

    // Right: the toolbar, then the steps.
    m_subjectTitle = wrapLabel(QString(), this);
    m_subjectTitle->setObjectName(QStringLiteral("subjectTitle"));
    m_runNext = new QPushButton(tr("Run next step"), this);
    m_runNext->setObjectName(QStringLiteral("runNextStep"));
    m_runAll = new QPushButton(tr("Run all for this subject"), this);
    m_runAll->setObjectName(QStringLiteral("runAllForSubject"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelChecks"));
    m_captures = new QCheckBox(tr("Allow captures (tcpdump/strace)"), this);
    m_captures->setObjectName(QStringLiteral("allowCaptures"));
    m_captures->setToolTip(tr("Captures see traffic: they run only after you confirm, bounded in time and packets"));
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("checksStatus"));
    // A long status must not widen the page (and squeeze the targets panel): it wraps instead.
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_runNext);
    bar->addWidget(m_runAll);
    bar->addWidget(m_cancel);
    bar->addSpacing(12);
    bar->addWidget(m_captures);
    bar->addStretch(1);
    bar->addWidget(m_status);
    bar->addWidget(m_busy);

    m_steps = new QWidget(this);
    m_stepsLayout = new QVBoxLayout(m_steps);
    m_stepsLayout->setContentsMargins(4, 4, 4, 4);
    m_stepsLayout->setSpacing(6);
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("checkSteps"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setWidget(m_steps);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_subjectTitle);
    rightLayout->addLayout(bar);
    rightLayout->addWidget(m_scroll, 1);

    auto *split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({400, 800});
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &ChecksPage::onTreeSelection);
    connect(m_selection, &SelectionState::changed, this, &ChecksPage::onSelectionChanged);
    connect(m_runNext, &QPushButton::clicked, this, &ChecksPage::runNextStep);
    connect(m_runAll, &QPushButton::clicked, this, &ChecksPage::runAllForSubject);
    connect(m_cancel, &QPushButton::clicked, this, &ChecksPage::cancel);
    connect(m_healthy, &QCheckBox::toggled, this, &ChecksPage::setIncludeHealthy);
    connect(m_captures, &QCheckBox::toggled, this, [this](bool on) {
        if (!setAllowCaptures(on, on)) {
            const QSignalBlocker block(m_captures);
            m_captures->setChecked(false);
        }
    });
    showPluginWarnings();
}

ChecksPage::~ChecksPage()
{
    // The worker posts to this object: let it stop first (cancelled runs end within ~100 ms).
    m_token.cancel();
    m_future.waitForFinished();
}

void ChecksPage::setRegistry(CheckRegistry registry)
{
    m_registry = std::make_shared<const CheckRegistry>(std::move(registry));
    showPluginWarnings();
    rebuildSteps();
}

void ChecksPage::showPluginWarnings()
{
    const QStringList warnings = m_registry->warnings();
    if (warnings.isEmpty()) {
        m_message->hide();
    } else {
        m_message->showError(tr("%n check plugin(s) were not loaded: %1", nullptr, int(warnings.size()))
                                 .arg(warnings.first()),
                             warnings.join(QLatin1Char('\n')));
        m_message->show();
    }
    m_run.warnings = warnings;
}

void ChecksPage::setTransportFactory(TransportFactory factory)
{
    m_factory = std::move(factory);
}

void ChecksPage::setSession(SessionPtr session)
{
    cancel();
    ++m_generation; // results of a run for the previous session are dropped
    m_running = false;
    m_session = std::move(session);
    m_run = CheckRun{};
    m_run.warnings = m_registry->warnings();
    m_current = -1;
    rebuildSubjects();
    if (!m_subjects.empty())
        selectSubject(0);
    else
        rebuildSteps();
}

CheckOptions ChecksPage::options() const
{
    CheckOptions o;
    o.sudo = m_sudo;
    o.consent.tcpdump = o.consent.strace = m_allowCaptures;
    return o;
}

bool ChecksPage::setAllowCaptures(bool allow, bool ask)
{
    if (allow && !m_allowCaptures && ask) {
        const CaptureConsent bounds;
        const auto answer = QMessageBox::question(
            this, tr("Allow captures?"),
            tr("<p>tcpdump and strace run on the nginx host under <tt>sudo -n</tt> (or as root). They change "
               "nothing, but they <b>see traffic</b>: request lines, headers and cookies may appear in their "
               "output and in saved results.</p><p>Each capture stops after at most <b>%1 seconds</b> and "
               "tcpdump after <b>%2 packets</b>.</p><p>Allow captures for this session?</p>")
                .arg(bounds.maxSeconds)
                .arg(bounds.maxPackets),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return false;
    }
    m_allowCaptures = allow;
    const QSignalBlocker block(m_captures);
    m_captures->setChecked(allow);
    return true;
}

void ChecksPage::setIncludeHealthy(bool include)
{
    if (m_includeHealthy == include)
        return;
    m_includeHealthy = include;
    {
        const QSignalBlocker block(m_healthy);
        m_healthy->setChecked(include);
    }
    const std::optional<QString> key =
        m_current >= 0 ? std::optional(subjectKey(m_subjects[size_t(m_current)])) : std::nullopt;
    rebuildSubjects();
    int index = m_subjects.empty() ? -1 : 0;
    for (size_t i = 0; key && i < m_subjects.size(); ++i)
        if (subjectKey(m_subjects[i]) == *key)
            index = int(i);
    m_current = -1;
    selectSubject(index);
}

void ChecksPage::rebuildSubjects()
{
    const QSignalBlocker block(m_tree);
    m_tree->clear();
    m_subjects.clear();
    if (!m_session)
        return;
    PlanFilter filter;
    filter.includeHealthy = m_includeHealthy;
    m_subjects = subjectsFor(m_session->investigation, m_session->result, filter);

    // One group per finding, the findings with the most failures first; healthy peers last.
    std::map<int, std::vector<int>> byFinding;
    for (size_t i = 0; i < m_subjects.size(); ++i)
        byFinding[m_subjects[i].finding].push_back(int(i));
    std::vector<int> groups;
    for (const auto &entry : byFinding)
        groups.push_back(entry.first);
    const auto &findings = m_session->result.findings;
    auto failures = [&](int f) -> std::uint64_t {
        return f >= 0 && size_t(f) < findings.size() ? findings[size_t(f)].count : 0;
    };
    std::stable_sort(groups.begin(), groups.end(), [&](int a, int b) {
        if ((a < 0) != (b < 0))
            return b < 0;
        return failures(a) > failures(b);
    });
    std::vector<CheckSubject> ordered;
    for (int g : groups) {
        auto *group = new QTreeWidgetItem(m_tree);
        group->setData(0, kSubjectRole, -1);
        group->setData(0, kFindingRole, g);
        if (g >= 0 && size_t(g) < findings.size()) {
            const Finding &f = findings[size_t(g)];
            group->setText(0, tr("#%1 %2").arg(g + 1).arg(f.title.isEmpty() ? causeInfo(f.cause).title : f.title));
            group->setText(1, tr("%n failure(s)", nullptr, int(f.count)));
            group->setToolTip(0, QString(causeId(f.cause)) % QStringLiteral(" · ") % f.location);
        } else {
            group->setText(0, tr("Healthy peers (no failures)"));
        }
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        group->setFlags(group->flags() & ~Qt::ItemIsSelectable);
        for (int si : byFinding[g]) {
            const int index = int(ordered.size());
            ordered.push_back(m_subjects[size_t(si)]);
            const CheckSubject &s = ordered.back();
            auto *item = new QTreeWidgetItem(group);
            QString text = s.label();
            if (!s.location.isEmpty() && s.kind != CheckSubject::Kind::Location)
                text += QStringLiteral(" · ") % s.location;
            item->setText(0, text);
            item->setData(0, kSubjectRole, index);
            item->setToolTip(0, text);
        }
    }
    m_subjects = std::move(ordered);
    m_tree->expandAll();
    updateSubjectVerdicts();
}

void ChecksPage::selectSubject(int index)
{
    if (index < -1 || index >= int(m_subjects.size()))
        return;
    m_current = index;
    {
        const QSignalBlocker block(m_tree);
        m_tree->clearSelection();
        for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
            if ((*it)->data(0, kSubjectRole).toInt() == index && index >= 0) {
                (*it)->setSelected(true);
                m_tree->setCurrentItem(*it);
                m_tree->scrollToItem(*it);
            }
    }
    rebuildSteps();
}

void ChecksPage::onTreeSelection()
{
    const QList<QTreeWidgetItem *> items = m_tree->selectedItems();
    if (items.isEmpty())
        return;
    const int index = items.first()->data(0, kSubjectRole).toInt();
    if (index < 0 || index == m_current)
        return;
    m_current = index;
    rebuildSteps();
    // The other views follow: the finding the subject came from, else its peer or location.
    const CheckSubject &s = m_subjects[size_t(index)];
    m_syncing = true;
    if (s.finding >= 0)
        m_selection->setFinding(s.finding);
    else if (!s.peer.isEmpty())
        m_selection->setPeer(s.peer);
    else if (s.locationIndex >= 0)
        m_selection->setLocation(s.locationIndex);
    m_syncing = false;
}

void ChecksPage::onSelectionChanged()
{
    if (m_syncing || m_subjects.empty())
        return;
    const ViewFilter &f = m_selection->filter();
    auto find = [&](auto pred) {
        if (m_current >= 0 && pred(m_subjects[size_t(m_current)]))
            return m_current; // already showing a matching subject
        for (size_t i = 0; i < m_subjects.size(); ++i)
            if (pred(m_subjects[i]))
                return int(i);
        return -1;
    };
    int index = -1;
    if (f.finding >= 0)
        index = find([&](const CheckSubject &s) { return s.finding == f.finding; });
    else if (!f.peer.isEmpty())
        index = find([&](const CheckSubject &s) { return s.peer == f.peer; });
    else if (f.location >= 0)
        index = find([&](const CheckSubject &s) { return s.locationIndex == f.location; });
    else if (f.cause)
        index = find([&](const CheckSubject &s) { return s.cause == *f.cause; });
    if (index >= 0 && index != m_current)
        selectSubject(index);
}

const CheckResult *ChecksPage::resultFor(const CheckSubject &subject, const QString &checkId) const
{
    const QString key = subjectKey(subject);
    for (auto it = m_run.results.rbegin(); it != m_run.results.rend(); ++it)
        if (it->checkId == checkId && subjectKey(it->subject) == key)
            return &*it;
    return nullptr;
}

void ChecksPage::rebuildSteps()
{
    // Hidden at once, deleted later (a card may be the sender of the signal that got us here): a card left
    // visible until the deferred delete would be painted under the new ones.
    for (CheckStepCard *card : std::as_const(m_cards)) {
        card->hide();
        card->deleteLater();
    }
    m_cards.clear();
    while (QLayoutItem *item = m_stepsLayout->takeAt(0)) {
        if (QWidget *w = item->widget()) {
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    m_plan.clear();
    m_next.reset();
    m_treeDone = false;

    if (!m_session || m_current < 0) {
        m_subjectTitle->setText(m_session ? tr("<i>No failures to check: tick “Include healthy peers” to check "
                                               "the peers of healthy locations.</i>")
                                          : tr("<i>Open an investigation to check its findings.</i>"));
        m_stepsLayout->addStretch(1);
        updateButtons();
        return;
    }
    const CheckSubject &subject = m_subjects[size_t(m_current)];
    const CheckContext planning(nullptr, &m_session->investigation, &m_session->result, options());
    m_plan = planChecks(*m_registry, {subject}, planning);

    // Where the decision tree stands: from its root, past every check that already has a result.
    for (const PlannedCheck &p : m_plan)
        if (p.treeNode >= 0) {
            m_next = p;
            break;
        }
    for (int guard = 0; m_next && guard < 64; ++guard) {
        const CheckResult *done = resultFor(subject, m_next->check->id());
        if (!done)
            break;
        m_next = nextCheck(*m_registry, *m_next, *done, planning);
        if (!m_next)
            m_treeDone = true;
    }

    QString title = QStringLiteral("<b>") % esc(subject.label()) % QStringLiteral("</b>");
    if (subject.cause != Cause::None)
        title += QStringLiteral(" — ") % esc(causeInfo(subject.cause).title);
    if (!subject.location.isEmpty() && subject.kind != CheckSubject::Kind::Location)
        title += QStringLiteral(" · ") % esc(subject.location);
    m_subjectTitle->setText(title);

    const GuidedStep order[] = {GuidedStep::Meaning, GuidedStep::Logs, GuidedStep::Probe, GuidedStep::Config,
                                GuidedStep::Deeper};
    int number = 0;
    for (GuidedStep step : order) {
        std::vector<int> indexes;
        for (size_t i = 0; i < m_plan.size(); ++i)
            if (m_plan[i].check->step() == step)
                indexes.push_back(int(i));
        if (indexes.empty())
            continue;
        auto *header = new QLabel(m_steps);
        header->setObjectName(QStringLiteral("stepHeader_") + QString(guidedStepId(step)));
        QString text = QStringLiteral("<h3 style='margin:6px 0 0 0'>%1. %2</h3>").arg(++number).arg(esc(guidedStepTitle(step)));
        if (step == GuidedStep::Deeper && !m_allowCaptures)
            text += tr("<i>Opt-in: tick “Allow captures” to run these.</i>");
        header->setText(text);
        header->setTextFormat(Qt::RichText);
        m_stepsLayout->addWidget(header);
        for (int i : indexes) {
            const PlannedCheck &p = m_plan[size_t(i)];
            const bool isNext = m_next && m_next->check == p.check;
            auto *card = new CheckStepCard(p, p.check->plannedCommands(p.subject, planning), isNext, m_steps);
            card->showResult(resultFor(subject, p.check->id()));
            connect(card, &CheckStepCard::runRequested, this, [this, i] { runPlannedAt(i); });
            m_stepsLayout->addWidget(card);
            m_cards << card;
        }
    }
    if (m_plan.empty())
        m_stepsLayout->addWidget(wrapLabel(tr("<i>No check applies to this subject.</i>"), m_steps));
    m_stepsLayout->addStretch(1);
    // Widgets added to a shown parent are shown only later (queued): show them now, so that the page is
    // complete at once (and for tests and screenshots that look right away).
    for (int i = 0; i < m_stepsLayout->count(); ++i)
        if (QWidget *w = m_stepsLayout->itemAt(i)->widget())
            w->show();
    updateButtons();
}

void ChecksPage::updateButtons()
{
    const bool have = m_session && m_current >= 0 && !m_plan.empty();
    m_runNext->setEnabled(have && !m_running && m_next.has_value());
    m_runNext->setToolTip(m_next ? tr("Run “%1”: %2").arg(m_next->check->title(), m_next->reason)
                          : m_treeDone ? tr("The decision tree ends here for this subject")
                                       : QString());
    m_runAll->setEnabled(have && !m_running);
    m_cancel->setEnabled(m_running);
    m_healthy->setEnabled(!m_running);
    for (CheckStepCard *card : std::as_const(m_cards))
        card->runButton()->setEnabled(!m_running);
    m_busy->setVisible(m_running);
    if (!m_running && m_treeDone && have)
        m_status->setText(tr("Decision tree done for this subject."));
}

void ChecksPage::runPlannedAt(int planIndex)
{
    if (planIndex < 0 || size_t(planIndex) >= m_plan.size())
        return;
    startJob({m_plan[size_t(planIndex)]}, false);
}

void ChecksPage::runNextStep()
{
    if (m_next)
        startJob({*m_next}, false);
}

void ChecksPage::runAllForSubject()
{
    startJob({}, true);
}

void ChecksPage::cancel()
{
    if (!m_running)
        return;
    m_token.cancel();
    m_status->setText(tr("Cancelling…"));
}

void ChecksPage::startJob(std::vector<PlannedCheck> single, bool guided)
{
    if (m_running || !m_session || m_current < 0)
        return;
    auto job = std::make_shared<Job>();
    job->session = m_session;
    job->registry = m_registry;
    m_token = CancelToken();
    job->token = m_token;
    job->transport = m_factory ? m_factory(m_token) : nullptr;
    job->options = options();
    job->single = std::move(single);
    if (guided)
        job->guided = m_subjects[size_t(m_current)];
    m_run.host = job->transport ? job->transport->describe() : QStringLiteral("bundle");
    if (m_run.startedUtcMs == 0)
        m_run.startedUtcMs = QDateTime::currentMSecsSinceEpoch();
    m_running = true;
    const quint64 generation = ++m_generation;
    m_status->setText(guided ? tr("Running the checks for %1…").arg(m_subjects[size_t(m_current)].label())
                             : tr("Running “%1”…").arg(job->single.front().check->title()));
    updateButtons();

    m_future = QtConcurrent::run([this, job, generation] {
        CheckContext context(job->transport.get(), &job->session->investigation, &job->session->result,
                             job->options, job->token);
        auto deliver = [this, generation](const CheckResult &r) {
            QMetaObject::invokeMethod(
                this, [this, r, generation] {
                    if (generation == m_generation)
                        acceptResult(r);
                },
                Qt::QueuedConnection);
        };
        if (job->guided) {
            runGuided(*job->registry, {*job->guided}, context, deliver);
        } else {
            for (const PlannedCheck &p : job->single) {
                if (job->token.isCancelled())
                    break;
                deliver(runPlanned(p, context));
            }
        }
        QMetaObject::invokeMethod(this, [this, generation] { jobDone(generation); }, Qt::QueuedConnection);
    });
}

void ChecksPage::acceptResult(const CheckResult &result)
{
    const QString key = subjectKey(result.subject);
    auto same = std::find_if(m_run.results.begin(), m_run.results.end(), [&](const CheckResult &r) {
        return r.checkId == result.checkId && subjectKey(r.subject) == key;
    });
    if (same != m_run.results.end())
        *same = result;
    else
        m_run.results.push_back(result);
    int done = 0;
    for (const CheckResult &r : m_run.results)
        done += subjectKey(r.subject) == key ? 1 : 0;
    m_status->setText(tr("%1: %2 — %n check(s) done for this subject", nullptr, done)
                          .arg(result.title, verdictLabel(result.verdict).toLower()));
    if (m_current >= 0 && subjectKey(m_subjects[size_t(m_current)]) == key) {
        const int scroll = m_scroll->verticalScrollBar()->value();
        rebuildSteps(); // shows the verdict and moves the "next step" marker along the tree
        m_scroll->verticalScrollBar()->setValue(scroll);
    }
    updateSubjectVerdicts();
    emit resultsChanged(checkRunToJson(m_run));
}

void ChecksPage::updateSubjectVerdicts()
{
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        const int index = (*it)->data(0, kSubjectRole).toInt();
        if (index < 0 || size_t(index) >= m_subjects.size())
            continue;
        const QString key = subjectKey(m_subjects[size_t(index)]);
        std::map<Verdict, int> counts;
        for (const CheckResult &r : m_run.results)
            if (subjectKey(r.subject) == key)
                ++counts[r.verdict];
        QStringList parts;
        std::optional<Verdict> worst;
        for (Verdict v : {Verdict::Fail, Verdict::Warn, Verdict::CouldNotRun, Verdict::Pass})
            if (counts[v] > 0) {
                parts << QStringLiteral("%1 %2").arg(counts[v]).arg(QString(verdictId(v)));
                if (!worst)
                    worst = v;
            }
        (*it)->setText(1, parts.join(QStringLiteral(" · ")));
        (*it)->setForeground(1, worst ? QBrush(verdictColor(*worst)) : QBrush());
    }
}

void ChecksPage::jobDone(quint64 generation)
{
    if (generation != m_generation)
        return;
    const bool cancelled = m_token.isCancelled();
    m_running = false;
    if (cancelled)
        m_status->setText(tr("Cancelled."));
    updateButtons();
    emit runFinished();
}

void ChecksPage::restoreResults(const QJsonObject &saved)
{
    if (saved.isEmpty())
        return;
    Result<CheckRun> run = checkRunFromJson(saved);
    if (!run) {
        m_message->showError(tr("The saved check results could not be read: %1").arg(run.error().message));
        m_message->show();
        return;
    }
    m_run = std::move(run.value());
    m_status->setText(tr("%n saved result(s) from %1", nullptr, int(m_run.results.size())).arg(m_run.host));
    updateSubjectVerdicts();
    rebuildSteps();
}

} // namespace gwb
