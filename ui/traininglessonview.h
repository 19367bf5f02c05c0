#pragma once

#include "training/lesson.h"

#include <QWidget>
#include <vector>

class QButtonGroup;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace gwb {

// One lesson, read from top to bottom. Each predict question hides its reveal — and everything after it —
// until the trainee commits an answer, so an explanation further down cannot give the answer away.
class TrainingLessonView final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingLessonView(QWidget *parent = nullptr);

    void showLesson(const Lesson &lesson);
    void clear();
    QString lessonId() const { return m_lessonId; }
    int committedCount() const;

signals:
    void predictionCommitted(const QString &questionKey, bool right);
    void lessonFinished(const QString &lessonId); // every question of the lesson answered

private:
    struct Question
    {
        PredictQuestion question;
        QButtonGroup *options = nullptr;
        QPushButton *commit = nullptr;
        QLabel *feedback = nullptr;
        QLabel *reveal = nullptr;
        bool committed = false;
    };
    QWidget *textBlock(const QString &text, const QString &objectName);
    QWidget *predictBlock(const PredictQuestion &question, std::size_t index);
    QWidget *misconceptionBlock(const Misconception &m);
    void commit(std::size_t index);
    void updateVisibility();

    QVBoxLayout *m_blocks = nullptr;
    QLabel *m_title = nullptr;
    QString m_lessonId;
    std::vector<QWidget *> m_blockWidgets;
    std::vector<int> m_blockQuestion; // index into m_questions for a predict block, else -1
    std::vector<Question> m_questions;
};

} // namespace gwb
