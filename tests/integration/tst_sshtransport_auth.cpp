// Host-key policy and authentication against a real OpenSSH sshd on 127.0.0.1: unknown keys refused or
// recorded, changed keys and keys of another type refused with no way around, clear auth errors.
#include "sshtestbase.h"

#include <QProcess>
#include <QTest>

using namespace gwb;
using namespace gwb::test;
using namespace std::chrono_literals;

class TestSshTransportAuth final : public QObject, private SshTestBase
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!SshdFixture::available())
            QSKIP("/usr/sbin/sshd is not installed (Debian: openssh-server; packaging/install-deps.sh "
                  "installs it)");
        const QString failure = setUp(BigFile::No);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }
    void cleanupTestCase() { tearDown(); }

    void unknownHostKeyRefusedUnderCliPolicy()
    {
        SshOptions o = options();
        o.knownHostsPath = knownHostsWith(QStringLiteral("empty_known_hosts"), {});
        SshTransport ssh(o, HostKeyPolicy::refuseUnknown());
        const auto id = ssh.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!id.ok());
        QCOMPARE(id.error().kind, Error::Kind::HostKey);
        show("unknown host key", id.error());
        const QString fp = test::SshdFixture::fingerprint(m_sshd.file(QStringLiteral("host_ed25519.pub")));
        QVERIFY(fp.startsWith(QLatin1String("SHA256:")));
        QVERIFY2(message(id.error()).contains(fp), qPrintable(message(id.error()) + u" / " + fp));
        QVERIFY(message(id.error()).contains(QLatin1String("ssh-ed25519")));
        QVERIFY(message(id.error()).contains(QLatin1String("--accept-new-host-key")));
        QCOMPARE(QFileInfo(o.knownHostsPath).size(), 0); // nothing recorded
        QVERIFY(!ssh.isConnected());

        // A known_hosts file that does not exist yet is the same question, not an error.
        o.knownHostsPath = m_data.filePath(QStringLiteral("absent/known_hosts"));
        SshTransport ssh2(o, HostKeyPolicy::refuseUnknown());
        const auto id2 = ssh2.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!id2.ok());
        QCOMPARE(id2.error().kind, Error::Kind::HostKey);
    }

    void unknownHostKeyAcceptedAndRecorded()
    {
        SshOptions o = options();
        o.knownHostsPath = m_data.filePath(QStringLiteral("new/known_hosts")); // directory does not exist yet
        {
            SshTransport ssh(o, HostKeyPolicy::acceptNew());
            const auto id = ssh.run(RemoteCommand::id(), 10s, {});
            QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : message(id.error())));
        }
        QFile recorded(o.knownHostsPath);
        QVERIFY(recorded.open(QIODevice::ReadOnly));
        const QByteArray line = recorded.readAll();
        QVERIFY2(
            line.startsWith(QByteArray("[127.0.0.1]:" + QByteArray::number(m_sshd.port()) + " ssh-ed25519 ")),
            line.constData());
        // Now known: the strict policy lets it through.
        SshTransport strict(o, HostKeyPolicy::refuseUnknown());
        QVERIFY(strict.run(RemoteCommand::id(), 10s, {}).ok());
    }

    void askPolicySeesTheFingerprint()
    {
        SshOptions o = options();
        o.knownHostsPath = knownHostsWith(QStringLiteral("ask_known_hosts"), {});
        QList<HostKeyInfo> asked;
        SshTransport refused(o, HostKeyPolicy::ask([&](const HostKeyInfo &key) {
                                 asked << key;
                                 return false;
                             }));
        const auto no = refused.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!no.ok());
        QCOMPARE(no.error().kind, Error::Kind::HostKey);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0].status, HostKeyInfo::Status::Unknown);
        QCOMPARE(asked[0].keyType, QStringLiteral("ssh-ed25519"));
        QCOMPARE(asked[0].fingerprint,
                 test::SshdFixture::fingerprint(m_sshd.file(QStringLiteral("host_ed25519.pub"))));
        QCOMPARE(asked[0].host, QStringLiteral("[127.0.0.1]:%1").arg(m_sshd.port()));
        QCOMPARE(QFileInfo(o.knownHostsPath).size(), 0);
    }

    void changedHostKeyIsRefusedWithoutRecourse_data()
    {
        QTest::addColumn<QString>("recordedKey");
        QTest::addColumn<QString>("expected");
        QTest::newRow("same type, other key")
            << QStringLiteral("stranger_ed25519.pub") << QStringLiteral("CHANGED");
        QTest::newRow("other type") << QStringLiteral("other_ecdsa.pub") << QStringLiteral("another type");
    }
    void changedHostKeyIsRefusedWithoutRecourse()
    {
        QFETCH(QString, recordedKey);
        QFETCH(QString, expected);
        if (!QFile::exists(m_sshd.file(QStringLiteral("other_ecdsa.pub"))))
            QCOMPARE(QProcess::execute(QStringLiteral("ssh-keygen"),
                                       {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ecdsa"),
                                        QStringLiteral("-N"), QString(), QStringLiteral("-f"),
                                        m_sshd.file(QStringLiteral("other_ecdsa"))}),
                     0);
        SshOptions o = options();
        o.knownHostsPath =
            knownHostsWith(QStringLiteral("changed_known_hosts"), hostEntry(m_sshd.file(recordedKey)));
        const QByteArray before = hostEntry(m_sshd.file(recordedKey));
        bool askedAnyway = false;
        const QList<HostKeyPolicy> policies = {HostKeyPolicy::refuseUnknown(), HostKeyPolicy::acceptNew(),
                                               HostKeyPolicy::ask([&](const HostKeyInfo &) {
                                                   askedAnyway = true;
                                                   return true;
                                               })};
        for (const HostKeyPolicy &policy : policies) {
            SshTransport ssh(o, policy);
            const auto id = ssh.run(RemoteCommand::id(), 10s, {});
            QVERIFY(!id.ok());
            QCOMPARE(id.error().kind, Error::Kind::HostKey);
            QVERIFY2(message(id.error()).contains(expected), qPrintable(message(id.error())));
            if (&policy == &policies.front())
                show("recorded key differs", id.error());
            QVERIFY(message(id.error()).contains(QLatin1String("ssh-keygen -R")));
        }
        QVERIFY(!askedAnyway); // no dialog, no flag: there is no override path
        QFile kh(o.knownHostsPath);
        QVERIFY(kh.open(QIODevice::ReadOnly));
        QCOMPARE(kh.readAll(), before); // and known_hosts was left alone
    }

    void wrongIdentityGivesClearAuthError()
    {
        SshOptions o = options();
        o.identityFiles = {m_sshd.file(QStringLiteral("stranger_ed25519")),
                           m_data.filePath(QStringLiteral("no_such_key"))};
        SshTransport ssh(o, HostKeyPolicy::refuseUnknown());
        const auto id = ssh.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!id.ok());
        QCOMPARE(id.error().kind, Error::Kind::Permission);
        const QString text = message(id.error());
        show("wrong identity", id.error());
        QVERIFY2(text.contains(QLatin1String("authentication as")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("stranger_ed25519 (not accepted by the server)")));
        QVERIFY(text.contains(QLatin1String("no_such_key (file not found)")));
        QVERIFY(text.contains(QLatin1String("The server accepts: publickey")));
    }

    void encryptedKeyAsksForItsPassphrase()
    {
        const QString key = m_sshd.file(QStringLiteral("locked_ed25519"));
        QCOMPARE(QProcess::execute(QStringLiteral("ssh-keygen"),
                                   {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                                    QStringLiteral("-N"), QStringLiteral("open sesame"), QStringLiteral("-f"),
                                    key}),
                 0);
        QFile authorized(m_sshd.file(QStringLiteral("authorized_keys")));
        QFile pub(key + QStringLiteral(".pub"));
        QVERIFY(authorized.open(QIODevice::Append) && pub.open(QIODevice::ReadOnly));
        authorized.write(pub.readAll());
        authorized.close();

        SshOptions o = options();
        o.identityFiles = {key};
        QList<CredentialRequest> asked;
        SshTransport ssh(o, HostKeyPolicy::refuseUnknown(),
                         [&](const CredentialRequest &r) -> std::optional<QByteArray> {
                             asked << r;
                             return QByteArray("open sesame");
                         });
        const auto id = ssh.run(RemoteCommand::id(), 10s, {});
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : message(id.error())));
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0].kind, CredentialRequest::Kind::KeyPassphrase);
        QVERIFY(asked[0].prompt.contains(key));

        SshTransport declined(
            o, HostKeyPolicy::refuseUnknown(),
            [](const CredentialRequest &) -> std::optional<QByteArray> { return std::nullopt; });
        const auto no = declined.run(RemoteCommand::id(), 10s, {});
        QVERIFY(!no.ok());
        QVERIFY2(message(no.error()).contains(QLatin1String("no passphrase given")),
                 qPrintable(message(no.error())));
    }
};

QTEST_GUILESS_MAIN(TestSshTransportAuth)
#include "tst_sshtransport_auth.moc"
