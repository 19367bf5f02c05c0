#include "trainingpracticepanel.h"

#include "labrunner.h"
#include "nginx/configmodel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>

namespace gwb {

namespace {

QLabel *wrapLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

void fillCauses(QComboBox *combo)
{
    combo->addItem(QObject::tr("— choose a cause —"), QString());
    std::vector<Cause> causes;
    for (int i = 0; i < kCauseCount; ++i) {
        const auto c = static_cast<Cause>(i);
        if (c != Cause::None && c != Cause::Unclassified)
            causes.push_back(c);
    }
    std::sort(causes.begin(), causes.end(),
              [](Cause a, Cause b) { return causeInfo(a).title < causeInfo(b).title; });
    for (Cause c : causes)
        combo->addItem(QStringLiteral("%1  (%2)").arg(causeInfo(c).title, causeId(c)), QString(causeId(c)));
}

} // namespace

TrainingPracticePanel::TrainingPracticePanel(QWidget *parent)
    : QWidget(parent), m_runner(new PracticeRunner(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *intro = wrapLabel(this);
    intro->setText(
        tr("A practice round breaks one backend of the practice lab — you are not told which one, nor "
           "how. Investigate with the normal tools, then submit your diagnosis: the cause and the "
           "location (or peer) where it happens."));
    layout->addWidget(intro);

    auto *buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start practice round"), this);
    m_start->setObjectName(QStringLiteral("startRound"));
    m_traffic = new QPushButton(tr("Send more traffic"), this);
    m_stop = new QPushButton(tr("Stop lab"), this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("practiceStatus"));
    m_status->setWordWrap(true);
    buttons->addWidget(m_start);
    buttons->addWidget(m_traffic);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_status, 1);
    layout->addLayout(buttons);

    auto *ticketBox = new QGroupBox(tr("The ticket"), this);
    auto *ticketLayout = new QVBoxLayout(ticketBox);
    m_ticket = wrapLabel(ticketBox);
    m_ticket->setText(tr("<i>No round running. Start one.</i>"));
    ticketLayout->addWidget(m_ticket);
    auto *hintRow = new QHBoxLayout;
    m_hintButton = new QPushButton(tr("Show a hint (−%1 points)").arg(PracticeRound::kHintCost), ticketBox);
    m_hint = wrapLabel(ticketBox);
    m_hint->hide();
    hintRow->addWidget(m_hintButton);
    hintRow->addWidget(m_hint, 1);
    hintRow->addStretch(); // keeps the button its own size while the hint is hidden
    ticketLayout->addLayout(hintRow);
    layout->addWidget(ticketBox);

    m_whereBox = new QGroupBox(tr("Where to look"), this);
    m_whereBox->setObjectName(QStringLiteral("whereToLook"));
    auto *whereLayout = new QVBoxLayout(m_whereBox);
    m_where = wrapLabel(m_whereBox);
    whereLayout->addWidget(m_where);
    auto *openRow = new QHBoxLayout;
    m_open = new QPushButton(tr("Open in the workbench"), m_whereBox);
    openRow->addWidget(m_open);
    openRow->addStretch(1);
    whereLayout->addLayout(openRow);
    m_clients = new QPlainTextEdit(m_whereBox);
    m_clients->setReadOnly(true);
    m_clients->setPlaceholderText(tr("What the lab's clients saw appears here."));
    m_clients->setFont(QFont(QStringLiteral("monospace")));
    m_clients->setMaximumHeight(110);
    whereLayout->addWidget(m_clients);
    layout->addWidget(m_whereBox);

    auto *answerBox = new QGroupBox(tr("Your diagnosis"), this);
    auto *form = new QFormLayout(answerBox);
    m_cause = new QComboBox(answerBox);
    m_cause->setObjectName(QStringLiteral("submittedCause"));
    fillCauses(m_cause);
    m_place = new QLineEdit(answerBox);
    m_place->setObjectName(QStringLiteral("submittedWhere"));
    m_place->setPlaceholderText(tr("the location (/…) or the peer (address, socket or upstream name)"));
    m_submit = new QPushButton(tr("Submit diagnosis"), answerBox);
    m_submit->setObjectName(QStringLiteral("submitDiagnosis"));
    form->addRow(tr("Cause:"), m_cause);
    form->addRow(tr("Where:"), m_place);
    auto *submitRow = new QHBoxLayout;
    submitRow->addWidget(m_submit);
    submitRow->addStretch(1);
    form->addRow(QString(), submitRow);
    layout->addWidget(answerBox);

    m_result = new QTextBrowser(this);
    m_result->setObjectName(QStringLiteral("practiceResult"));
    m_result->setPlaceholderText(tr("Your score, the real cause and the fastest path to it appear here."));
    layout->addWidget(m_result, 1);

    connect(m_start, &QPushButton::clicked, this, &TrainingPracticePanel::startRound);
    connect(m_traffic, &QPushButton::clicked, m_runner, &PracticeRunner::sendTraffic);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPracticePanel::stopLab);
    connect(m_submit, &QPushButton::clicked, this, &TrainingPracticePanel::submit);
    connect(m_open, &QPushButton::clicked, this, [this] { emit investigateRequested(labInputs()); });
    connect(m_hintButton, &QPushButton::clicked, this, [this] {
        if (!m_round)
            return;
        m_hint->setText(m_round->hint());
        m_hint->show();
        m_hintButton->setEnabled(false);
    });
    connect(m_runner, &PracticeRunner::progress, m_status, &QLabel::setText);
    connect(m_runner, &PracticeRunner::finished, this, &TrainingPracticePanel::onFinished);
    connect(m_runner, &PracticeRunner::failed, this, &TrainingPracticePanel::onFailed);
    m_whereBox->hide(); // shown once a lab is up
    updateButtons();
}

