#include "cli.h"
#include "checkcommand.h"
#include "reportcommand.h"
#include "targetoptions.h"

#ifdef GWB_HAVE_REPORT_PDF
#include "reportpdf.h"
#endif

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace gwb::cli {

void error(const QString &message)
{
    QTextStream(stderr) << "gwb: " << message << '\n';
}

QString commandHelp(const QString &parserHelp, const QString &command)
{
    // QCommandLineParser names argv[0], a path, in its first line.
    QString help = parserHelp;
    const qsizetype space = help.indexOf(QLatin1Char(' '), 7);
    if (help.startsWith(QLatin1StringView("Usage: ")) && space > 0)
        help.replace(0, space, QStringLiteral("Usage: gwb ") + command);
    return help;
}

void print(const QString &text)
{
    QTextStream out(stdout);
    out << text;
}

} // namespace gwb::cli

namespace {

const char *const kUsage = R"(Usage: gwb <command> [options]

Find out why nginx answers 502, 504 and 499: parse its configuration and logs, classify every upstream
failure into a cause, and say what to check next.

Commands:
  diagnose    read an nginx config and its logs, print findings (text or JSON); the config and logs
              come from files, a host over SSH (--ssh), this machine (--local) or a bundle (--bundle)
  collect     pull the config and the logs' time window from hosts into an offline bundle
  check       run the guided checks: read-only probes from the nginx host that find out why (text or
              JSON); captures (tcpdump, strace) only with --allow-capture
  report      write a report people can read: one HTML file or a PDF (--output FILE.html|FILE.pdf)
  follow      follow the logs live (--ssh, --local or files) and print each new upstream failure
              with its cause as it happens (text or JSON lines); survives log rotation

Run 'gwb <command> --help' for the options of a command.

Options:
  -h, --help     show this help
  -v, --version  show the version

Exit codes: 0 ran (with or without findings), 2 usage error, 3 an input cannot be read.
)";

} // namespace

int main(int argc, char **argv)
{
#ifdef GWB_HAVE_REPORT_PDF
    // A PDF needs fonts, hence a QGuiApplication (offscreen, no display needed); every other command
    // stays on QCoreApplication.
    QStringList raw;
    for (int i = 1; i < argc; ++i)
        raw << QString::fromLocal8Bit(argv[i]);
    const auto app = gwb::makeApplicationForReports(argc, argv, gwb::cli::wantsPdf(raw));
#else
    QCoreApplication app(argc, argv);
#endif
    QCoreApplication::setApplicationName(QStringLiteral("gwb"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GWB_VERSION));
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        QTextStream(stderr) << kUsage;
        return gwb::cli::Usage;
    }
    const QString command = args.at(1);
    if (command == QLatin1StringView("-h") || command == QLatin1StringView("--help") || command == QLatin1StringView("help")) {
        gwb::cli::print(QString::fromUtf8(kUsage));
        return gwb::cli::Ok;
    }
    if (command == QLatin1StringView("-v") || command == QLatin1StringView("--version") || command == QLatin1StringView("version")) {
        gwb::cli::print(QStringLiteral("gwb %1\n").arg(QStringLiteral(GWB_VERSION)));
        return gwb::cli::Ok;
    }
    const QStringList rest = args.mid(1); // the command name stands in for argv[0]
    if (command == QLatin1StringView("diagnose"))
        return gwb::cli::diagnose(rest);
    if (command == QLatin1StringView("collect"))
        return gwb::cli::collect(rest);
    if (command == QLatin1StringView("check"))
        return gwb::cli::check(rest);
    if (command == QLatin1StringView("report"))
        return gwb::cli::report(rest);
    if (command == QLatin1StringView("follow"))
        return gwb::cli::follow(rest);
    gwb::cli::error(QStringLiteral("unknown command \"%1\"; run 'gwb --help' for the list").arg(command));
    return gwb::cli::Usage;
}
