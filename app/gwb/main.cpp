#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gwb"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GWB_VERSION));
    QTextStream(stdout) << "gwb " << GWB_VERSION << '\n';
    return 0;
}
