#pragma once

#include "diagnosis/investigation.h"

class QCoreApplication;

namespace gwb {

struct CommandLine
{
    LocalInputs inputs;
    bool lab = false;
    QString screenshotsDir;
    bool hasInputs() const
    {
        return !inputs.configDump.isEmpty() || !inputs.configFile.isEmpty() || !inputs.accessLogs.isEmpty()
               || !inputs.errorLogs.isEmpty();
    }
};

// Parses gateway-workbench's arguments. --help and --version print and exit, as QCommandLineParser does.
CommandLine parseCommandLine(const QCoreApplication &app);

} // namespace gwb
