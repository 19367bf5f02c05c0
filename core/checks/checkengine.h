#pragma once

#include "checks/check.h"
#include "report/reportoptions.h"

#include <QJsonObject>
#include <functional>

namespace gwb {

// Every check the engine knows: the built-in ones and those plugins added. Plugin problems (bad metadata, a
// wrong API version) are kept as warnings for the UI and `gwb check`; they never stop the engine.
class CheckRegistry
{
public:
    CheckRegistry() = default;
    CheckRegistry(CheckRegistry &&) = default;
    CheckRegistry &operator=(CheckRegistry &&) = default;

    // The built-in checks only.
    static CheckRegistry withBuiltins();

    // Adds a check; refused (with a warning) when its id is already taken.
    bool add(std::unique_ptr<Check> check, const QString &origin = QStringLiteral("built-in"));
    const Check *find(QStringView id) const;
    std::vector<const Check *> all() const;
    QString originOf(QStringView id) const; // "built-in" or the plugin's id and version

    QStringList warnings() const { return m_warnings; }
    void addWarning(const QString &warning) { m_warnings << warning; }

private:
    struct Entry
    {
        std::unique_ptr<Check> check;
        QString origin;
    };
    std::vector<Entry> m_entries;
    QStringList m_warnings;
};

// One node of a decision tree: run this check, then go where its verdict says (-1 = stop).
struct DecisionNode
{
    QString checkId;
    int onPass = -1;
    int onWarn = -1;
    int onFail = -1;
    int onCouldNotRun = -1;
    QString reason; // why a senior looks here at this point
};
// The tree for a cause (Cause::None: a location or peer without failures). Nodes are in the order a senior
// would propose them; node 0 is the root. Checks missing from the registry are skipped by the planner.
const std::vector<DecisionNode> &decisionTree(Cause cause);

// A check proposed for a subject, with why it comes now.
struct PlannedCheck
{
    const Check *check = nullptr;
    CheckSubject subject;
    QString reason;
    int treeNode = -1; // index into decisionTree(subject.cause), -1 for checks added outside the tree
};

struct PlanFilter
{
    std::optional<Cause> cause;     // only findings of this cause
    QString peer;                   // only this peer ("127.0.0.1:8081", "unix:/x.sock")
    QString location;               // only this location (pattern or "location /x")
    bool includeHealthy = false;    // also peers of locations without findings (checked with the Cause::None tree)
    bool includeConsentChecks = true;
};

// The subjects to check: one per finding (peer, socket or location), plus the healthy peers when asked.
std::vector<CheckSubject> subjectsFor(const Investigation &investigation, const DiagnosisResult &diagnosis,
                                      const PlanFilter &filter);

// All checks proposed for the subjects, each subject's in its tree's order.
std::vector<PlannedCheck> planChecks(const CheckRegistry &registry, const std::vector<CheckSubject> &subjects,
                                     const CheckContext &context, const PlanFilter &filter = {});
// The next check after `result` in its subject's tree, skipping nodes whose check is missing or does not
// apply; nullopt when the tree ends there.
std::optional<PlannedCheck> nextCheck(const CheckRegistry &registry, const PlannedCheck &done,
                                      const CheckResult &result, const CheckContext &context);

// Runs one planned check: times it, refuses consent checks the user did not consent to (a could-not-run
// that says how to allow it) and turns a cancelled run into could-not-run.
CheckResult runPlanned(const PlannedCheck &planned, CheckContext &context);

// Walks each subject's tree from the root, following the verdicts; `onResult` sees every result as it
// comes (for progress). Returns results in the order they ran.
std::vector<CheckResult> runGuided(const CheckRegistry &registry, const std::vector<CheckSubject> &subjects,
                                   CheckContext &context,
                                   const std::function<void(const CheckResult &)> &onResult = {});

// The results of one run of checks, for JSON, reports and saved investigations.
struct CheckRun
{
    QString host; // transport description, "bundle" when no host
    qint64 startedUtcMs = 0;
    std::vector<CheckResult> results;
    QStringList warnings; // plugin warnings, refused consent, ...
};

QJsonObject checkResultToJson(const CheckResult &result);
Result<CheckResult> checkResultFromJson(const QJsonObject &object);
QJsonObject checkRunToJson(const CheckRun &run); // schema "gwb.checks/1"
Result<CheckRun> checkRunFromJson(const QJsonObject &object);
QString checkRunToText(const CheckRun &run);
// One line per result for the report's "Guided checks" section.
std::vector<ReportCheck> reportChecksOf(const CheckRun &run);

} // namespace gwb
