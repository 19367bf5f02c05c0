// Lesson and practice-scenario files: every shipped file validates, broken files say where they are broken.
#include "training/lesson.h"
#include "training/practice.h"
#include "training/trainingcontent.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <set>

using namespace gwb;

namespace {

QString contentDir(const QString &kind)
{
    return QStringLiteral(GWB_SOURCE_DIR "/resources/") + kind;
}

void writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

const char *const kGoodLesson = R"(id: demo
title: A demo lesson
level: beginner
causes: backend-refused, read-timeout

## text
Some `code` and a list:

- one
- two

## predict
What does 111 mean?
- [ ] a timeout
- [x] connection refused

## reveal
Nothing listens there.

## misconception
claim: It is always the backend.
evidence: Not always:
the header may be too big.
)";

} // namespace

class TestLesson final : public QObject
{
    Q_OBJECT
private slots:
    void shippedFilesValidate_data()
    {
        QTest::addColumn<QString>("path");
        for (const QString &kind : {QStringLiteral("lessons"), QStringLiteral("practice")}) {
            const QDir dir(contentDir(kind));
            for (const QString &name :
                 dir.entryList({QStringLiteral("*.lesson"), QStringLiteral("*.scenario")}, QDir::Files))
                QTest::newRow(qPrintable(name)) << dir.filePath(name);
        }
    }

    void shippedFilesValidate()
    {
        QFETCH(QString, path);
        if (path.endsWith(QStringLiteral(".lesson"))) {
            const Result<Lesson> lesson = loadLessonFile(path);
            QVERIFY2(lesson.ok(), qPrintable(lesson.ok() ? QString() : lesson.error().message));
            QVERIFY(!lesson->questions().empty());
            for (const PredictQuestion *q : lesson->questions())
                QVERIFY2(!q->reveal.isEmpty(), qPrintable(q->key));
        } else {
            const Result<PracticeScenario> scenario = loadPracticeScenarioFile(path);
            QVERIFY2(scenario.ok(), qPrintable(scenario.ok() ? QString() : scenario.error().message));
            QVERIFY(scenario->fastestPath.size() >= 2);
        }
    }

    void shippedContentCoversTheIssue()
    {
        const TrainingContent content = loadTrainingContent({QStringLiteral(GWB_SOURCE_DIR "/resources")});
        QVERIFY2(content.problems.empty(), qPrintable(joinProblems(content.problems)));
        QVERIFY(content.lessons.size() >= 5);
        int misconceptions = 0;
        for (const Lesson &l : content.lessons)
            misconceptions += int(l.misconceptions().size());
        QVERIFY(misconceptions >= 4);
        std::set<QString> labScenarios;
        for (const PracticeScenario &s : content.scenarios)
            labScenarios.insert(s.labScenario);
        QVERIFY(labScenarios.size() >= 8);
    }