TrainingPracticePanel::~TrainingPracticePanel()
{
    m_runner->cancel();
    // Do not leave the lab's nginx and backends behind; `down` stops them by pid without blocking us.
    if (m_labMayBeUp && !LabRunner::labScript().isEmpty())
        QProcess::startDetached(LabRunner::labScript(), {QStringLiteral("down"), QStringLiteral("--dir"),
                                                         PracticeRunner::stateDir()});
}

void TrainingPracticePanel::startRound()
{
    if (m_scenarios.empty()) {
        m_status->setText(tr("No practice scenarios were found (see docs/training.md)."));
        return;
    }
    m_round = PracticeRound::start(m_scenarios, QRandomGenerator::global()->generate(), m_mastered);
    m_scored = false;
    m_hint->clear();
    m_hint->hide();
    m_result->clear();
    m_clients->clear();
    m_place->clear();
    m_cause->setCurrentIndex(0);
    m_ticket->setText(trainingTextToHtml(m_round->report()));
    m_whereBox->hide();
    m_where->clear();
    m_labMayBeUp = true;
    m_runner->start(m_round->labScenario(), m_round->brokenLocation());
    updateButtons();
}

void TrainingPracticePanel::stopLab()
{
    m_runner->cancel(); // a start still running would otherwise refuse the stop; `down` cleans up after it
    m_runner->stop();
    updateButtons();
}

void TrainingPracticePanel::onFinished(PracticeRunner::Action action, const QString &output)
{
    switch (action) {
    case PracticeRunner::Action::Start: {
        m_status->setText(tr("The lab is up and has seen some traffic. Over to you."));
        const ConfigModel model = ConfigModel::build(ConfigParser::parseFile(m_runner->configPath()));
        m_round->setBrokenPeers(practicePeers(model, m_round->brokenLocation()));
        const qsizetype clients = output.indexOf(QStringLiteral("sending "));
        m_clients->setPlainText(clients >= 0 ? output.mid(clients) : output);
        showWhereToLook();
        break;
    }
    case PracticeRunner::Action::Traffic:
        m_status->setText(tr("More traffic sent; reload the logs to see it."));
        m_clients->setPlainText(output);
        break;
    case PracticeRunner::Action::Stop:
        m_status->setText(tr("The practice lab is stopped."));
        m_labMayBeUp = false;
        m_whereBox->hide();
        break;
    }
    updateButtons();
}

