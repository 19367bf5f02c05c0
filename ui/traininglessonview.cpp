#include "traininglessonview.h"

#include <QButtonGroup>
#include <QFrame>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace gwb {

namespace {

QLabel *richLabel(const QString &html, QWidget *parent)
{
    auto *label = new QLabel(html, parent);
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return label;
}

} // namespace

TrainingLessonView::TrainingLessonView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("lessonTitle"));
    m_title->setWordWrap(true);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    layout->addWidget(m_title);
    m_blocks = new QVBoxLayout;
    m_blocks->setSpacing(12);
    layout->addLayout(m_blocks);
    layout->addStretch(1);
}

void TrainingLessonView::clear()
{
    for (QWidget *w : m_blockWidgets)
        delete w;
    m_blockWidgets.clear();
    m_blockQuestion.clear();
    m_questions.clear();
    m_lessonId.clear();
    m_title->clear();
}

void TrainingLessonView::showLesson(const Lesson &lesson)
{
    clear();
    m_lessonId = lesson.id;
    m_title->setText(lesson.title);
    m_questions.reserve(lesson.questions().size());
    for (const LessonBlock &block : lesson.blocks) {
        QWidget *w = nullptr;
        int question = -1;
        switch (block.kind) {
        case LessonBlock::Kind::Text:
            w = textBlock(block.text, QStringLiteral("lessonText"));
            break;
        case LessonBlock::Kind::Predict:
            question = int(m_questions.size());
            w = predictBlock(block.predict, m_questions.size());
            break;
        case LessonBlock::Kind::Misconception:
            w = misconceptionBlock(block.misconception);
            break;
        }
        m_blocks->addWidget(w);
        m_blockWidgets.push_back(w);
        m_blockQuestion.push_back(question);
    }
    updateVisibility();
}

int TrainingLessonView::committedCount() const
{
    int n = 0;
    for (const Question &q : m_questions)
        n += q.committed ? 1 : 0;
    return n;
}

QWidget *TrainingLessonView::textBlock(const QString &text, const QString &objectName)
{
    QLabel *label = richLabel(trainingTextToHtml(text), this);
    label->setObjectName(objectName);
    return label;
}

QWidget *TrainingLessonView::predictBlock(const PredictQuestion &question, std::size_t index)
{
    auto *box = new QGroupBox(tr("Predict — commit to an answer first"), this);
    box->setObjectName(QStringLiteral("predict"));
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(richLabel(trainingTextToHtml(question.question), box));
    Question q;
    q.question = question;
    q.options = new QButtonGroup(box);
    for (int i = 0; i < question.options.size(); ++i) {
        // Option text may hold `code`: a QLabel beside the radio button would lose the click target, so the
        // radio button shows the text plainly (backticks dropped).
        QString plain = question.options.at(i);
        plain.remove(QLatin1Char('`'));
        auto *option = new QRadioButton(plain, box);
        option->setObjectName(QStringLiteral("predictOption"));
        q.options->addButton(option, i);
        layout->addWidget(option);
    }
    q.commit = new QPushButton(tr("Commit answer"), box);
    q.commit->setObjectName(QStringLiteral("commitAnswer"));
    q.commit->setEnabled(false);
    auto *row = new QHBoxLayout;
    row->addWidget(q.commit);
    row->addStretch(1);
    layout->addLayout(row);
    q.feedback = new QLabel(box);
    q.feedback->setObjectName(QStringLiteral("predictFeedback"));
    q.feedback->setWordWrap(true);
    q.feedback->hide();
    layout->addWidget(q.feedback);
    q.reveal = richLabel(trainingTextToHtml(question.reveal), box);
    q.reveal->setObjectName(QStringLiteral("reveal"));
    q.reveal->hide();
    layout->addWidget(q.reveal);
    connect(q.options, &QButtonGroup::idClicked, q.commit, [commit = q.commit] { commit->setEnabled(true); });
    connect(q.commit, &QPushButton::clicked, this, [this, index] { commit(index); });
    m_questions.push_back(q);
    return box;
}

QWidget *TrainingLessonView::misconceptionBlock(const Misconception &m)
{
    auto *frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("misconception"));
    frame->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(frame);
    layout->addWidget(richLabel(
        QStringLiteral("<b>%1</b> %2").arg(tr("Misconception:"), trainingTextToHtml(m.claim)), frame));
    layout->addWidget(richLabel(
        QStringLiteral("<b>%1</b>%2").arg(tr("What the evidence says:"), trainingTextToHtml(m.evidence)),
        frame));
    return frame;
}

void TrainingLessonView::commit(std::size_t index)
{
    Question &q = m_questions[index];
    const int chosen = q.options->checkedId();
    if (q.committed || chosen < 0)
        return;
    q.committed = true;
    const bool right = chosen == q.question.correct;
    for (QAbstractButton *b : q.options->buttons()) {
        b->setEnabled(false);
        const int id = q.options->id(b);
        if (id == q.question.correct)
            b->setText(b->text() + QStringLiteral("   ✔"));
        else if (id == chosen)
            b->setText(b->text() + QStringLiteral("   ✘"));
    }
    q.commit->setEnabled(false);
    q.feedback->setText(
        right ? tr("✔ Right.")
              : tr("✘ Not this one. The answer is: %1").arg(q.question.options.value(q.question.correct)));
    q.feedback->setStyleSheet(right ? QStringLiteral("color: #1b7f3a; font-weight: bold;")
                                    : QStringLiteral("color: #b3261e; font-weight: bold;"));
    q.feedback->show();
    q.reveal->show();
    updateVisibility();
    emit predictionCommitted(q.question.key, right);
    if (committedCount() == int(m_questions.size()))
        emit lessonFinished(m_lessonId);
}

void TrainingLessonView::updateVisibility()
{
    bool visible = true;
    for (std::size_t i = 0; i < m_blockWidgets.size(); ++i) {
        m_blockWidgets[i]->setVisible(visible);
        const int question = m_blockQuestion[i];
        if (question >= 0 && !m_questions[std::size_t(question)].committed)
            visible = false; // the rest of the lesson waits for this answer
    }
}

} // namespace gwb
