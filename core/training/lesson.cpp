#include "lesson.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace gwb {

QString lessonLevelName(LessonLevel level)
{
    switch (level) {
    case LessonLevel::Beginner:
        return QStringLiteral("beginner");
    case LessonLevel::Intermediate:
        return QStringLiteral("intermediate");
    case LessonLevel::Advanced:
        return QStringLiteral("advanced");
    }
    return {};
}

std::vector<const PredictQuestion *> Lesson::questions() const
{
    std::vector<const PredictQuestion *> out;
    for (const LessonBlock &b : blocks)
        if (b.kind == LessonBlock::Kind::Predict)
            out.push_back(&b.predict);
    return out;
}

std::vector<const Misconception *> Lesson::misconceptions() const
{
    std::vector<const Misconception *> out;
    for (const LessonBlock &b : blocks)
        if (b.kind == LessonBlock::Kind::Misconception)
            out.push_back(&b.misconception);
    return out;
}

namespace {

class LessonReader
{
public:
    LessonReader(const TrainingFile &file, std::vector<ContentProblem> &problems)
        : m_file(file), m_problems(problems)
    {
    }

    Lesson read()
    {
        readHeader();
        for (std::size_t i = 0; i < m_file.sections.size(); ++i)
            readSection(i);
        if (m_lesson.questions().empty())
            problem(0, QStringLiteral("a lesson needs at least one \"## predict\" section"));
        return std::move(m_lesson);
    }

private:
    void problem(int line, const QString &message) { m_problems.push_back({m_file.fileName, line, message}); }

    void readHeader()
    {
        m_file.checkHeader({QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("level"),
                            QStringLiteral("order"), QStringLiteral("causes")},
                           {QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("level")},
                           m_problems);
        if (const TrainingField *f = m_file.field(u"id")) {
            static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9]+(-[a-z0-9]+)*$"));
            m_lesson.id = f->value;
            if (!f->value.isEmpty() && !idPattern.match(f->value).hasMatch())
                problem(f->line, QStringLiteral("id \"%1\": use lower-case letters, digits and single dashes")
                                     .arg(f->value));
            const QString base = QFileInfo(m_file.fileName).completeBaseName();
            if (!f->value.isEmpty() && base != f->value)
                problem(f->line,
                        QStringLiteral("id \"%1\" differs from the file name \"%2\"").arg(f->value, base));
        }
        if (const TrainingField *f = m_file.field(u"title"))
            m_lesson.title = f->value;
        if (const TrainingField *f = m_file.field(u"level"); f && !f->value.isEmpty()) {
            if (f->value == u"beginner")
                m_lesson.level = LessonLevel::Beginner;
            else if (f->value == u"intermediate")
                m_lesson.level = LessonLevel::Intermediate;
            else if (f->value == u"advanced")
                m_lesson.level = LessonLevel::Advanced;
            else
                problem(f->line,
                        QStringLiteral("level \"%1\": use beginner, intermediate or advanced").arg(f->value));
        }
        if (const TrainingField *f = m_file.field(u"order")) {
            bool ok = false;
            m_lesson.order = f->value.toInt(&ok);
            if (!ok || m_lesson.order < 0)
                problem(f->line, QStringLiteral("order \"%1\" is not a number ≥ 0").arg(f->value));
        }
        if (const TrainingField *f = m_file.field(u"causes")) {
            for (const QString &id : splitList(f->value)) {
                const std::optional<Cause> c = causeFromId(id);
                if (!c || *c == Cause::None)
                    problem(f->line,
                            QStringLiteral("unknown cause id \"%1\" (see core/nginx/cause.cpp)").arg(id));
                else
                    m_lesson.causes.push_back(*c);
            }
        }
    }

    void readSection(std::size_t index)
    {
        const TrainingSection &s = m_file.sections[index];
        const bool afterPredict = index > 0 && m_file.sections[index - 1].name == u"predict";
        if (s.name == u"predict" &&
            (index + 1 >= m_file.sections.size() || m_file.sections[index + 1].name != u"reveal"))
            problem(s.line, QStringLiteral("\"## predict\" must be followed by \"## reveal\""));
        if (s.name != u"reveal" && s.lines.empty())
            problem(s.line, QStringLiteral("section \"%1\" is empty").arg(s.name));
        if (s.name == u"text") {
            LessonBlock b;
            b.text = s.text();
            m_lesson.blocks.push_back(std::move(b));
        } else if (s.name == u"predict") {
            readPredict(s);
        } else if (s.name == u"reveal") {
            if (!afterPredict)
                problem(s.line, QStringLiteral("\"## reveal\" must come right after a \"## predict\""));
            else if (s.lines.empty())
                problem(s.line, QStringLiteral("the reveal is empty: explain the right answer"));
            else if (!m_lesson.blocks.empty() && m_lesson.blocks.back().kind == LessonBlock::Kind::Predict)
                m_lesson.blocks.back().predict.reveal = s.text();
        } else if (s.name == u"misconception") {
            readMisconception(s);
        } else if (!s.name.isEmpty()) {
            problem(s.line,
                    QStringLiteral("unknown section \"%1\" (known: text, predict, reveal, misconception)")
                        .arg(s.name));
        }
    }

