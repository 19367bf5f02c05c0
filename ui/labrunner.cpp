#include "labrunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace gwb {

LabRunner::LabRunner(QObject *parent) : QObject(parent) {}

QString LabRunner::labScript()
{
    for (const QString &dir : {QStringLiteral(GWB_SOURCE_LAB_DIR), QStringLiteral(GWB_INSTALLED_LAB_DIR)}) {
        const QString script = dir + QStringLiteral("/gwb-lab");
        if (QFileInfo(script).isExecutable())
            return script;
    }
    return {};
}

QString LabRunner::stateDir()
{
    if (const QByteArray env = qgetenv("GWB_LAB_DIR"); !env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/gwb-lab");
}

void LabRunner::start()
{
    if (labScript().isEmpty()) {
        emit failed(tr("The practice lab (lab/gwb-lab) is not installed next to this program."));
        return;
    }
    runStep(0);
}

void LabRunner::cancel()
{
    if (!m_process)
        return;
    QProcess *p = m_process;
    m_process = nullptr;
    p->disconnect(this);
    p->kill();
    p->deleteLater();
}

void LabRunner::runStep(int step)
{
    const QString dir = stateDir();
    QString program;
    QStringList args;
    switch (step) {
    case 0:
        emit progress(tr("Starting the lab's nginx and backends…"));
        program = labScript();
        args = {QStringLiteral("up"), QStringLiteral("--dir"), dir};
        break;
    case 1:
        emit progress(tr("Sending a burst of traffic…"));
        program = labScript();
        args = {QStringLiteral("traffic"), QStringLiteral("--dir"), dir};
        break;
    default:
        emit progress(tr("Reading the configuration (nginx -T)…"));
        program = QStandardPaths::findExecutable(QStringLiteral("nginx"));
        if (program.isEmpty())
            program = QStandardPaths::findExecutable(QStringLiteral("nginx"),
                                                     {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
        args = {QStringLiteral("-T"), QStringLiteral("-p"), dir, QStringLiteral("-c"), dir + QStringLiteral("/nginx.conf")};
        break;
    }
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(step == 2 ? QProcess::SeparateChannels : QProcess::MergedChannels);
    QProcess *p = m_process;
    connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || p != m_process)
            return;
        m_process = nullptr;
        p->deleteLater();
        emit failed(tr("Cannot start %1: %2").arg(p->program(), p->errorString()));
    });
    connect(p, &QProcess::finished, this, [this, p, step, dir](int code, QProcess::ExitStatus status) {
        if (p != m_process)
            return;
        m_process = nullptr;
        p->deleteLater();
        const QByteArray out = p->readAllStandardOutput();
        // A lab left running (by an earlier start, or by gwb-lab up in a terminal) is used as it is.
        const bool alreadyUp = step == 0 && out.contains("is already up");
        if ((status != QProcess::NormalExit || code != 0) && !alreadyUp) {
            emit failed(tr("%1 failed (exit %2): %3")
                            .arg(QFileInfo(p->program()).fileName(), QString::number(code),
                                 QString::fromLocal8Bit(out + p->readAllStandardError()).trimmed()));
            return;
        }
        if (step < 2) {
            runStep(step + 1);
            return;
        }
        const QString dump = dir + QStringLiteral("/nginx-T.txt");
        QFile f(dump);
        if (!f.open(QIODevice::WriteOnly) || f.write(out) != out.size()) {
            emit failed(tr("Cannot write %1: %2").arg(dump, f.errorString()));
            return;
        }
        // The lab writes the same requests in four access-log layouts; reading one of them (the richest,
        // upstreaminfo) keeps every request counted once. Without it, the logs the config names are used.
        QStringList access, error;
        if (QFileInfo::exists(dir + QStringLiteral("/logs/access.log")))
            access << dir + QStringLiteral("/logs/access.log");
        if (QFileInfo::exists(dir + QStringLiteral("/logs/error.log")))
            error << dir + QStringLiteral("/logs/error.log");
        emit ready(dump, access, error);
    });
    p->start(program, args);
}

} // namespace gwb
