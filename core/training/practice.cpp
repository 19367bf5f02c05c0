#include "practice.h"

#include "nginx/configmodel.h"

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <algorithm>

namespace gwb {

const QStringList &practiceLabScenarios()
{
    static const QStringList names = {
        QStringLiteral("refused"),     QStringLiteral("read-timeout"),   QStringLiteral("premature-close"),
        QStringLiteral("reset"),       QStringLiteral("header-too-big"), QStringLiteral("invalid-header"),
        QStringLiteral("not-http"),    QStringLiteral("socket-missing"), QStringLiteral("socket-permission"),
        QStringLiteral("no-live"),     QStringLiteral("keepalive-race"), QStringLiteral("tls-to-plain"),
        QStringLiteral("backend-502"), QStringLiteral("retry-then-ok"),  QStringLiteral("slow"),
    };
    return names;
}

const QStringList &practiceLocations()
{
    static const QStringList locations = {QStringLiteral("/shop"), QStringLiteral("/account"),
                                          QStringLiteral("/search")};
    return locations;
}

QString verdictName(PracticeScore::Verdict v)
{
    switch (v) {
    case PracticeScore::Verdict::Right:
        return QStringLiteral("right");
    case PracticeScore::Verdict::PartlyRight:
        return QStringLiteral("partly-right");
    case PracticeScore::Verdict::Wrong:
        return QStringLiteral("wrong");
    }
    return {};
}

namespace {

class ScenarioReader
{
public:
    ScenarioReader(const TrainingFile &file, std::vector<ContentProblem> &problems)
        : m_file(file), m_problems(problems)
    {
    }

    PracticeScenario read()
    {
        readHeader();
        QStringList seen;
        for (const TrainingSection &s : m_file.sections) {
            if (seen.contains(s.name))
                problem(s.line, QStringLiteral("section \"%1\" is given twice").arg(s.name));
            seen << s.name;
            if (s.lines.empty())
                problem(s.line, QStringLiteral("section \"%1\" is empty").arg(s.name));
            if (s.name == u"report")
                m_scenario.report = s.text();
            else if (s.name == u"hint")
                m_scenario.hint = s.text();
            else if (s.name == u"explanation")
                m_scenario.explanation = s.text();
            else if (s.name == u"fastest path")
                readSteps(s);
            else if (!s.name.isEmpty())
                problem(s.line, QStringLiteral("unknown section \"%1\" (known: report, hint, explanation, "
                                               "fastest path)")
                                    .arg(s.name));
        }
        for (const QString &required : {QStringLiteral("report"), QStringLiteral("hint"),
                                        QStringLiteral("explanation"), QStringLiteral("fastest path")})
            if (!seen.contains(required))
                problem(0, QStringLiteral("missing section \"## %1\"").arg(required));
        return std::move(m_scenario);
    }

private:
    void problem(int line, const QString &message) { m_problems.push_back({m_file.fileName, line, message}); }

    std::vector<Cause> causes(const TrainingField *f)
    {
        std::vector<Cause> out;
        if (!f)
            return out;
        for (const QString &id : splitList(f->value)) {
            const std::optional<Cause> c = causeFromId(id);
            if (!c || *c == Cause::None)
                problem(f->line,
                        QStringLiteral("unknown cause id \"%1\" (see core/nginx/cause.cpp)").arg(id));
            else
                out.push_back(*c);
        }
        return out;
    }

