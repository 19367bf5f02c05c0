#pragma once

// A throwaway sshd for one test executable: started by sshd/start-sshd.sh on 127.0.0.1, stopped (its own
// pid and session processes only) by sshd/stop-sshd.sh.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <csignal>
#include <sys/types.h>

namespace gwb::test {

class SshdFixture
{
public:
    ~SshdFixture() { stop(); }

    static QString scriptDir() { return QStringLiteral(GWB_SOURCE_DIR "/tests/integration/sshd"); }
    static bool available() { return QFile::exists(QStringLiteral("/usr/sbin/sshd")); }

    // Empty on success, else what went wrong. `options`: start-sshd.sh's own (--user NAME, --password-user
    // NAME), for tests that log in as other accounts too.
    QString start(const QStringList &options = {})
    {
        QProcess p;
        p.start(QStringLiteral("bash"), QStringList{scriptDir() + QStringLiteral("/start-sshd.sh")} + options);
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            return QString::fromLocal8Bit(p.readAllStandardError());
        for (const QByteArray &line : p.readAllStandardOutput().split('\n')) {
            const qsizetype eq = line.indexOf('=');
            const QString value = QString::fromLocal8Bit(line.mid(eq + 1));
            if (line.startsWith("GWB_SSHD_PORT="))
                m_port = value.toUShort();
            else if (line.startsWith("GWB_SSHD_DIR="))
                m_dir = value;
            else if (line.startsWith("GWB_SSHD_PID="))
                m_pid = value.toLongLong();
            else if (line.startsWith("GWB_SSHD_USER="))
                m_user = value;
        }
        return m_port && !m_dir.isEmpty() && m_pid > 0 ? QString()
                                                       : QStringLiteral("start-sshd.sh printed no port");
    }

    void stop()
    {
        if (m_dir.isEmpty())
            return;
        QProcess::execute(QStringLiteral("bash"), {scriptDir() + QStringLiteral("/stop-sshd.sh"), m_dir});
        m_dir.clear();
    }

    quint16 port() const { return m_port; }
    const QString &dir() const { return m_dir; }
    const QString &user() const { return m_user; }
    QString file(const QString &name) const { return QDir(m_dir).filePath(name); }

    // "SHA256:…" of a public key file, from OpenSSH's own ssh-keygen.
    static QString fingerprint(const QString &publicKeyFile)
    {
        QProcess p;
        p.start(QStringLiteral("ssh-keygen"),
                {QStringLiteral("-E"), QStringLiteral("sha256"), QStringLiteral("-lf"), publicKeyFile});
        p.waitForFinished(10000);
        return QString::fromLatin1(p.readAllStandardOutput()).section(QLatin1Char(' '), 1, 1);
    }

    // The per-connection processes of our sshd (children of its listener, and theirs): killing them is
    // how a test cuts a connection from the server side.
    QList<pid_t> sessionProcesses() const
    {
        QList<pid_t> found;
        QList<pid_t> parents{static_cast<pid_t>(m_pid)};
        while (!parents.isEmpty()) {
            const pid_t parent = parents.takeFirst();
            for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
                bool isPid = false;
                const pid_t pid = entry.toInt(&isPid);
                if (!isPid)
                    continue;
                QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
                if (!stat.open(QIODevice::ReadOnly))
                    continue;
                const QByteArray text = stat.readAll();
                // Field 4 is the parent pid; field 2 (the name) may contain spaces, so count from ')'.
                const QList<QByteArray> rest = text.mid(text.lastIndexOf(')') + 2).split(' ');
                if (rest.size() > 1 && rest[1].toInt() == parent) {
                    found << pid;
                    parents << pid;
                }
            }
        }
        return found;
    }
    int killSessions() const
    {
        const QList<pid_t> pids = sessionProcesses();
        for (const pid_t pid : pids)
            ::kill(pid, SIGKILL);
        return int(pids.size());
    }

private:
    quint16 m_port = 0;
    QString m_dir;
    qint64 m_pid = 0;
    QString m_user;
};

} // namespace gwb::test