    void readPredict(const TrainingSection &s)
    {
        static const QRegularExpression option(QStringLiteral("^- \\[([ xX])\\]\\s*(.*)$"));
        PredictQuestion q;
        q.line = s.line;
        QStringList question;
        for (const TrainingLine &l : s.lines) {
            const QRegularExpressionMatch m = option.match(l.text);
            if (m.hasMatch()) {
                const QString text = m.captured(2).trimmed();
                if (text.isEmpty())
                    problem(l.number, QStringLiteral("option without text"));
                if (m.captured(1) != u" ") {
                    if (q.correct >= 0)
                        problem(l.number,
                                QStringLiteral("a second option is marked right; mark exactly one with [x]"));
                    else
                        q.correct = int(q.options.size());
                }
                q.options << text;
            } else if (!q.options.isEmpty() && !l.text.trimmed().isEmpty()) {
                problem(l.number, QStringLiteral("text after the options; options are \"- [ ] …\" lines and "
                                                 "explanations belong in \"## reveal\""));
            } else if (l.text.startsWith(u"- [")) {
                problem(l.number, QStringLiteral("malformed option; write \"- [ ] text\" or \"- [x] text\""));
            } else {
                question << l.text;
            }
        }
        q.question = question.join(QLatin1Char('\n')).trimmed();
        if (q.question.isEmpty())
            problem(s.line, QStringLiteral("the predict section has no question before its options"));
        if (q.options.size() < 2)
            problem(s.line, QStringLiteral("a question needs at least two options"));
        if (q.correct < 0 && !q.options.isEmpty())
            problem(s.line, QStringLiteral("no option is marked right; mark one with [x]"));
        q.key = m_lesson.id + QLatin1Char('#') + QString::number(m_lesson.questions().size() + 1);
        LessonBlock b;
        b.kind = LessonBlock::Kind::Predict;
        b.predict = std::move(q);
        m_lesson.blocks.push_back(std::move(b));
    }

    void readMisconception(const TrainingSection &s)
    {
        Misconception m;
        m.line = s.line;
        QStringList evidence;
        bool inEvidence = false;
        for (const TrainingLine &l : s.lines) {
            if (l.text.startsWith(u"claim:")) {
                if (!m.claim.isEmpty() || inEvidence)
                    problem(l.number,
                            QStringLiteral("one \"claim:\" line per misconception, before \"evidence:\""));
                m.claim = l.text.mid(6).trimmed();
            } else if (l.text.startsWith(u"evidence:")) {
                if (inEvidence)
                    problem(l.number, QStringLiteral("\"evidence:\" is given twice"));
                inEvidence = true;
                evidence << l.text.mid(9).trimmed();
            } else if (inEvidence) {
                evidence << l.text; // the evidence runs to the end of the section
            } else if (!l.text.trimmed().isEmpty()) {
                problem(l.number, QStringLiteral("expected \"claim:\" then \"evidence:\""));
            }
        }
        m.evidence = evidence.join(QLatin1Char('\n')).trimmed();
        if (m.claim.isEmpty())
            problem(s.line, QStringLiteral("the misconception has no \"claim:\""));
        if (m.evidence.isEmpty())
            problem(s.line, QStringLiteral("the misconception has no \"evidence:\" that refutes it"));
        LessonBlock b;
        b.kind = LessonBlock::Kind::Misconception;
        b.misconception = std::move(m);
        m_lesson.blocks.push_back(std::move(b));
    }

    const TrainingFile &m_file;
    std::vector<ContentProblem> &m_problems;
    Lesson m_lesson;
};

} // namespace

Result<Lesson> parseLesson(QStringView text, const QString &fileName)
{
    std::vector<ContentProblem> problems;
    const TrainingFile file = TrainingFile::read(text, fileName, problems);
    Lesson lesson = LessonReader(file, problems).read();
    if (!problems.empty())
        return Error::parse(joinProblems(problems));
    lesson.path = fileName;
    return lesson;
}

Result<Lesson> loadLessonFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::io(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return parseLesson(QString::fromUtf8(f.readAll()), path);
}

} // namespace gwb
