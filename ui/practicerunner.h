#pragma once

#include <QObject>
#include <QStringList>

class QProcess;

namespace gwb {

// Runs the practice lab (lab/gwb-lab in practice mode) one command after the other, asynchronously: the UI
// thread only reacts to finished signals. Its state directory is apart from the full lab's, and its port
// range too, so both can run at the same time.
class PracticeRunner final : public QObject
{
    Q_OBJECT
public:
    enum class Action
    {
        Start,
        Traffic,
        Stop
    };
    Q_ENUM(Action)

    explicit PracticeRunner(QObject *parent = nullptr);
    ~PracticeRunner() override;

    static QString stateDir();  // $GWB_PRACTICE_LAB_DIR, else <cache>/gwb-lab-practice
    static int portBase();      // $GWB_PRACTICE_PORT_BASE, else 18180
    QString configPath() const; // the practice nginx.conf
    QString logsDir() const;

    // down (whatever ran before), up --practice SCENARIO --broken LOCATION, traffic. The arguments name the
    // answer: they go to gwb-lab only and are never shown.
    void start(const QString &labScenario, const QString &brokenLocation);
    void sendTraffic();
    void stop();
    void cancel(); // kills the running command; the lab may stay half up (stop() cleans up)
    bool isBusy() const { return m_process != nullptr; }

signals:
    void progress(const QString &step);
    void finished(gwb::PracticeRunner::Action action, const QString &output);
    void failed(gwb::PracticeRunner::Action action, const QString &message);

private:
    struct Step
    {
        QStringList args;
        QString description;
        bool mayFail = false;
    };
    void run(Action action, QList<Step> steps);
    void runNext();

    QProcess *m_process = nullptr;
    QList<Step> m_steps;
    Action m_action = Action::Start;
    QString m_output;
};

} // namespace gwb
