#pragma once

// The practice lab (lab/gwb-lab) for one test executable: a real nginx and its broken backends on
// 127.0.0.1, in a temporary state directory, on a free port range; stopped (by its own pids) in stop().

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>

namespace gwb::test {

class LabFixture
{
public:
    ~LabFixture() { stop(); }

    static QString script() { return QStringLiteral(GWB_SOURCE_DIR "/lab/gwb-lab"); }
    static bool available() { return QFile::exists(QStringLiteral("/usr/sbin/nginx")); }

    // Empty on success, else what went wrong.
    QString start()
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                                QFile::ExeOther); // nobody's workers must reach the state dir
        QString last;
        for (int attempt = 0; attempt < 10; ++attempt) {
            // 10000–19999: below the kernel's ephemeral ports (32768+) and apart from the test sshd (20000–31999).
            const int base = 10000 + int(QRandomGenerator::global()->bounded(700)) * 14;
            if (!portsFree(base, 14))
                continue;
            QProcess p;
            p.start(script(), {QStringLiteral("up"), QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--port-base"),
                               QString::number(base)});
            p.waitForFinished(60000);
            if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0) {
                m_base = base;
                m_up = true;
                return {};
            }
            last = QString::fromLocal8Bit(p.readAllStandardError() + p.readAllStandardOutput());
            run({QStringLiteral("down"), QStringLiteral("--dir"), m_dir.path()});
        }
        return QStringLiteral("gwb-lab up failed: ") + last;
    }

    bool traffic(int rounds = 2)
    {
        return run({QStringLiteral("traffic"), QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--rounds"),
                    QString::number(rounds)}) == 0;
    }

    void stop()
    {
        if (!m_up)
            return;
        run({QStringLiteral("down"), QStringLiteral("--dir"), m_dir.path()});
        m_up = false;
    }

    // True when no process mentions our state directory any more (nginx runs with -p DIR).
    bool nothingLeftRunning() const
    {
        return QProcess::execute(QStringLiteral("pgrep"), {QStringLiteral("-f"), m_dir.path()}) == 1;
    }

    int portBase() const { return m_base; }
    QString dir() const { return m_dir.path(); }
    QString confPath() const { return m_dir.filePath(QStringLiteral("nginx.conf")); }
    QString logsDir() const { return m_dir.filePath(QStringLiteral("logs")); }
    QString runDir() const
    {
        QFile f(m_dir.filePath(QStringLiteral("lab.json")));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("run_dir")).toString();
    }

private:
    static bool portsFree(int base, int count)
    {
        for (int p = base; p < base + count; ++p) {
            QTcpServer s;
            if (!s.listen(QHostAddress::LocalHost, quint16(p)))
                return false;
        }
        return true;
    }
    static int run(const QStringList &args)
    {
        QProcess p;
        p.start(script(), args);
        p.waitForFinished(120000);
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    QTemporaryDir m_dir{QDir::temp().filePath(QStringLiteral("gwb-collect-lab-XXXXXX"))};
    int m_base = 0;
    bool m_up = false;
};

} // namespace gwb::test
