#pragma once

#include "lesson.h"
#include "practice.h"
#include "trainingfile.h"

#include <QStringList>
#include <vector>

namespace gwb {

// Where lessons and practice scenarios are looked for, first wins: each directory of $GWB_TRAINING_DIR
// (':'-separated), resources/ of the source tree, then <prefix>/share/gateway-workbench/training. Each holds
// lessons/*.lesson and practice/*.scenario. Only existing directories are returned.
QStringList trainingContentDirs();

struct TrainingContent
{
    std::vector<Lesson> lessons;             // by order, then title
    std::vector<PracticeScenario> scenarios; // by level, then id
    std::vector<ContentProblem> problems;    // files that did not validate (left out), duplicate ids
};

// Reads every lesson and scenario of `dirs`. A file that does not validate is left out and its problems are
// reported; an id already seen in an earlier directory is shadowed quietly (a senior's copy overrides the
// shipped one), a second file with the same id in one directory is a problem.
TrainingContent loadTrainingContent(const QStringList &dirs);

} // namespace gwb
