#include "cli.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace gwb::cli {

void error(const QString &message)
{
    QTextStream(stderr) << "gwb: " << message << '\n';
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
  diagnose    read an nginx config and its logs, print findings (text or JSON)

Run 'gwb <command> --help' for the options of a command.

Options:
  -h, --help     show this help
  -v, --version  show the version

Exit codes: 0 ran (with or without findings), 2 usage error, 3 an input cannot be read.
)";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
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
    gwb::cli::error(QStringLiteral("unknown command \"%1\"; run 'gwb --help' for the list").arg(command));
    return gwb::cli::Usage;
}