    void readHeader()
    {
        m_file.checkHeader({QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("lab"),
                            QStringLiteral("level"), QStringLiteral("accept"), QStringLiteral("related")},
                           {QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("lab"),
                            QStringLiteral("level"), QStringLiteral("accept")},
                           m_problems);
        if (const TrainingField *f = m_file.field(u"id")) {
            m_scenario.id = f->value;
            const QString base = QFileInfo(m_file.fileName).completeBaseName();
            if (!f->value.isEmpty() && base != f->value)
                problem(f->line,
                        QStringLiteral("id \"%1\" differs from the file name \"%2\"").arg(f->value, base));
        }
        if (const TrainingField *f = m_file.field(u"title"))
            m_scenario.title = f->value;
        if (const TrainingField *f = m_file.field(u"lab"); f && !f->value.isEmpty()) {
            m_scenario.labScenario = f->value;
            if (!practiceLabScenarios().contains(f->value))
                problem(f->line, QStringLiteral("lab scenario \"%1\" is not one practice mode knows (%2)")
                                     .arg(f->value, practiceLabScenarios().join(QStringLiteral(", "))));
        }
        if (const TrainingField *f = m_file.field(u"level"); f && !f->value.isEmpty()) {
            if (f->value == u"beginner")
                m_scenario.level = LessonLevel::Beginner;
            else if (f->value == u"intermediate")
                m_scenario.level = LessonLevel::Intermediate;
            else if (f->value == u"advanced")
                m_scenario.level = LessonLevel::Advanced;
            else
                problem(f->line,
                        QStringLiteral("level \"%1\": use beginner, intermediate or advanced").arg(f->value));
        }
        m_scenario.accepted = causes(m_file.field(u"accept"));
        m_scenario.related = causes(m_file.field(u"related"));
        for (Cause c : m_scenario.related)
            if (std::find(m_scenario.accepted.begin(), m_scenario.accepted.end(), c) !=
                m_scenario.accepted.end())
                problem(m_file.field(u"related")->line,
                        QStringLiteral("\"%1\" is both accepted and related").arg(causeId(c)));
    }

    void readSteps(const TrainingSection &s)
    {
        static const QRegularExpression step(QStringLiteral("^(- |\\d+\\.\\s)(.*)$"));
        for (const TrainingLine &l : s.lines) {
            if (l.text.trimmed().isEmpty())
                continue;
            const QRegularExpressionMatch m = step.match(l.text);
            if (m.hasMatch())
                m_scenario.fastestPath << m.captured(2).trimmed();
            else if (l.text.startsWith(QLatin1Char(' ')) && !m_scenario.fastestPath.isEmpty())
                m_scenario.fastestPath.last() += QLatin1Char(' ') + l.text.trimmed();
            else
                problem(l.number,
                        QStringLiteral("each step of the fastest path starts with \"- \" or \"1. \" "
                                       "(indent a line to continue a step)"));
        }
    }

