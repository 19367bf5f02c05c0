#include "trainingwindow.h"

#include "traininglessonview.h"
#include "trainingpracticepanel.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace gwb {

namespace {

const auto kLastTraineeKey = QStringLiteral("training/lastTrainee");

QString defaultTrainee()
{
    const QString last = QSettings().value(kLastTraineeKey).toString();
    if (!last.isEmpty())
        return last;
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("trainee") : user;
}

} // namespace

TrainingWindow::TrainingWindow(QWidget *parent) : TrainingWindow(TrainingSetup{}, parent) {}

TrainingWindow::TrainingWindow(const TrainingSetup &setup, QWidget *parent)
    : QWidget(parent),
      m_content(loadTrainingContent(setup.contentDirs.isEmpty() ? trainingContentDirs() : setup.contentDirs)),
      m_store(setup.progressDir)
{
    setWindowFlag(Qt::Window);
    setWindowTitle(tr("Training — Gateway Workbench"));
    resize(1040, 760);

    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Trainee:"), this));
    m_trainee = new QComboBox(this);
    m_trainee->setObjectName(QStringLiteral("trainee"));
    m_trainee->setEditable(true);
    m_trainee->setInsertPolicy(QComboBox::NoInsert);
    m_trainee->setMinimumWidth(200);
    m_trainee->setToolTip(
        tr("Type a name and press Enter to start a new trainee; progress is kept per name."));
    m_trainee->addItems(m_store.trainees());
    top->addWidget(m_trainee);
    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("trainingProblems"));
    m_problems->setWordWrap(true);
    top->addWidget(m_problems, 1);
    layout->addLayout(top);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildLessonsTab(), tr("Lessons"));
    m_tabs->addTab(buildMisconceptionsTab(), tr("Misconceptions"));
    m_practice = new TrainingPracticePanel(this);
    m_practice->setScenarios(m_content.scenarios);
    m_tabs->addTab(m_practice, tr("Practice"));
    m_tabs->addTab(buildProgressTab(), tr("Progress"));
    layout->addWidget(m_tabs, 1);

    if (!m_content.problems.empty()) {
        QStringList lines;
        for (const ContentProblem &p : m_content.problems)
            lines << p.toString();
        m_problems->setText(tr("⚠ %n problem(s) in the training files; those files are left out.", nullptr,
                               int(m_content.problems.size())));
        m_problems->setToolTip(lines.join(QLatin1Char('\n')));
    }

    connect(m_trainee->lineEdit(), &QLineEdit::editingFinished, this,
            [this] { setTrainee(m_trainee->currentText()); });
    connect(m_trainee, &QComboBox::activated, this,
            [this](int index) { setTrainee(m_trainee->itemText(index)); });
    connect(m_lessonView, &TrainingLessonView::predictionCommitted, this,
            [this](const QString &key, bool right) {
                m_progress.recordPrediction(key, right);
                save();
            });
    connect(m_lessonView, &TrainingLessonView::lessonFinished, this, [this](const QString &id) {
        m_progress.completeLesson(id);
        save();
    });
    connect(m_practice, &TrainingPracticePanel::roundScored, this, [this](const PracticeScore &score) {
        m_progress.recordRound(score, QDateTime::currentDateTimeUtc());
        save();
    });
    connect(m_practice, &TrainingPracticePanel::investigateRequested, this,
            &TrainingWindow::investigateRequested);

    setTrainee(setup.trainee.isEmpty() ? defaultTrainee() : setup.trainee);
}

QWidget *TrainingWindow::buildLessonsTab()
{
    auto *splitter = new QSplitter(this);
    m_lessons = new QListWidget(splitter);
    m_lessons->setObjectName(QStringLiteral("lessonList"));
    m_lessons->setWordWrap(true);
    m_lessons->setSpacing(2);
    auto *scroll = new QScrollArea(splitter);
    scroll->setWidgetResizable(true);
    m_lessonView = new TrainingLessonView(scroll);
    scroll->setWidget(m_lessonView);
    splitter->addWidget(m_lessons);
    splitter->addWidget(scroll);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({280, 740});
    connect(m_lessons, &QListWidget::currentRowChanged, this, [this, scroll](int row) {
        if (row >= 0 && row < int(m_content.lessons.size())) {
            m_lessonView->showLesson(m_content.lessons[std::size_t(row)]);
            scroll->ensureVisible(0, 0);
        }
    });
    return splitter;
}

QWidget *TrainingWindow::buildMisconceptionsTab()
{
    auto *browser = new QTextBrowser(this);
    browser->setObjectName(QStringLiteral("misconceptions"));
    QString html =
        tr("<p>Beliefs that sound right about 502s and their relatives, and the evidence that refutes "
           "each of them. The lessons ask you to predict before they explain.</p>");
    for (const Lesson &lesson : m_content.lessons)
        for (const Misconception *m : lesson.misconceptions())
            html += QStringLiteral("<h3>“%1”</h3>%2<p><i>%3</i></p><hr>")
                        .arg(m->claim.toHtmlEscaped(), trainingTextToHtml(m->evidence),
                             tr("From the lesson: %1").arg(lesson.title.toHtmlEscaped()));
    browser->setHtml(html);
    return browser;
}

