#pragma once

// Runs the gwb executable of this build (GWB_EXECUTABLE) and keeps what it printed.

#include <QProcess>
#include <QStringList>

namespace gwb::test {

struct GwbRun
{
    int exitCode = -1;
    QByteArray out, err;
};

inline GwbRun runGwb(const QStringList &args, int timeoutMs = 180000)
{
    QProcess p;
    p.start(QStringLiteral(GWB_EXECUTABLE), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace gwb::test
