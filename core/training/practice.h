#pragma once

#include "common/result.h"
#include "lesson.h"
#include "nginx/cause.h"

#include <QSet>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <vector>

namespace gwb {

struct ConfigModel;

// One practice scenario file (resources/practice/*.scenario, format in docs/training.md): which lab scenario
// breaks the backend, which diagnosis counts as right, and how an experienced engineer gets there fastest.
struct PracticeScenario
{
    QString id; // equals the file's base name
    QString title;
    QString labScenario; // argument of `gwb-lab up --practice`
    LessonLevel level = LessonLevel::Beginner;
    std::vector<Cause> accepted; // full credit for the cause
    std::vector<Cause> related;  // half credit: a neighbour of the real cause
    QString report;              // what the trainee is told when the round starts (symptoms only)
    QString hint;
    QString explanation;
    QStringList fastestPath; // steps
    QString path;
};

// The lab scenarios `gwb-lab up --practice` can reproduce (lab/gwblab/practice.py SCENARIOS).
const QStringList &practiceLabScenarios();
// The neutral locations of a practice lab; exactly one of them is broken.
const QStringList &practiceLocations();

Result<PracticeScenario> parsePracticeScenario(QStringView text, const QString &fileName);
Result<PracticeScenario> loadPracticeScenarioFile(const QString &path);

// The addresses behind a location of a practice lab's nginx.conf: the upstream group's name and its servers,
// or the proxy_pass address. What a trainee may name instead of the location.
QStringList practicePeers(const ConfigModel &config, const QString &location);

struct PracticeScore
{
    enum class Verdict
    {
        Right,
        PartlyRight,
        Wrong
    };
    Verdict verdict = Verdict::Wrong;
    int points = 0;
    static constexpr int kMaxPoints = 100;
    bool causeRight = false;   // an accepted cause
    bool causeRelated = false; // a related cause: half the cause points
    bool whereRight = false;   // the broken location or one of its peers
    bool hintUsed = false;
    Cause submittedCause = Cause::Unclassified;
    QString submittedWhere;
    Cause realCause = Cause::Unclassified; // the first accepted cause
    QString realLocation;
    QStringList realPeers;
    QString feedback; // why this verdict, in a sentence or two
    QString scenarioId, scenarioTitle, explanation;
    QStringList fastestPath;
};
QString verdictName(PracticeScore::Verdict v); // "right", "partly-right", "wrong"

// One round on the practice lab: picks a scenario and a broken location at random (seedable), keeps them to
// itself while the trainee investigates, then scores one submission.
class PracticeRound
{
public:
    // Points: the cause is worth 70 (35 for a related cause), the location or peer 30; the hint costs 10.
    static constexpr int kCausePoints = 70, kWherePoints = 30, kHintCost = 10;

    // Scenarios whose id is in `mastered` are left out while others remain. nullopt when `scenarios` is
    // empty.
    static std::optional<PracticeRound> start(const std::vector<PracticeScenario> &scenarios,
                                              std::uint32_t seed, const QSet<QString> &mastered = {});

    // What the trainee may see before submitting.
    QString report() const { return m_scenario.report; }
    QString hint(); // marks the hint as used
    bool hintUsed() const { return m_hintUsed; }
    // Arguments for gwb-lab: `up --practice <labScenario> --broken <brokenLocation>`. Not for display.
    QString labScenario() const { return m_scenario.labScenario; }
    QString brokenLocation() const { return m_location; }
    // Peers behind the broken location, once the lab's nginx.conf is known (see practicePeers).
    void setBrokenPeers(const QStringList &peers) { m_peers = peers; }

    PracticeScore score(Cause submittedCause, const QString &submittedPeerOrLocation) const;
    const PracticeScenario &scenario() const { return m_scenario; }

private:
    PracticeRound(PracticeScenario scenario, QString location);
    bool matchesWhere(const QString &submitted) const;

    PracticeScenario m_scenario;
    QString m_location;
    QStringList m_peers;
    bool m_hintUsed = false;
};

} // namespace gwb
