#pragma once

#include <QObject>

namespace gwb {

class MainWindow;

// Renders the welcome page, then every view of the investigation `window` is loading, to DIR/*.png at
// 1400×900, and quits the application. Works with -platform offscreen.
class ScreenshotRunner final : public QObject
{
    Q_OBJECT
public:
    ScreenshotRunner(MainWindow *window, QString dir, QObject *parent = nullptr);
    void captureWelcome();   // before the investigation is opened
    void captureViews();     // once it is loaded
    QStringList written() const { return m_written; }

private:
    void save(const QString &name);
    void captureChecks();
    MainWindow *m_window;
    QString m_dir;
    QStringList m_written;
};

} // namespace gwb
