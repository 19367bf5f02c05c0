#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace gwb {

CommandLine parseCommandLine(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("gwb", "Gateway Workbench: find out why nginx answers 502, 504 and 499."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dump(QStringLiteral("config-dump"),
                                  QCoreApplication::translate("gwb", "Output of nginx -T."), QStringLiteral("file"));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QCoreApplication::translate("gwb", "nginx.conf on disk."), QStringLiteral("file"));
    const QCommandLineOption access(QStringLiteral("access-log"),
                                    QCoreApplication::translate("gwb", "An access log (repeatable)."), QStringLiteral("file"));
    const QCommandLineOption error(QStringLiteral("error-log"),
                                   QCoreApplication::translate("gwb", "An error log (repeatable)."), QStringLiteral("file"));
    const QCommandLineOption lab(QStringLiteral("lab"),
                                 QCoreApplication::translate("gwb", "Start the practice lab and open it."));
    const QCommandLineOption shots(QStringLiteral("screenshots"),
                                   QCoreApplication::translate("gwb", "Render every main view to DIR/*.png and exit."),
                                   QStringLiteral("dir"));
    parser.addOptions({dump, config, access, error, lab, shots});
    parser.process(app);

    CommandLine out;
    out.inputs.configDump = parser.value(dump);
    out.inputs.configFile = parser.value(config);
    out.inputs.accessLogs = parser.values(access);
    out.inputs.errorLogs = parser.values(error);
    out.lab = parser.isSet(lab);
    out.screenshotsDir = parser.value(shots);
    return out;
}

} // namespace gwb
