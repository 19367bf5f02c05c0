#pragma once

#include "diagnosis/investigation.h"
#include "training/progress.h"
#include "training/trainingcontent.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QTableWidget;
class QTabWidget;
class QTextBrowser;

namespace gwb {

class TrainingLessonView;
class TrainingPracticePanel;

// Where the training window reads its content and keeps progress. Empty = the defaults
// (trainingContentDirs(), QStandardPaths::AppDataLocation/training); tests pass temporary directories.
struct TrainingSetup
{
    QStringList contentDirs;
    QString progressDir;
    QString trainee; // empty: the last one used, else the login name
};

// Training mode for juniors: lessons with predict-then-reveal questions, the common misconceptions, practice
// rounds on the practice lab, and each trainee's progress (kept locally, one JSON file per trainee).
class TrainingWindow final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingWindow(QWidget *parent = nullptr);
    explicit TrainingWindow(const TrainingSetup &setup, QWidget *parent = nullptr);

    QString trainee() const { return m_progress.trainee; }
    void setTrainee(const QString &name);
    const TraineeProgress &progress() const { return m_progress; }
    const TrainingContent &content() const { return m_content; }
    bool openLesson(const QString &lessonId);
    QTabWidget *tabs() const { return m_tabs; }

protected:
    void closeEvent(QCloseEvent *event) override; // stops a practice lab that is still up

signals:
    // "Open in the workbench" on the Practice tab: the lead's main window opens these files.
    void investigateRequested(const gwb::LocalInputs &inputs);

private:
    QWidget *buildLessonsTab();
    QWidget *buildMisconceptionsTab();
    QWidget *buildProgressTab();
    void fillLessonList();
    void refreshProgress();
    void save();

    TrainingContent m_content;
    ProgressStore m_store;
    TraineeProgress m_progress;

    QComboBox *m_trainee = nullptr;
    QLabel *m_problems = nullptr;
    QTabWidget *m_tabs = nullptr;
    QListWidget *m_lessons = nullptr;
    TrainingLessonView *m_lessonView = nullptr;
    TrainingPracticePanel *m_practice = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_rounds = nullptr;
};

} // namespace gwb