    void practiceScenariosMatchTheLab()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("python3")).isEmpty())
            QSKIP("python3 is not installed");
        QProcess p;
        p.start(QStringLiteral(GWB_SOURCE_DIR "/lab/gwb-lab"), {QStringLiteral("practice-scenarios")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QStringList fromLab =
            QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(fromLab, practiceLabScenarios());
    }

    // The examples in docs/training.md are what seniors copy: they must validate too.
    void theDocumentedExamplesValidate()
    {
        QFile doc(QStringLiteral(GWB_SOURCE_DIR "/docs/training.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QStringList blocks = QString::fromUtf8(doc.readAll()).split(QStringLiteral("```"));
        int examples = 0;
        for (qsizetype i = 1; i < blocks.size(); i += 2) {
            const QString block = blocks.at(i).mid(blocks.at(i).indexOf(QLatin1Char('\n')) + 1);
            if (!block.startsWith(QStringLiteral("id: ")))
                continue;
            const QString id = block.mid(4, block.indexOf(QLatin1Char('\n')) - 4);
            const bool scenario = block.contains(QStringLiteral("\nlab: "));
            const QString name = id + (scenario ? QStringLiteral(".scenario") : QStringLiteral(".lesson"));
            const QString problems =
                scenario
                    ? (parsePracticeScenario(block, name).ok()
                           ? QString()
                           : parsePracticeScenario(block, name).error().message)
                    : (parseLesson(block, name).ok() ? QString() : parseLesson(block, name).error().message);
            QVERIFY2(problems.isEmpty(), qPrintable(problems));
            ++examples;
        }
        QCOMPARE(examples, 2);
    }

    void parsesTheStructure()
    {
        const Result<Lesson> r =
            parseLesson(QString::fromUtf8(kGoodLesson), QStringLiteral("/x/demo.lesson"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->id, QStringLiteral("demo"));
        QCOMPARE(r->causes.size(), std::size_t(2));
        QCOMPARE(r->blocks.size(), std::size_t(3));
        const auto questions = r->questions();
        QCOMPARE(questions.size(), std::size_t(1));
        QCOMPARE(questions[0]->key, QStringLiteral("demo#1"));
        QCOMPARE(questions[0]->question, QStringLiteral("What does 111 mean?"));
        QCOMPARE(questions[0]->correct, 1);
        QCOMPARE(questions[0]->reveal, QStringLiteral("Nothing listens there."));
        const auto m = r->misconceptions();
        QCOMPARE(m.size(), std::size_t(1));
        QCOMPARE(m[0]->claim, QStringLiteral("It is always the backend."));
        QCOMPARE(m[0]->evidence, QStringLiteral("Not always:\nthe header may be too big."));
    }

    void brokenLessonsGiveLocatedErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString good = QString::fromUtf8(kGoodLesson);
        auto replaced = [&good](const char *from, const char *to) {
            QString s = good;
            s.replace(QString::fromUtf8(from), QString::fromUtf8(to));
            return s;
        };
        QTest::newRow("unknown key") << replaced("level: beginner\n", "level: beginner\ncolour: blue\n")
                                     << QStringLiteral("demo.lesson:4: unknown key \"colour\"");
        QTest::newRow("unknown cause") << replaced("read-timeout", "read-timeot")
                                       << QStringLiteral("demo.lesson:4: unknown cause id \"read-timeot\"");
        QTest::newRow("no right option") << replaced("- [x] connection", "- [ ] connection")
                                         << QStringLiteral("demo.lesson:12: no option is marked right");
        QTest::newRow("two right options")
            << replaced("- [ ] a timeout", "- [x] a timeout")
            << QStringLiteral("demo.lesson:15: a second option is marked right");
        QTest::newRow("predict without reveal")
            << replaced("## reveal\nNothing listens there.\n", "")
            << QStringLiteral("demo.lesson:12: \"## predict\" must be followed by \"## reveal\"");
        QTest::newRow("unknown section")
            << replaced("## text", "## txt") << QStringLiteral("demo.lesson:6: unknown section \"txt\"");
        QTest::newRow("text after options")
            << replaced("connection refused\n", "connection refused\nbecause\n")
            << QStringLiteral("demo.lesson:16: text after the options");
        QTest::newRow("no evidence") << replaced("evidence: Not always:\nthe header may be too big.\n", "")
                                     << QStringLiteral(
                                            "demo.lesson:20: the misconception has no \"evidence:\"");
        QTest::newRow("bad level") << replaced("level: beginner", "level: expert")
                                   << QStringLiteral("demo.lesson:3: level \"expert\"");
        QTest::newRow("id differs") << replaced("id: demo", "id: other")
                                    << QStringLiteral(
                                           "demo.lesson:1: id \"other\" differs from the file name");
        QTest::newRow("missing title") << replaced("title: A demo lesson\n", "")
                                       << QStringLiteral("demo.lesson: the header lacks \"title:\"");
        QTest::newRow("no question")
            << QStringLiteral("id: demo\ntitle: t\nlevel: beginner\n\n## text\nhello\n")
            << QStringLiteral("demo.lesson: a lesson needs at least one \"## predict\"");
        QTest::newRow("header garbage")
            << replaced("level: beginner\n", "level: beginner\nthis is not a key\n")
            << QStringLiteral("demo.lesson:4: expected \"key: value\"");
    }

    void brokenLessonsGiveLocatedErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const Result<Lesson> r = parseLesson(text, QStringLiteral("demo.lesson"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
    }

    void brokenScenariosGiveLocatedErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString good =
            QStringLiteral("id: s\ntitle: T\nlab: refused\nlevel: beginner\naccept: backend-refused\n"
                           "related: socket-missing\n\n## report\nR\n\n## hint\nH\n\n## explanation\nE\n\n"
                           "## fastest path\n- one\n- two\n");
        auto replaced = [&good](const char *from, const char *to) {
            QString s = good;
            s.replace(QString::fromUtf8(from), QString::fromUtf8(to));
            return s;
        };
        QTest::newRow("good") << good << QString();
        QTest::newRow("unknown lab") << replaced("lab: refused", "lab: exploded")
                                     << QStringLiteral("s.scenario:3: lab scenario \"exploded\"");
        QTest::newRow("unknown accept") << replaced("accept: backend-refused", "accept: gremlins")
                                        << QStringLiteral("s.scenario:5: unknown cause id \"gremlins\"");
        QTest::newRow("missing accept") << replaced("accept: backend-refused\n", "")
                                        << QStringLiteral("s.scenario: the header lacks \"accept:\"");
        QTest::newRow("no fastest path") << replaced("## fastest path\n- one\n- two\n", "")
                                         << QStringLiteral("s.scenario: missing section \"## fastest path\"");
        QTest::newRow("bad step") << replaced("- two", "two") << QStringLiteral("s.scenario:19: each step");
        QTest::newRow("both lists") << replaced("related: socket-missing", "related: backend-refused")
                                    << QStringLiteral(
                                           "s.scenario:6: \"backend-refused\" is both accepted and related");
    }

    void brokenScenariosGiveLocatedErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const Result<PracticeScenario> r = parsePracticeScenario(text, QStringLiteral("s.scenario"));
        if (expected.isEmpty()) {
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            QCOMPARE(r->fastestPath, (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
            return;
        }
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
    }

    void loaderLeavesOutBrokenFilesAndLetsEarlierDirsWin()
    {
        QTemporaryDir senior, shipped;
        QVERIFY(QDir(senior.path()).mkpath(QStringLiteral("lessons")));
        QVERIFY(QDir(shipped.path()).mkpath(QStringLiteral("lessons")));
        QString mine = QString::fromUtf8(kGoodLesson);
        mine.replace(QStringLiteral("A demo lesson"), QStringLiteral("The senior's version"));
        writeFile(senior.filePath(QStringLiteral("lessons/demo.lesson")), mine.toUtf8());
        writeFile(shipped.filePath(QStringLiteral("lessons/demo.lesson")), kGoodLesson);
        writeFile(
            shipped.filePath(QStringLiteral("lessons/broken.lesson")),
            "id: broken\ntitle: t\nlevel: beginner\n\n## predict\nQ?\n- [ ] a\n- [ ] b\n\n## reveal\nR\n");
        const TrainingContent content = loadTrainingContent({senior.path(), shipped.path()});
        QCOMPARE(content.lessons.size(), std::size_t(1));
        QCOMPARE(content.lessons.front().title, QStringLiteral("The senior's version"));
        QCOMPARE(content.problems.size(), std::size_t(1));
        QCOMPARE(content.problems.front().file, shipped.filePath(QStringLiteral("lessons/broken.lesson")));
        QCOMPARE(content.problems.front().line, 5);
        QVERIFY(content.problems.front().message.contains(QStringLiteral("no option is marked right")));
    }

    void textBecomesSafeHtml()
    {
        QCOMPARE(trainingTextToHtml(u"a <b>x</b> `c & d`"),
                 QStringLiteral("<p>a &lt;b&gt;x&lt;/b&gt; <code>c &amp; d</code></p>"));
        QCOMPARE(trainingTextToHtml(u"one\ntwo\n\n- a\n- b\n  more"),
                 QStringLiteral("<p>one two</p><ul><li>a</li><li>b more</li></ul>"));
        QCOMPARE(trainingTextToHtml(u"1. x\n2. **y**"),
                 QStringLiteral("<ol><li>x</li><li><b>y</b></li></ol>"));
        QCOMPARE(trainingTextToHtml(u"504. A timeout."), QStringLiteral("<p>504. A timeout.</p>"));
    }
};

QTEST_GUILESS_MAIN(TestLesson)
#include "tst_lesson.moc"
