#include "progress.h"

#include "practice.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace gwb {

void TraineeProgress::recordPrediction(const QString &questionKey, bool right)
{
    predictions.try_emplace(questionKey, right);
}

void TraineeProgress::completeLesson(const QString &lessonId)
{
    if (!lessonsCompleted.contains(lessonId))
        lessonsCompleted << lessonId;
}

void TraineeProgress::recordRound(const PracticeScore &score, const QDateTime &when)
{
    PracticeRecord r;
    r.scenarioId = score.scenarioId;
    r.verdict = verdictName(score.verdict);
    r.points = score.points;
    r.submittedCause = causeId(score.submittedCause);
    r.submittedWhere = score.submittedWhere;
    r.hintUsed = score.hintUsed;
    r.when = when.toUTC();
    rounds.push_back(std::move(r));
}

int TraineeProgress::predictionsRight() const
{
    int n = 0;
    for (const auto &[key, right] : predictions)
        n += right ? 1 : 0;
    return n;
}

int TraineeProgress::predictionsWrong() const
{
    return int(predictions.size()) - predictionsRight();
}

int TraineeProgress::totalPoints() const
{
    int n = 0;
    for (const PracticeRecord &r : rounds)
        n += r.points;
    return n;
}

int TraineeProgress::roundsRight() const
{
    int n = 0;
    for (const PracticeRecord &r : rounds)
        n += r.verdict == u"right" ? 1 : 0;
    return n;
}

QStringList TraineeProgress::masteredScenarios() const
{
    QStringList ids;
    for (const PracticeRecord &r : rounds)
        if (r.verdict == u"right" && !ids.contains(r.scenarioId))
            ids << r.scenarioId;
    return ids;
}

ProgressStore::ProgressStore(QString dir) : m_dir(std::move(dir))
{
    if (m_dir.isEmpty())
        m_dir =
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/training");
}

QString ProgressStore::fileNameFor(const QString &trainee)
{
    QString name;
    for (QChar c : trainee.trimmed()) {
        const bool safe = (c.unicode() < 128 && c.isLetterOrNumber()) || c == QLatin1Char('.') ||
                          c == QLatin1Char('-') || c == QLatin1Char('_');
        if (safe)
            name += c;
        else if (!name.endsWith(QLatin1Char('_')))
            name += QLatin1Char('_');
    }
    while (name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    name = name.left(64);
    return name.isEmpty() || name == u"_" ? QStringLiteral("trainee") : name;
}

QString ProgressStore::filePath(const QString &trainee) const
{
    return QDir(m_dir).filePath(fileNameFor(trainee) + QStringLiteral(".json"));
}

namespace {

constexpr int kFormatVersion = 1;

QJsonObject toJson(const TraineeProgress &p)
{
    QJsonObject predictions;
    for (const auto &[key, right] : p.predictions)
        predictions.insert(key, right);
    QJsonArray rounds;
    for (const PracticeRecord &r : p.rounds)
        rounds.append(QJsonObject{{QStringLiteral("scenario"), r.scenarioId},
                                  {QStringLiteral("verdict"), r.verdict},
                                  {QStringLiteral("points"), r.points},
                                  {QStringLiteral("cause"), r.submittedCause},
                                  {QStringLiteral("where"), r.submittedWhere},
                                  {QStringLiteral("hintUsed"), r.hintUsed},
                                  {QStringLiteral("when"), r.when.toString(Qt::ISODate)}});
    return {{QStringLiteral("format"), QStringLiteral("gwb.training-progress")},
            {QStringLiteral("version"), kFormatVersion},
            {QStringLiteral("trainee"), p.trainee},
            {QStringLiteral("lessonsCompleted"), QJsonArray::fromStringList(p.lessonsCompleted)},
            {QStringLiteral("predictions"), predictions},
            {QStringLiteral("rounds"), rounds}};
}

TraineeProgress fromJson(const QJsonObject &o, const QString &trainee)
{
    TraineeProgress p;
    p.trainee = o.value(QStringLiteral("trainee")).toString(trainee);
    for (const QJsonValue &v : o.value(QStringLiteral("lessonsCompleted")).toArray())
        p.completeLesson(v.toString());
    const QJsonObject predictions = o.value(QStringLiteral("predictions")).toObject();
    for (auto it = predictions.begin(); it != predictions.end(); ++it)
        p.predictions[it.key()] = it.value().toBool();
    for (const QJsonValue &v : o.value(QStringLiteral("rounds")).toArray()) {
        const QJsonObject r = v.toObject();
        PracticeRecord rec;
        rec.scenarioId = r.value(QStringLiteral("scenario")).toString();
        rec.verdict = r.value(QStringLiteral("verdict")).toString();
        rec.points = r.value(QStringLiteral("points")).toInt();
        rec.submittedCause = r.value(QStringLiteral("cause")).toString();
        rec.submittedWhere = r.value(QStringLiteral("where")).toString();
        rec.hintUsed = r.value(QStringLiteral("hintUsed")).toBool();
        rec.when = QDateTime::fromString(r.value(QStringLiteral("when")).toString(), Qt::ISODate).toUTC();
        p.rounds.push_back(std::move(rec));
    }
    return p;
}

} // namespace

Result<TraineeProgress> ProgressStore::load(const QString &trainee) const
{
    QFile f(filePath(trainee));
    if (!f.exists()) {
        TraineeProgress fresh;
        fresh.trainee = trainee.trimmed();
        return fresh;
    }
    if (!f.open(QIODevice::ReadOnly))
        return Error::io(QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (!doc.isObject())
        return Error::parse(QStringLiteral("%1 is not a progress file (%2); move it away to start afresh")
                                .arg(f.fileName(), error.errorString()));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != u"gwb.training-progress" ||
        o.value(QStringLiteral("version")).toInt() > kFormatVersion)
        return Error::parse(
            QStringLiteral("%1 is not a progress file this version understands").arg(f.fileName()));
    return fromJson(o, trainee.trimmed());
}

Result<void> ProgressStore::save(const TraineeProgress &progress) const
{
    if (!QDir().mkpath(m_dir))
        return Error::io(QStringLiteral("cannot create %1").arg(m_dir));
    QSaveFile f(filePath(progress.trainee));
    if (!f.open(QIODevice::WriteOnly))
        return Error::io(QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString()));
    f.write(QJsonDocument(toJson(progress)).toJson(QJsonDocument::Indented));
    if (!f.commit())
        return Error::io(QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString()));
    return {};
}

QStringList ProgressStore::trainees() const
{
    QStringList names;
    const QDir dir(m_dir);
    for (const QString &file : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        if (o.value(QStringLiteral("format")).toString() == u"gwb.training-progress")
            names << o.value(QStringLiteral("trainee")).toString(file.chopped(5));
    }
    names.sort(Qt::CaseInsensitive);
    return names;
}

} // namespace gwb