void TrainingPracticePanel::onFailed(PracticeRunner::Action, const QString &message)
{
    m_status->setText(tr("<b>The practice lab failed:</b> %1").arg(message.toHtmlEscaped()));
    updateButtons();
}

LocalInputs TrainingPracticePanel::labInputs() const
{
    LocalInputs in;
    in.configFile = m_runner->configPath();
    in.accessLogs << m_runner->logsDir() + QStringLiteral("/access.log");
    in.errorLogs << m_runner->logsDir() + QStringLiteral("/error.log");
    return in;
}

void TrainingPracticePanel::showWhereToLook()
{
    const LocalInputs in = labInputs();
    const QString command = QStringLiteral("gwb diagnose --config %1 --access-log %2 --error-log %3")
                                .arg(in.configFile, in.accessLogs.first(), in.errorLogs.first());
    QStringList urls;
    for (const QString &location : practiceLocations())
        urls << QStringLiteral("http://127.0.0.1:%1%2").arg(PracticeRunner::portBase()).arg(location);
    m_where->setText(
        tr("<p>nginx config: <code>%1</code><br>logs: <code>%2/</code> (error.log, access.log in the "
           "<code>upstreaminfo</code> format)</p><p>The site: %3</p><p>On the command line: "
           "<code>%4</code></p>")
            .arg(in.configFile.toHtmlEscaped(), m_runner->logsDir().toHtmlEscaped(),
                 urls.join(QStringLiteral(", ")), command.toHtmlEscaped()));
    m_whereBox->show();
}

void TrainingPracticePanel::submit()
{
    if (!m_round || m_scored)
        return;
    const std::optional<Cause> cause = causeFromId(m_cause->currentData().toString());
    if (!cause) {
        m_status->setText(tr("Choose a cause first."));
        return;
    }
    const PracticeScore score = m_round->score(*cause, m_place->text());
    m_scored = true;
    showScore(score);
    updateButtons();
    emit roundScored(score);
}

void TrainingPracticePanel::showScore(const PracticeScore &s)
{
    const CauseInfo &real = causeInfo(s.realCause);
    QString verdict;
    switch (s.verdict) {
    case PracticeScore::Verdict::Right:
        verdict = tr("✔ Right");
        break;
    case PracticeScore::Verdict::PartlyRight:
        verdict = tr("◐ Partly right");
        break;
    case PracticeScore::Verdict::Wrong:
        verdict = tr("✘ Not this time");
        break;
    }
    QString where = QStringLiteral("<code>location %1</code>").arg(s.realLocation.toHtmlEscaped());
    if (!s.realPeers.isEmpty())
        where += tr(" — peers: <code>%1</code>").arg(s.realPeers.join(QStringLiteral(", ")).toHtmlEscaped());
    QString steps;
    for (const QString &step : s.fastestPath)
        steps += QStringLiteral("<li>") +
                 trainingTextToHtml(step).remove(QStringLiteral("<p>")).remove(QStringLiteral("</p>")) +
                 QStringLiteral("</li>");
    m_result->setHtml(tr("<h3>%1 — %2 of %3 points</h3><p>%4</p>"
                         "<p><b>The real cause:</b> %5 (<code>%6</code>)<br><b>Where:</b> %7<br>"
                         "<b>Scenario:</b> %8</p>%9<p><b>The fastest path</b></p><ol>%10</ol>")
                          .arg(verdict, QString::number(s.points), QString::number(PracticeScore::kMaxPoints),
                               s.feedback.toHtmlEscaped(), real.title.toHtmlEscaped(), causeId(s.realCause),
                               where, s.scenarioTitle.toHtmlEscaped(), trainingTextToHtml(s.explanation),
                               steps));
}

void TrainingPracticePanel::updateButtons()
{
    const bool busy = m_runner->isBusy();
    m_start->setEnabled(!busy);
    m_traffic->setEnabled(!busy && m_labMayBeUp);
    m_stop->setEnabled(!busy && m_labMayBeUp);
    m_hintButton->setEnabled(roundOpen() && m_hint->isHidden());
    m_submit->setEnabled(roundOpen() && !busy);
    m_cause->setEnabled(roundOpen());
    m_place->setEnabled(roundOpen());
}

} // namespace gwb
