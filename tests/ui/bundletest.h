#pragma once

// Bundles made from the lab fixtures with the core bundle writer, and a comparable summary of findings.

#include "collect/bundle.h"
#include "collect/collector.h"
#include "investigationview.h"
#include "uitest.h"

#include <QDir>
#include <QFile>

namespace gwb::uitest {

// "cause location upstream peer count" per finding, in the order shown.
inline QStringList findingSignature(const SessionPtr &session)
{
    QStringList out;
    if (!session)
        return out;
    for (const Finding &f : session->result.findings)
        out << QStringLiteral("%1 %2 %3 %4 %5")
                   .arg(causeId(f.cause), f.location, f.upstream, f.peer)
                   .arg(f.count);
    return out;
}

// BUNDLE/lab/{nginx-T.txt, logs/1/access.log, logs/2/error.log} and BUNDLE/manifest.json.
inline bool makeLabBundle(const QString &bundleDir)
{
    Collection c;
    c.target = QStringLiteral("ssh tester@lab.example:22");
    c.hostLabel = QStringLiteral("lab");
    c.directory = QDir(bundleDir).filePath(QStringLiteral("lab"));
    c.collectedAtUtcMs = 1'700'000'000'000;
    const struct
    {
        CollectedFile::Role role;
        const char *fixture;
        const char *localName;
    } files[] = {{CollectedFile::Role::ConfigDump, "nginx-T.txt", "nginx-T.txt"},
                 {CollectedFile::Role::AccessLog, "access.log", "logs/1/access.log"},
                 {CollectedFile::Role::ErrorLog, "error.log", "logs/2/error.log"}};
    for (const auto &f : files) {
        const QString to = QDir(c.directory).filePath(QString::fromLatin1(f.localName));
        if (!QDir().mkpath(QFileInfo(to).path()) || !QFile::copy(labFile(QString::fromLatin1(f.fixture)), to))
            return false;
        auto hash = hashFile(to);
        if (!hash)
            return false;
        CollectedFile cf;
        cf.role = f.role;
        cf.originalPath = QStringLiteral("/var/log/nginx/") + QString::fromLatin1(f.fixture);
        cf.localName = QString::fromLatin1(f.localName);
        cf.sha256 = hash->first;
        cf.bytes = cf.wireBytes = cf.remoteSize = hash->second;
        c.files.push_back(cf);
    }
    return Bundle::writeManifest(bundleDir, {c}).ok();
}

// Opens a bundle or saved investigation in `window` and waits until it is shown.
inline bool openBundleAndWait(MainWindow &window, const QString &path, int timeoutMs = 30000)
{
    QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
    window.openBundle(path);
    return loaded.wait(timeoutMs);
}

inline QStringList labSignature()
{
    MainWindow window;
    if (!openAndWait(window, labInputs()))
        return {};
    return findingSignature(window.investigationView()->session());
}

} // namespace gwb::uitest
