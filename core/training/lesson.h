#pragma once

#include "common/result.h"
#include "nginx/cause.h"
#include "trainingfile.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace gwb {

// A question the trainee answers before the explanation is shown (predict, then reveal).
struct PredictQuestion
{
    QString key; // "<lesson id>#<n>", n counting from 1: how progress remembers the answer
    QString question;
    QStringList options;
    int correct = -1; // index into options
    QString reveal;   // shown only once an answer is committed
    int line = 0;
};

// A belief that sounds right and is not, with what disproves it.
struct Misconception
{
    QString claim;
    QString evidence;
    int line = 0;
};

struct LessonBlock
{
    enum class Kind
    {
        Text,
        Predict,
        Misconception
    };
    Kind kind = Kind::Text;
    QString text;                // Kind::Text
    PredictQuestion predict;     // Kind::Predict (with its reveal)
    Misconception misconception; // Kind::Misconception
};

enum class LessonLevel
{
    Beginner,
    Intermediate,
    Advanced
};
QString lessonLevelName(LessonLevel level); // "beginner", ...

// One lesson file (resources/lessons/*.lesson, format in docs/training.md).
struct Lesson
{
    QString id; // equals the file's base name
    QString title;
    LessonLevel level = LessonLevel::Beginner;
    int order = 100; // lessons are listed by order, then title
    std::vector<Cause> causes;
    std::vector<LessonBlock> blocks; // in file order
    QString path;

    std::vector<const PredictQuestion *> questions() const;
    std::vector<const Misconception *> misconceptions() const;
};

// Parses and validates one lesson. The error lists every problem found, one "file:line: message" a line.
Result<Lesson> parseLesson(QStringView text, const QString &fileName);
Result<Lesson> loadLessonFile(const QString &path);

} // namespace gwb
