#include "trainingcontent.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

namespace gwb {

QStringList trainingContentDirs()
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("GWB_TRAINING_DIR");
    for (const QString &dir : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        candidates << dir;
    candidates << QStringLiteral(GWB_TRAINING_SOURCE_DIR) << QStringLiteral(GWB_TRAINING_INSTALLED_DIR);
    QStringList dirs;
    for (const QString &dir : candidates) {
        const QString clean = QDir::cleanPath(QDir(dir).absolutePath());
        const bool hasContent = QFileInfo(clean + QStringLiteral("/lessons")).isDir() ||
                                QFileInfo(clean + QStringLiteral("/practice")).isDir();
        if (hasContent && !dirs.contains(clean))
            dirs << clean;
    }
    return dirs;
}

namespace {

// "PATH:12: message" (as the parsers write it) back into its parts.
ContentProblem located(const QString &path, const QString &line)
{
    static const QRegularExpression numbered(QStringLiteral("^:(\\d+): (.*)$"));
    if (!line.startsWith(path))
        return {path, 0, line};
    const QString rest = line.mid(path.size());
    if (const QRegularExpressionMatch m = numbered.match(rest); m.hasMatch())
        return {path, m.captured(1).toInt(), m.captured(2)};
    return {path, 0, rest.startsWith(u": ") ? rest.mid(2) : rest};
}

template <typename T, typename Loader>
void loadKind(const QStringList &dirs, const QString &subdir, const QString &pattern, Loader load,
              std::vector<T> &out, std::vector<ContentProblem> &problems)
{
    QStringList seenEarlier;
    for (const QString &root : dirs) {
        const QDir dir(root + QLatin1Char('/') + subdir);
        QStringList seenHere;
        for (const QString &name : dir.entryList({pattern}, QDir::Files, QDir::Name)) {
            const QString path = dir.filePath(name);
            Result<T> item = load(path);
            if (!item) {
                for (const QString &line : item.error().message.split(QLatin1Char('\n')))
                    problems.push_back(located(path, line));
                continue;
            }
            if (seenHere.contains(item->id)) {
                problems.push_back(
                    {path, 0, QStringLiteral("id \"%1\" is used by another file here").arg(item->id)});
                continue;
            }
            seenHere << item->id;
            if (!seenEarlier.contains(item->id))
                out.push_back(std::move(item).value());
        }
        seenEarlier << seenHere;
    }
}

} // namespace

TrainingContent loadTrainingContent(const QStringList &dirs)
{
    TrainingContent content;
    loadKind<Lesson>(dirs, QStringLiteral("lessons"), QStringLiteral("*.lesson"), loadLessonFile,
                     content.lessons, content.problems);
    loadKind<PracticeScenario>(dirs, QStringLiteral("practice"), QStringLiteral("*.scenario"),
                               loadPracticeScenarioFile, content.scenarios, content.problems);
    std::stable_sort(content.lessons.begin(), content.lessons.end(), [](const Lesson &a, const Lesson &b) {
        return a.order != b.order ? a.order < b.order : a.title < b.title;
    });
    std::stable_sort(content.scenarios.begin(), content.scenarios.end(),
                     [](const PracticeScenario &a, const PracticeScenario &b) {
                         return a.level != b.level ? a.level < b.level : a.id < b.id;
                     });
    return content;
}

} // namespace gwb
