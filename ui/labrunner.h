#pragma once

#include <QObject>
#include <QStringList>

class QProcess;

namespace gwb {

// Starts the practice lab (lab/gwb-lab up, traffic) and captures `nginx -T` of it into a file, one process
// after the other, all asynchronous: the UI thread only reacts to finished signals.
class LabRunner final : public QObject
{
    Q_OBJECT
public:
    explicit LabRunner(QObject *parent = nullptr);

    static QString labScript();  // the gwb-lab found beside the sources or installed; empty when none
    static QString stateDir();   // where the lab keeps its nginx prefix
    void start();
    void cancel();
    bool isRunning() const { return m_process != nullptr; }

signals:
    void progress(const QString &step);
    void ready(const QString &dumpPath, const QStringList &accessLogs, const QStringList &errorLogs);
    void failed(const QString &message);

private:
    void runStep(int step);
    QProcess *m_process = nullptr;
};

} // namespace gwb
