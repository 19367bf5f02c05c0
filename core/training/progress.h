#pragma once

#include "common/result.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <map>
#include <vector>

namespace gwb {

struct PracticeScore;

// One scored practice round, as kept in the trainee's progress file.
struct PracticeRecord
{
    QString scenarioId;
    QString verdict; // verdictName()
    int points = 0;
    QString submittedCause;
    QString submittedWhere;
    bool hintUsed = false;
    QDateTime when; // UTC
};

// What one trainee has done: lessons finished, predictions made, practice rounds scored.
struct TraineeProgress
{
    QString trainee;                     // the name as typed
    QStringList lessonsCompleted;        // lesson ids, in the order they were finished
    std::map<QString, bool> predictions; // question key → the first committed answer was right
    std::vector<PracticeRecord> rounds;

    // The first answer to a question counts; later attempts (after the reveal) do not change it.
    void recordPrediction(const QString &questionKey, bool right);
    void completeLesson(const QString &lessonId);
    void recordRound(const PracticeScore &score, const QDateTime &when);

    int predictionsRight() const;
    int predictionsWrong() const;
    int totalPoints() const;
    int roundsRight() const;
    bool lessonCompleted(const QString &lessonId) const { return lessonsCompleted.contains(lessonId); }
    QStringList masteredScenarios() const; // scenario ids scored right at least once
};

// Progress files, one JSON per trainee: <dir>/<sanitised name>.json. The default dir is
// QStandardPaths::AppDataLocation/training; tests pass their own.
class ProgressStore
{
public:
    explicit ProgressStore(QString dir = {});

    QString dir() const { return m_dir; }
    // A name safe as a file name: letters, digits, '.', '-', '_' kept, the rest '_'; never empty, no leading
    // '.'.
    static QString fileNameFor(const QString &trainee);
    QString filePath(const QString &trainee) const;

    // An unknown trainee starts with empty progress; a file that cannot be read or parsed is an error.
    Result<TraineeProgress> load(const QString &trainee) const;
    Result<void> save(const TraineeProgress &progress) const;
    QStringList trainees() const; // names found in the directory, sorted

private:
    QString m_dir;
};

} // namespace gwb