    const TrainingFile &m_file;
    std::vector<ContentProblem> &m_problems;
    PracticeScenario m_scenario;
};

} // namespace

Result<PracticeScenario> parsePracticeScenario(QStringView text, const QString &fileName)
{
    std::vector<ContentProblem> problems;
    const TrainingFile file = TrainingFile::read(text, fileName, problems);
    PracticeScenario scenario = ScenarioReader(file, problems).read();
    if (!problems.empty())
        return Error::parse(joinProblems(problems));
    scenario.path = fileName;
    return scenario;
}

Result<PracticeScenario> loadPracticeScenarioFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::io(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return parsePracticeScenario(QString::fromUtf8(f.readAll()), path);
}

QStringList practicePeers(const ConfigModel &config, const QString &location)
{
    QStringList peers;
    for (const Location &loc : config.locations) {
        if (loc.pattern != location || !loc.pass)
            continue;
        const PassTarget &pass = *loc.pass;
        if (pass.kind == PassTarget::Kind::UpstreamGroup && pass.upstreamIndex >= 0) {
            const UpstreamGroup &group = config.upstreams[std::size_t(pass.upstreamIndex)];
            peers << group.name;
            for (const UpstreamServer &server : group.servers)
                peers << server.address;
        } else if (pass.kind == PassTarget::Kind::UnixSocket) {
            peers << QString(QStringLiteral("unix:") + pass.target);
        } else {
            peers << pass.target;
        }
    }
    return peers;
}

std::optional<PracticeRound> PracticeRound::start(const std::vector<PracticeScenario> &scenarios,
                                                  std::uint32_t seed, const QSet<QString> &mastered)
{
    if (scenarios.empty())
        return std::nullopt;
    std::vector<const PracticeScenario *> candidates;
    for (const PracticeScenario &s : scenarios)
        if (!mastered.contains(s.id))
            candidates.push_back(&s);
    if (candidates.empty())
        for (const PracticeScenario &s : scenarios)
            candidates.push_back(&s);
    QRandomGenerator rng(seed);
    const PracticeScenario &chosen = *candidates[rng.bounded(quint32(candidates.size()))];
    const QString location = practiceLocations().at(int(rng.bounded(quint32(practiceLocations().size()))));
    return PracticeRound(chosen, location);
}

PracticeRound::PracticeRound(PracticeScenario scenario, QString location)
    : m_scenario(std::move(scenario)), m_location(std::move(location))
{
}

QString PracticeRound::hint()
{
    m_hintUsed = true;
    return m_scenario.hint;
}

namespace {

// "location /shop", "http://127.0.0.1:18080/shop?x" → "/shop…"; a bare word gets its slash.
QString pathPart(QString s)
{
    if (s.startsWith(u"location "))
        s = s.mid(9).trimmed();
    for (QStringView modifier : {u"= ", u"^~ "})
        if (s.startsWith(modifier))
            s = s.mid(modifier.size()).trimmed();
    if (const qsizetype scheme = s.indexOf(u"://"); scheme >= 0) {
        const qsizetype slash = s.indexOf(QLatin1Char('/'), scheme + 3);
        s = slash < 0 ? QString() : s.mid(slash);
    }
    if (!s.startsWith(QLatin1Char('/')))
        s.prepend(QLatin1Char('/'));
    return s;
}

// True when `needle` occurs in `hay` and is not just the start of a longer port number or name.
bool containsWhole(const QString &hay, const QString &needle)
{
    for (qsizetype at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
        const qsizetype end = at + needle.size();
        if (end >= hay.size() || !(hay.at(end).isLetterOrNumber() || hay.at(end) == QLatin1Char('_')))
            return true;
    }
    return false;
}

} // namespace

bool PracticeRound::matchesWhere(const QString &submitted) const
{
    QString s = submitted.trimmed().toLower();
    s.remove(QLatin1Char('"'));
    if (s.isEmpty())
        return false;
    for (const QString &peer : m_peers) {
        const QString p = peer.toLower();
        if (containsWhole(s, p))
            return true;
        if (p.startsWith(u"unix:") && containsWhole(s, p.mid(5)))
            return true;
    }
    const QString path = pathPart(s);
    const QString loc = m_location.toLower();
    return path == loc || path.startsWith(loc + QLatin1Char('/')) || path.startsWith(loc + QLatin1Char('?'));
}

PracticeScore PracticeRound::score(Cause submittedCause, const QString &submittedPeerOrLocation) const
{
    PracticeScore r;
    const auto has = [](const std::vector<Cause> &list, Cause c) {
        return std::find(list.begin(), list.end(), c) != list.end();
    };
    r.submittedCause = submittedCause;
    r.submittedWhere = submittedPeerOrLocation.trimmed();
    r.causeRight = has(m_scenario.accepted, submittedCause);
    r.causeRelated = !r.causeRight && has(m_scenario.related, submittedCause);
    r.whereRight = matchesWhere(submittedPeerOrLocation);
    r.hintUsed = m_hintUsed;
    r.points = (r.causeRight     ? kCausePoints
                : r.causeRelated ? kCausePoints / 2
                                 : 0) +
               (r.whereRight ? kWherePoints : 0);
    if (m_hintUsed)
        r.points = std::max(0, r.points - kHintCost);
    r.verdict = r.causeRight && r.whereRight     ? PracticeScore::Verdict::Right
                : r.causeRight || r.causeRelated ? PracticeScore::Verdict::PartlyRight
                                                 : PracticeScore::Verdict::Wrong;
    r.realCause = m_scenario.accepted.empty() ? Cause::Unclassified : m_scenario.accepted.front();
    r.realLocation = m_location;
    r.realPeers = m_peers;
    r.scenarioId = m_scenario.id;
    r.scenarioTitle = m_scenario.title;
    r.explanation = m_scenario.explanation;
    r.fastestPath = m_scenario.fastestPath;

    QStringList feedback;
    if (r.causeRight)
        feedback << QStringLiteral("The cause is right.");
    else if (r.causeRelated)
        feedback
            << QStringLiteral(
                   "Close: %1 is a neighbour of the real cause, %2; look again at what tells them apart.")
                   .arg(causeId(submittedCause), causeId(r.realCause));
    else
        feedback << QStringLiteral("The cause is not %1; it is %2.")
                        .arg(causeId(submittedCause), causeId(r.realCause));
    if (r.whereRight)
        feedback << QStringLiteral("You found the broken location.");
    else if (r.submittedWhere.isEmpty())
        feedback << QStringLiteral("You did not say where: the broken location was %1.").arg(m_location);
    else
        feedback
            << QStringLiteral("\"%1\" is not where it broke: that was %2.").arg(r.submittedWhere, m_location);
    if (m_hintUsed)
        feedback << QStringLiteral("The hint cost %1 points.").arg(kHintCost);
    r.feedback = feedback.join(QLatin1Char(' '));
    return r;
}

} // namespace gwb
