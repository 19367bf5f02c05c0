#pragma once

// Unprivileged accounts (and groups) that exist only for one test executable: created with useradd /
// groupadd under unique names, removed again with userdel -r / groupdel when the object goes away (and
// earlier when the test calls removeAll()). Only root can do this; unavailableReason() says why not.

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QStringList>
#include <unistd.h>

namespace gwb::test {

class ThrowawayAccounts
{
public:
    ThrowawayAccounts() = default;
    ThrowawayAccounts(const ThrowawayAccounts &) = delete;
    ThrowawayAccounts &operator=(const ThrowawayAccounts &) = delete;
    ~ThrowawayAccounts() { removeAll(); }

    // Empty when accounts can be made here; else the reason, for QSKIP.
    static QString unavailableReason()
    {
        if (::geteuid() != 0)
            return QStringLiteral("creating throwaway accounts needs root");
        for (const char *tool : {"useradd", "userdel", "groupadd", "groupdel", "chpasswd"})
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool), {QStringLiteral("/usr/sbin"),
                                                                           QStringLiteral("/usr/bin")})
                    .isEmpty())
                return QStringLiteral("%1 is missing (Debian: passwd)").arg(QString::fromLatin1(tool));
        return {};
    }

    // prefix + 6 random characters [a-z0-9]: unique enough that parallel runs never meet.
    static QString uniqueName(const QString &prefix)
    {
        static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        QString name = prefix;
        for (int i = 0; i < 6; ++i)
            name += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(36)]);
        return name;
    }

    // Empty on success, else what went wrong.
    QString addGroup(const QString &group)
    {
        if (QString failure = run(QStringLiteral("groupadd"), {group}); !failure.isEmpty())
            return failure;
        m_groups << group;
        return {};
    }

    // A login account with a home directory and bash. Without a password its shadow entry is "*": no
    // password works, yet the account is not "locked" ("!"), which sshd without PAM would refuse even for
    // key logins.
    QString addUser(const QString &user, const QStringList &groups = {}, const QByteArray &password = {})
    {
        QStringList args{QStringLiteral("--create-home"), QStringLiteral("--shell"), QStringLiteral("/bin/bash"),
                         QStringLiteral("--password"), QStringLiteral("*")};
        if (!groups.isEmpty())
            args << QStringLiteral("--groups") << groups.join(QLatin1Char(','));
        args << user;
        if (QString failure = run(QStringLiteral("useradd"), args); !failure.isEmpty())
            return failure;
        m_users << user;
        if (!password.isEmpty())
            return run(QStringLiteral("chpasswd"), {}, user.toUtf8() + ':' + password + '\n');
        return {};
    }

    // Users first (a group that is someone's primary group cannot go), then groups; everything we made.
    void removeAll()
    {
        // Their sessions are children of the test's own sshd: stop that first, or userdel refuses a user
        // who is still logged in.
        for (const QString &user : std::as_const(m_users))
            if (const QString failure = run(QStringLiteral("userdel"), {QStringLiteral("--remove"), user});
                !failure.isEmpty())
                qWarning("%s", qPrintable(failure));
        m_users.clear();
        for (const QString &group : std::as_const(m_groups))
            if (const QString failure = run(QStringLiteral("groupdel"), {group}); !failure.isEmpty())
                qWarning("%s", qPrintable(failure));
        m_groups.clear();
    }

    static bool exists(const QString &user)
    {
        QProcess p;
        p.start(QStringLiteral("id"), {QStringLiteral("-u"), user});
        return p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

private:
    static QString run(const QString &program, const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!input.isEmpty()) {
            p.write(input);
            p.closeWriteChannel();
        }
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit)
            return QStringLiteral("%1 did not finish").arg(program);
        if (p.exitCode() != 0)
            return QStringLiteral("%1 %2 failed: %3")
                .arg(program, args.join(QLatin1Char(' ')), QString::fromLocal8Bit(p.readAll()).trimmed());
        return {};
    }

    QStringList m_users;
    QStringList m_groups;
};

} // namespace gwb::test
