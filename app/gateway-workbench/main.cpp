// gateway-workbench: the desktop window. Thin: parse the command line, show the main window, open what was
// asked for.
#include "commandline.h"
#include "investigationview.h"
#include "mainwindow.h"
#include "screenshots.h"

#include <QApplication>
#include <QPalette>
#include <QTextStream>

namespace {

// --help and --version must work without a display (packaging checks, CI), so they are answered by a
// QCoreApplication before any GUI platform plugin is loaded.
bool wantsTextOnly(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "--version" || arg == "-v" || arg == "--help-all")
            return true;
    }
    return false;
}

// GWB_DARK_PALETTE=1 renders with a dark Fusion palette: how the screenshots check that no view hard-codes
// light colours.
void applyDarkPaletteIfAsked()
{
    if (!qEnvironmentVariableIsSet("GWB_DARK_PALETTE"))
        return;
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette p;
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, QColor(220, 220, 220));
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(50, 50, 54));
    p.setColor(QPalette::Text, QColor(220, 220, 220));
    p.setColor(QPalette::Button, QColor(55, 55, 58));
    p.setColor(QPalette::ButtonText, QColor(220, 220, 220));
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(100, 170, 255));
    p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 40));
    p.setColor(QPalette::ToolTipText, QColor(230, 230, 200));
    p.setColor(QPalette::Mid, QColor(100, 100, 100));
    QApplication::setPalette(p);
}

void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("GatewayWorkbench"));
    QCoreApplication::setApplicationName(QStringLiteral("gateway-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GWB_VERSION));
}

} // namespace

int main(int argc, char **argv)
{
    if (wantsTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        gwb::parseCommandLine(app); // prints and exits
        return 0;
    }
    QApplication app(argc, argv);
    setIdentity();
    applyDarkPaletteIfAsked();
    const gwb::CommandLine cmd = gwb::parseCommandLine(app);

    gwb::MainWindow window;
    if (!cmd.screenshotsDir.isEmpty()) {
        // Fixed size and no restored layout, so that screenshots are reproducible.
        auto *shots = new gwb::ScreenshotRunner(&window, cmd.screenshotsDir, &window);
        shots->captureWelcome();
        QObject::connect(&window, &gwb::MainWindow::idle, &window, [&window, shots] {
            shots->captureViews();
            QTextStream(stdout) << shots->written().join(QLatin1Char('\n')) << '\n';
            QApplication::exit(window.investigationView()->session() ? 0 : 1);
        });
        if (cmd.lab)
            window.openLab();
        else if (cmd.hasInputs())
            window.openInputs(cmd.inputs);
        else
            return 0;
        return QApplication::exec();
    }
    window.restoreLayout();
    window.show();
    if (cmd.lab)
        window.openLab();
    else if (cmd.hasInputs())
        window.openInputs(cmd.inputs);
    return QApplication::exec();
}
