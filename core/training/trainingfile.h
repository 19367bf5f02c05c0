#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace gwb {

// A mistake in a lesson or practice file, where a senior can find it: "rtt.lesson:12: option without text".
struct ContentProblem
{
    QString file;
    int line = 0; // 0: the file as a whole
    QString message;
    QString toString() const;
};
QString joinProblems(const std::vector<ContentProblem> &problems); // one per line

// The shape both training formats share (docs/training.md): a header of `key: value` lines, then sections
// that start with `## name`. Only the shape is checked here; lesson.cpp and practice.cpp check the meaning.
struct TrainingLine
{
    int number = 0;
    QString text; // without the line break
};

struct TrainingField
{
    QString key;
    QString value;
    int line = 0;
};

struct TrainingSection
{
    QString name;                    // lower case, single spaces: "fastest path"
    int line = 0;                    // of the "## name" heading
    std::vector<TrainingLine> lines; // blank lines at both ends removed
    QString text() const;            // the lines joined with '\n'
};

struct TrainingFile
{
    QString fileName;
    std::vector<TrainingField> header;
    std::vector<TrainingSection> sections;

    // Reads the shape; appends located problems (bad header lines, duplicate keys, text before a section).
    static TrainingFile read(QStringView text, const QString &fileName,
                             std::vector<ContentProblem> &problems);

    const TrainingField *field(QStringView key) const;
    // Problems for header keys outside `allowed` and for `required` keys that are missing or empty.
    void checkHeader(const QStringList &allowed, const QStringList &required,
                     std::vector<ContentProblem> &problems) const;
};

// "a, b ,c" → {"a", "b", "c"}; empty items dropped.
QStringList splitList(QStringView value);

// Lesson and scenario text as HTML: paragraphs at blank lines, "- " and "1. " lists, `code` and **bold**
// spans; everything else escaped. No other markup, so content files cannot inject HTML into the workbench.
QString trainingTextToHtml(QStringView text);

} // namespace gwb
