#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"

#include <memory>

namespace gwb {

// Makes the transport of one target. Called on the thread that will use it: an SSH session belongs to the
// thread that opened it.
using TransportFactory = std::function<std::unique_ptr<Transport>()>;

struct CollectTarget
{
    TransportFactory makeTransport;
    QString hostLabel; // directory name below the output directory; unique per target
};

// Collects several targets side by side, at most `maxSessions` at a time, each into
// options.outputDir/<hostLabel>. Results are in the order of `targets`. Progress callbacks may come from
// several threads at once.
std::vector<Result<Collection>> collectAll(const std::vector<CollectTarget> &targets, const CollectOptions &options,
                                           int maxSessions = 4);

} // namespace gwb
