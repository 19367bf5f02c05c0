#pragma once

#include "investigationloader.h"
#include "mainwindow.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTest>

namespace gwb::uitest {

// Settings and recent files of tests must never touch the user's.
inline void isolateSettings()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("GatewayWorkbenchTest"));
    // One settings file per test program: ctest runs them in parallel, and recent lists, saved targets and
    // layouts written by one must not show up in another.
    QCoreApplication::setApplicationName(QStringLiteral("gateway-workbench-tests-") +
                                         QFileInfo(QCoreApplication::applicationFilePath()).completeBaseName());
}

inline QString labFile(const QString &name)
{
    return QStringLiteral(GWB_TEST_DATA_DIR "/lab/") + name;
}

inline LocalInputs labInputs()
{
    LocalInputs in;
    in.configDump = labFile(QStringLiteral("nginx-T.txt"));
    in.accessLogs << labFile(QStringLiteral("access.log"));
    in.errorLogs << labFile(QStringLiteral("error.log"));
    return in;
}

// Opens `inputs` in `window` and waits until the session is shown.
inline bool openAndWait(MainWindow &window, const LocalInputs &inputs, int timeoutMs = 30000)
{
    QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
    window.openInputs(inputs);
    return loaded.wait(timeoutMs);
}

} // namespace gwb::uitest
