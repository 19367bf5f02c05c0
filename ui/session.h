#pragma once

#include "diagnosis/diagnoser.h"
#include "views/chaingraph.h"
#include "views/timelinebins.h"

#include <memory>

namespace gwb {

// Everything one loaded investigation shows, built off the UI thread and then only read. Views keep the
// shared pointer, so raw pointers into it (models) stay valid while a newer session is being loaded.
struct Session
{
    LocalInputs inputs;
    Investigation investigation;
    DiagnosisResult result;
    ChainGraph chain;
    TimelineIndex timeline;

    const ConfigModel *config() const { return investigation.config ? &*investigation.config : nullptr; }
    QString title() const;
};
using SessionPtr = std::shared_ptr<const Session>;

} // namespace gwb
