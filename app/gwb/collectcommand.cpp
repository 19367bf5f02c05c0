#include "cli.h"
#include "collect/bundle.h"
#include "common/wallclock.h"
#include "targetoptions.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

namespace gwb::cli {

namespace {

QString sizeText(quint64 bytes)
{
    return bytes >= 10 * 1024 * 1024 ? QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024))
                                     : QStringLiteral("%1 KiB").arg((bytes + 1023) / 1024);
}

QString summary(const Collection &c)
{
    QString text = QStringLiteral("%1: nginx %2 (%3), %4 files\n")
                       .arg(c.target, c.nginx.version, c.nginx.binary)
                       .arg(c.files.size());
    for (const CollectedFile &f : c.files) {
        text += QStringLiteral("  %1 %2 → %3, %4 transferred%5%6\n")
                    .arg(roleName(f.role), f.originalPath, f.localName, sizeText(f.wireBytes),
                         f.windowed ? QStringLiteral(" (window of %1)").arg(sizeText(f.remoteSize)) : QString(),
                         f.partial ? QStringLiteral(", PARTIAL") : QString());
    }
    for (const Diagnostic &d : c.diagnostics)
        text += QStringLiteral("  %1: %2\n").arg(severityName(d.severity), d.message);
    return text;
}

} // namespace

int collect(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Find the running nginx on each target, run nginx -T, and pull only the time window of the logs it names "
        "(default: the last 2 hours of the host's clock) into an offline bundle: a directory with manifest.json "
        "(schema gwb.bundle/1, see docs/bundle-format.md). Read it later with `gwb diagnose --bundle DIR`."));
    p.addHelpOption();
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The bundle to write: a new (or empty) directory, or NAME.tar.gz."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption since(QStringLiteral("since"),
                                   QStringLiteral("Start of the window: \"2026-11-24 10:00\" or a duration back from now "
                                                  "(30m, 2h, 1d), both on the nginx host's wall clock."),
                                   QStringLiteral("TIME"));
    const QCommandLineOption until(QStringLiteral("until"), QStringLiteral("End of the window, same forms as --since."),
                                   QStringLiteral("TIME"));
    p.addOptions({output, since, until});
    const TargetOptions targetOptions;
    targetOptions.addTo(p, false);
    if (!p.parse(args)) {
        error(p.errorText() + QStringLiteral("; run 'gwb collect --help'"));
        return Usage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        print(commandHelp(p.helpText(), QStringLiteral("collect")));
        return Ok;
    }
    if (!p.positionalArguments().isEmpty()) {
        error(QStringLiteral("unexpected argument \"%1\"").arg(p.positionalArguments().first()));
        return Usage;
    }
    TargetChoice choice;
    if (auto stop = readTargetChoice(p, targetOptions, choice))
        return *stop;
    if (!choice.collects() || !p.isSet(output)) {
        error(QStringLiteral("give a target (--ssh [user@]host[:port] or --local) and --output DIR"));
        return Usage;
    }
    const QString target = p.value(output);
    // NAME.tar.gz: the bundle is written to a temporary directory, then packed (tar is a local tool here).
    const bool packed = target.endsWith(QLatin1StringView(".tar.gz")) || target.endsWith(QLatin1StringView(".tgz"));
    QTemporaryDir staging;
    const QString dir = packed ? staging.filePath(QStringLiteral("bundle")) : target;
    if (packed && QFileInfo::exists(target)) {
        error(QStringLiteral("%1 exists; give a new file name for the bundle").arg(target));
        return Usage;
    }
    if (QDir(dir).exists() && !QDir(dir).isEmpty()) {
        error(QStringLiteral("%1 exists and is not empty; give a new directory for the bundle").arg(dir));
        return Usage;
    }
    // A duration ("30m") counts back from each host's clock, read when its collection starts.
    std::optional<WindowBound> bounds[2];
    for (int i = 0; i < 2; ++i) {
        const QCommandLineOption &opt = i == 0 ? since : until;
        if (!p.isSet(opt))
            continue;
        auto t = readWindowBound(p.value(opt));
        if (!t) {
            error(QStringLiteral("--%1: %2").arg(opt.names().first(), t.error().message));
            return Usage;
        }
        bounds[i] = *t;
    }
    const CollectWindow window = CollectWindow::from(bounds[0], bounds[1]);
    auto got = collectTargets(choice, window, dir);
    if (const int *code = std::get_if<int>(&got))
        return *code;
    const auto &collections = std::get<CollectedTargets>(got).collections;
    if (auto written = Bundle::writeManifest(dir, collections); !written) {
        error(written.error().message);
        return Failure;
    }
    if (packed) {
        QProcess tar;
        tar.start(QStringLiteral("tar"), {QStringLiteral("-czf"), QFileInfo(target).absoluteFilePath(), QStringLiteral("-C"),
                                          dir, QStringLiteral(".")});
        if (!tar.waitForFinished(-1) || tar.exitStatus() != QProcess::NormalExit || tar.exitCode() != 0) {
            error(QStringLiteral("cannot pack the bundle into %1: %2")
                      .arg(target, QString::fromLocal8Bit(tar.readAllStandardError()).trimmed()));
            return Failure;
        }
    }
    QString text;
    for (const Collection &c : collections)
        text += summary(c);
    print(text + QStringLiteral("bundle written to %1\n").arg(target));
    return Ok;
}

} // namespace gwb::cli
