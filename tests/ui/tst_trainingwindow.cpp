// Training window: a lesson's reveal stays hidden until the trainee commits an answer, and the answer lands
// in the trainee's progress file.
#include "trainingpracticepanel.h"
#include "trainingwindow.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace gwb;

namespace {

TrainingSetup setupIn(const QTemporaryDir &dir, const QString &trainee = QStringLiteral("tester"))
{
    TrainingSetup s;
    s.contentDirs = {QStringLiteral(GWB_SOURCE_DIR "/resources")};
    s.progressDir = dir.path();
    s.trainee = trainee;
    return s;
}

QList<QGroupBox *> predictBoxes(const TrainingWindow &w)
{
    return w.findChildren<QGroupBox *>(QStringLiteral("predict"));
}

const Lesson &lesson(const TrainingWindow &w, const QString &id)
{
    for (const Lesson &l : w.content().lessons)
        if (l.id == id)
            return l;
    qFatal("no lesson %s", qPrintable(id));
}

void answer(QGroupBox *box, int option)
{
    const QList<QRadioButton *> options = box->findChildren<QRadioButton *>(QStringLiteral("predictOption"));
    QVERIFY(option < options.size());
    QTest::mouseClick(options.at(option), Qt::LeftButton, {}, QPoint(8, options.at(option)->height() / 2));
    QPushButton *commit = box->findChild<QPushButton *>(QStringLiteral("commitAnswer"));
    QVERIFY(commit->isEnabled());
    QTest::mouseClick(commit, Qt::LeftButton);
}

} // namespace