QWidget *TrainingWindow::buildProgressTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_summary = new QLabel(page);
    m_summary->setObjectName(QStringLiteral("progressSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);
    m_rounds = new QTableWidget(0, 5, page);
    m_rounds->setObjectName(QStringLiteral("practiceRounds"));
    m_rounds->setHorizontalHeaderLabels(
        {tr("When (UTC)"), tr("Scenario"), tr("Verdict"), tr("Points"), tr("Your answer")});
    m_rounds->horizontalHeader()->setStretchLastSection(true);
    m_rounds->verticalHeader()->hide();
    m_rounds->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_rounds, 1);
    return page;
}

void TrainingWindow::setTrainee(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || (trimmed == m_progress.trainee && !m_progress.trainee.isEmpty()))
        return;
    Result<TraineeProgress> loaded = m_store.load(trimmed);
    if (!loaded) {
        m_problems->setText(tr("⚠ %1").arg(loaded.error().message.toHtmlEscaped()));
        TraineeProgress fresh;
        fresh.trainee = trimmed;
        m_progress = fresh;
    } else {
        m_progress = std::move(loaded).value();
    }
    QSettings().setValue(kLastTraineeKey, m_progress.trainee);
    if (m_trainee->findText(m_progress.trainee) < 0)
        m_trainee->addItem(m_progress.trainee);
    m_trainee->setCurrentText(m_progress.trainee);
    refreshProgress();
}

bool TrainingWindow::openLesson(const QString &lessonId)
{
    for (std::size_t i = 0; i < m_content.lessons.size(); ++i) {
        if (m_content.lessons[i].id == lessonId) {
            m_tabs->setCurrentIndex(0);
            m_lessons->setCurrentRow(int(i));
            return true;
        }
    }
    return false;
}

void TrainingWindow::fillLessonList()
{
    const int current = m_lessons->currentRow();
    const QSignalBlocker block(m_lessons);
    m_lessons->clear();
    for (const Lesson &lesson : m_content.lessons) {
        const bool done = m_progress.lessonCompleted(lesson.id);
        auto *item =
            new QListWidgetItem(QStringLiteral("%1 %2\n    %3 · %4")
                                    .arg(done ? QStringLiteral("✔") : QStringLiteral("○"), lesson.title,
                                         lessonLevelName(lesson.level),
                                         tr("%n question(s)", nullptr, int(lesson.questions().size()))),
                                m_lessons);
        item->setData(Qt::UserRole, lesson.id);
        item->setToolTip(done ? tr("Completed") : tr("Not completed yet"));
    }
    m_lessons->setCurrentRow(current);
}

void TrainingWindow::refreshProgress()
{
    fillLessonList();
    QSet<QString> mastered;
    for (const QString &id : m_progress.masteredScenarios())
        mastered.insert(id);
    m_practice->setMastered(mastered);

    QStringList done;
    for (const Lesson &lesson : m_content.lessons)
        if (m_progress.lessonCompleted(lesson.id))
            done << lesson.title.toHtmlEscaped();
    m_summary->setText(
        tr("<h3>%1</h3><p><b>Lessons completed:</b> %2 of %3%4</p>"
           "<p><b>Predictions:</b> %5 right, %6 wrong (first answers only)</p>"
           "<p><b>Practice rounds:</b> %7 played, %8 right, %9 points in all</p>"
           "<p><small>Kept in %10</small></p>")
            .arg(m_progress.trainee.toHtmlEscaped(), QString::number(m_progress.lessonsCompleted.size()),
                 QString::number(m_content.lessons.size()),
                 done.isEmpty() ? QString()
                                : QString(QStringLiteral(" — ") + done.join(QStringLiteral(", "))),
                 QString::number(m_progress.predictionsRight()),
                 QString::number(m_progress.predictionsWrong()), QString::number(m_progress.rounds.size()),
                 QString::number(m_progress.roundsRight()), QString::number(m_progress.totalPoints()))
            .arg(m_store.filePath(m_progress.trainee).toHtmlEscaped()));

    m_rounds->setRowCount(int(m_progress.rounds.size()));
    int row = 0;
    for (auto it = m_progress.rounds.rbegin(); it != m_progress.rounds.rend(); ++it, ++row) {
        QString title = it->scenarioId;
        for (const PracticeScenario &s : m_content.scenarios)
            if (s.id == it->scenarioId)
                title = s.title;
        const QStringList cells = {
            it->when.toString(QStringLiteral("yyyy-MM-dd HH:mm")), title, it->verdict,
            QString::number(it->points),
            it->submittedWhere.isEmpty()
                ? it->submittedCause
                : QString(it->submittedCause + QStringLiteral(" @ ") + it->submittedWhere)};
        for (int col = 0; col < cells.size(); ++col)
            m_rounds->setItem(row, col, new QTableWidgetItem(cells.at(col)));
    }
    m_rounds->resizeColumnsToContents();
}

void TrainingWindow::save()
{
    if (const Result<void> saved = m_store.save(m_progress); !saved)
        m_problems->setText(tr("⚠ Progress not saved: %1").arg(saved.error().message.toHtmlEscaped()));
    refreshProgress();
}

void TrainingWindow::closeEvent(QCloseEvent *event)
{
    if (m_practice->labMayBeUp())
        m_practice->stopLab();
    QWidget::closeEvent(event);
}

} // namespace gwb
