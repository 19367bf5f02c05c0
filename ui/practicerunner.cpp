#include "practicerunner.h"

#include "labrunner.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace gwb {

PracticeRunner::PracticeRunner(QObject *parent) : QObject(parent) {}

PracticeRunner::~PracticeRunner()
{
    cancel();
}

QString PracticeRunner::stateDir()
{
    if (const QString env = qEnvironmentVariable("GWB_PRACTICE_LAB_DIR"); !env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/gwb-lab-practice");
}

int PracticeRunner::portBase()
{
    bool ok = false;
    const int env = qEnvironmentVariableIntValue("GWB_PRACTICE_PORT_BASE", &ok);
    return ok && env > 0 ? env : 18180; // the full lab defaults to 18080..18093
}

QString PracticeRunner::configPath() const
{
    return stateDir() + QStringLiteral("/nginx.conf");
}

QString PracticeRunner::logsDir() const
{
    return stateDir() + QStringLiteral("/logs");
}

void PracticeRunner::start(const QString &labScenario, const QString &brokenLocation)
{
    const QString dir = stateDir();
    run(Action::Start, {{{QStringLiteral("down"), QStringLiteral("--dir"), dir},
                         tr("Stopping an earlier practice lab…"),
                         true},
                        {{QStringLiteral("up"), QStringLiteral("--dir"), dir, QStringLiteral("--port-base"),
                          QString::number(portBase()), QStringLiteral("--practice"), labScenario,
                          QStringLiteral("--broken"), brokenLocation},
                         tr("Starting the practice lab (nginx and backends)…")},
                        {{QStringLiteral("traffic"), QStringLiteral("--dir"), dir, QStringLiteral("--rounds"),
                          QStringLiteral("2")},
                         tr("Sending traffic through the lab…")}});
}

void PracticeRunner::sendTraffic()
{
    run(Action::Traffic, {{{QStringLiteral("traffic"), QStringLiteral("--dir"), stateDir(),
                            QStringLiteral("--rounds"), QStringLiteral("2")},
                           tr("Sending traffic through the lab…")}});
}

void PracticeRunner::stop()
{
    run(Action::Stop,
        {{{QStringLiteral("down"), QStringLiteral("--dir"), stateDir()}, tr("Stopping the practice lab…")}});
}

void PracticeRunner::cancel()
{
    m_steps.clear();
    if (!m_process)
        return;
    QProcess *p = m_process;
    m_process = nullptr;
    p->disconnect(this);
    p->kill();
    p->waitForFinished(2000); // gwb-lab itself is quick to die; its daemons are stopped by `down`
    p->deleteLater();
}

void PracticeRunner::run(Action action, QList<Step> steps)
{
    if (m_process) {
        emit failed(action, tr("The practice lab is still busy; wait for the current step to finish."));
        return;
    }
    if (LabRunner::labScript().isEmpty()) {
        emit failed(action, tr("The practice lab (lab/gwb-lab) is not installed next to this program."));
        return;
    }
    if (action == Action::Start && !QDir().mkpath(stateDir())) {
        emit failed(action, tr("Cannot create %1.").arg(stateDir()));
        return;
    }
    m_action = action;
    m_steps = std::move(steps);
    m_output.clear();
    runNext();
}

void PracticeRunner::runNext()
{
    if (m_steps.isEmpty()) {
        emit finished(m_action, m_output.trimmed());
        return;
    }
    const Step step = m_steps.takeFirst();
    emit progress(step.description);
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QProcess *p = m_process;
    connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || p != m_process)
            return;
        m_process = nullptr;
        m_steps.clear();
        p->deleteLater();
        emit failed(m_action, tr("Cannot start %1: %2").arg(p->program(), p->errorString()));
    });
    connect(p, &QProcess::finished, this, [this, p, step](int code, QProcess::ExitStatus status) {
        if (p != m_process)
            return;
        m_process = nullptr;
        p->deleteLater();
        const QString out = QString::fromLocal8Bit(p->readAll()).trimmed();
        if ((status != QProcess::NormalExit || code != 0) && !step.mayFail) {
            m_steps.clear();
            emit failed(
                m_action,
                tr("gwb-lab %1 failed (exit %2): %3").arg(step.args.value(0), QString::number(code), out));
            return;
        }
        if (!step.mayFail)
            m_output += out + QLatin1Char('\n');
        runNext();
    });
    p->start(LabRunner::labScript(), step.args);
}

} // namespace gwb