class TestTrainingWindow final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GatewayWorkbenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("gateway-workbench-tests-trainingwindow")); // its own settings file
    }

    void theRevealWaitsForACommittedAnswer()
    {
        QTemporaryDir dir;
        TrainingWindow w(setupIn(dir));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.content().problems.empty());
        QVERIFY(w.openLesson(QStringLiteral("status-codes")));
        const QList<QGroupBox *> boxes = predictBoxes(w);
        QVERIFY(boxes.size() >= 2);
        QLabel *reveal = boxes.first()->findChild<QLabel *>(QStringLiteral("reveal"));
        QVERIFY(reveal);
        QVERIFY(!reveal->isVisible());
        QVERIFY(!boxes.at(1)->isVisible()); // the rest of the lesson waits too
        QPushButton *commit = boxes.first()->findChild<QPushButton *>(QStringLiteral("commitAnswer"));
        QVERIFY(!commit->isEnabled()); // nothing chosen yet

        const int right = lesson(w, QStringLiteral("status-codes")).questions().front()->correct;
        answer(boxes.first(), right);
        QVERIFY(reveal->isVisible());
        QVERIFY(boxes.at(1)->isVisible());
        QVERIFY(boxes.first()
                    ->findChild<QLabel *>(QStringLiteral("predictFeedback"))
                    ->text()
                    .contains(QStringLiteral("Right")));
        for (QRadioButton *option : boxes.first()->findChildren<QRadioButton *>())
            QVERIFY(!option->isEnabled()); // committed means committed

        QCOMPARE(w.progress().predictionsRight(), 1);
        QCOMPARE(w.progress().predictionsWrong(), 0);
        const Result<TraineeProgress> saved = ProgressStore(dir.path()).load(QStringLiteral("tester"));
        QVERIFY(saved.ok());
        QCOMPARE(saved->predictions.count(QStringLiteral("status-codes#1")), std::size_t(1));
        QVERIFY(saved->predictions.at(QStringLiteral("status-codes#1")));
    }

    void aWrongAnswerIsRecordedAndStillRevealed()
    {
        QTemporaryDir dir;
        TrainingWindow w(setupIn(dir));
        w.show();
        QVERIFY(w.openLesson(QStringLiteral("timeouts")));
        const PredictQuestion *q = lesson(w, QStringLiteral("timeouts")).questions().front();
        answer(predictBoxes(w).first(), q->correct == 0 ? 1 : 0);
        QVERIFY(predictBoxes(w).first()->findChild<QLabel *>(QStringLiteral("reveal"))->isVisible());
        QCOMPARE(w.progress().predictionsWrong(), 1);
        QCOMPARE(w.progress().predictionsRight(), 0);
    }

    void answeringEveryQuestionCompletesTheLessonPerTrainee()
    {
        QTemporaryDir dir;
        TrainingWindow w(setupIn(dir));
        w.show();
        QVERIFY(w.openLesson(QStringLiteral("misconceptions")));
        const auto questions = lesson(w, QStringLiteral("misconceptions")).questions();
        const QList<QGroupBox *> boxes = predictBoxes(w);
        QCOMPARE(boxes.size(), qsizetype(questions.size()));
        for (qsizetype i = 0; i < boxes.size(); ++i)
            answer(boxes.at(i), questions.at(std::size_t(i))->correct);
        QVERIFY(w.progress().lessonCompleted(QStringLiteral("misconceptions")));
        QCOMPARE(w.progress().predictionsRight(), int(questions.size()));

        w.setTrainee(QStringLiteral("someone else"));
        QVERIFY(!w.progress().lessonCompleted(QStringLiteral("misconceptions")));
        w.setTrainee(QStringLiteral("tester"));
        QVERIFY(w.progress().lessonCompleted(QStringLiteral("misconceptions")));

        if (const QString shots = qEnvironmentVariable("GWB_SCREENSHOT_DIR"); !shots.isEmpty()) {
            w.resize(1040, 760);
            QVERIFY(w.openLesson(QStringLiteral("status-codes")));
            answer(predictBoxes(w).first(), 0);
            for (int tab = 0; tab < w.tabs()->count(); ++tab) {
                w.tabs()->setCurrentIndex(tab);
                QTest::qWait(50);
                w.grab().save(QStringLiteral("%1/training-%2.png").arg(shots).arg(tab));
            }
        }
    }

    // Screenshots of a real round (GWB_SCREENSHOT_DIR set and nginx installed): not part of the normal run.
    void screenshotOfAPracticeRound()
    {
        const QString shots = qEnvironmentVariable("GWB_SCREENSHOT_DIR");
        if (shots.isEmpty() || !QFile::exists(QStringLiteral("/usr/sbin/nginx")))
            QSKIP("set GWB_SCREENSHOT_DIR (and install nginx) for screenshots of a practice round");
        QTemporaryDir dir, labDir;
        qputenv("GWB_PRACTICE_LAB_DIR", labDir.path().toLocal8Bit());
        QFile::setPermissions(labDir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                 QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                                 QFile::ExeOther);
        TrainingWindow w(setupIn(dir));
        w.resize(1040, 900);
        w.show();
        w.tabs()->setCurrentIndex(2);
        auto *panel = w.findChild<TrainingPracticePanel *>();
        panel->startRound();
        auto *where = w.findChild<QGroupBox *>(QStringLiteral("whereToLook"));
        auto *status = panel->findChild<QLabel *>(QStringLiteral("practiceStatus"));
        QTRY_VERIFY2_WITH_TIMEOUT(where->isVisible(), qPrintable(status->text()), 90000);
        w.grab().save(shots + QStringLiteral("/training-practice-open.png"));
        w.findChild<QComboBox *>(QStringLiteral("submittedCause"))->setCurrentIndex(3);
        w.findChild<QLineEdit *>(QStringLiteral("submittedWhere"))->setText(QStringLiteral("/shop"));
        panel->submit();
        w.grab().save(shots + QStringLiteral("/training-practice-scored.png"));
        w.tabs()->setCurrentIndex(3);
        w.grab().save(shots + QStringLiteral("/training-progress.png"));
        panel->stopLab();
        QTRY_VERIFY_WITH_TIMEOUT(where->isHidden(),
                                 60000); // not isVisible(): the Practice tab is not current
        qunsetenv("GWB_PRACTICE_LAB_DIR");
    }
};

QTEST_MAIN(TestTrainingWindow)
#include "tst_trainingwindow.moc"
