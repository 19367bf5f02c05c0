// The guided checks of an SSH-collected investigation ask for a key passphrase or a password the way the
// collection does (CheckPrompts: PromptBroker → CredentialDialog on the UI thread), against a real throwaway
// sshd in front of the practice lab. The password case logs in as a throwaway account with a password (sshd
// without PAM checks /etc/shadow itself), so it needs root; the passphrase case runs for anyone.
#include "checkprompts.h"
#include "checkspage.h"
#include "hostkeydialog.h"
#include "investigationview.h"
#include "labfixture.h"
#include "mainwindow.h"
#include "sshtestbase.h"
#include "throwawayaccounts.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace gwb;

namespace {

// True when at least one command of the run reached the host and ran there (so the login worked).
bool someCommandRan(const CheckRun &run)
{
    for (const CheckResult &r : run.results)
        for (const CommandRecord &c : r.commands)
            if (c.error.isEmpty() && c.exitCode >= 0)
                return true;
    return false;
}

QString describeRun(const CheckRun &run)
{
    QStringList s;
    for (const CheckResult &r : run.results) {
        QString line = r.checkId + QLatin1Char('=') + verdictLabel(r.verdict);
        for (const CommandRecord &c : r.commands)
            if (!c.error.isEmpty())
                line += QStringLiteral(" [%1]").arg(c.error);
        s << line;
    }
    return s.join(QStringLiteral("; "));
}

} // namespace

class TestGuiSshChecks final : public QObject, public test::SshTestBase
{
    Q_OBJECT

    test::LabFixture m_lab;
    test::ThrowawayAccounts m_accounts;
    QString m_passwordUser; // empty when accounts cannot be made here
    QByteArray m_password;

    CollectJob job(const QStringList &identities) const
    {
        CollectJob j;
        CollectJob::Target t;
        t.ssh = options();
        t.ssh.knownHostsPath = m_sshd.file(QStringLiteral("known_hosts"));
        t.ssh.identityFiles = identities;
        j.targets.push_back(t);
        j.nginxConf = m_lab.confPath(); // other labs may run on this machine
        return j;
    }

    // A window with the lab collected over SSH by the test's own key, its checks page on the worst subject.
    static bool collected(MainWindow &window, const CollectJob &j, const QByteArray &passphrase = {})
    {
        QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
        QSignalSpy shown(window.prompts(), &PromptPresenter::dialogShown);
        window.collect(j);
        if (!passphrase.isEmpty()) {
            if (!shown.wait(60000))
                return false;
            auto *dialog = qobject_cast<CredentialDialog *>(shown.at(0).at(0).value<QDialog *>());
            if (!dialog)
                return false;
            QTest::keyClicks(dialog->field(), QString::fromUtf8(passphrase));
            QTest::keyClick(dialog->field(), Qt::Key_Return);
        }
        return loaded.wait(180000) && window.investigationView()->session();
    }

    // Answers the first credential question of the checks, and waits for the run to finish. False when no
    // question came or the run did not end.
    static bool runChecksAndAnswer(MainWindow &window, ChecksPage *page, const QByteArray &secret, int *asked)
    {
        QSignalSpy shown(window.checkPrompts()->presenter(), &PromptPresenter::dialogShown);
        QSignalSpy finished(page, &ChecksPage::runFinished);
        page->selectSubject(0);
        page->runAllForSubject();
        if (!page->isRunning() || !shown.wait(60000))
            return false;
        auto *dialog = qobject_cast<CredentialDialog *>(shown.at(0).at(0).value<QDialog *>());
        if (!dialog || !dialog->isVisible() || !window.isVisible())
            return false;
        QTest::keyClicks(dialog->field(), QString::fromUtf8(secret));
        QTest::keyClick(dialog->field(), Qt::Key_Return); // the dialog deletes itself on close
        // No event is handled between the check and wait(), so a signal already emitted is counted.
        if (finished.isEmpty() && !finished.wait(180000))
            return false;
        *asked = int(shown.size());
        return true;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GatewayWorkbenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("gateway-workbench-gui-ssh-checks-tests"));
        if (!test::SshdFixture::available() || !test::LabFixture::available())
            QSKIP("needs /usr/sbin/sshd and /usr/sbin/nginx");
        if (!m_data.isValid())
            QFAIL("no temporary directory");
        QStringList sshdOptions;
        if (test::ThrowawayAccounts::unavailableReason().isEmpty()) {
            m_passwordUser = test::ThrowawayAccounts::uniqueName(QStringLiteral("gwbpw"));
            m_password = "pw-" + test::ThrowawayAccounts::uniqueName(QStringLiteral("x")).toLatin1() + "-9Q";
            const QString failure = m_accounts.addUser(m_passwordUser, {}, m_password);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            sshdOptions << QStringLiteral("--password-user") << m_passwordUser;
        }
        const QString failure = m_sshd.start(sshdOptions);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const QString lab = m_lab.start();
        QVERIFY2(lab.isEmpty(), qPrintable(lab));
        QVERIFY(m_lab.traffic());
    }

    void cleanupTestCase()
    {
        m_lab.stop();
        tearDown(); // stops the sshd first: the account's sessions end with it
        m_accounts.removeAll();
        if (!m_passwordUser.isEmpty())
            QVERIFY(!test::ThrowawayAccounts::exists(m_passwordUser));
    }

    // The collection asked for the key's passphrase; the checks over the same target ask again (a key's
    // passphrase belongs to ssh-agent, not to us) through their own broker, and then run on the host.
    void checksAskForTheKeyPassphrase()
    {
        const QString key = m_sshd.file(QStringLiteral("checks_locked_ed25519"));
        QCOMPARE(QProcess::execute(QStringLiteral("ssh-keygen"),
                                   {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                                    QStringLiteral("-N"), QStringLiteral("open sesame"), QStringLiteral("-f"), key}),
                 0);
        QFile authorized(m_sshd.file(QStringLiteral("authorized_keys")));
        QFile pub(key + QStringLiteral(".pub"));
        QVERIFY(authorized.open(QIODevice::Append) && pub.open(QIODevice::ReadOnly));
        authorized.write(pub.readAll());
        authorized.close();

        MainWindow window;
        window.show();
        QVERIFY(collected(window, job({key}), "open sesame"));
        ChecksPage *page = window.investigationView()->checks();
        QVERIFY(!page->subjects().empty());
        int asked = 0;
        QVERIFY(runChecksAndAnswer(window, page, "open sesame", &asked));
        QCOMPARE(asked, 1); // once for the whole run
        QVERIFY2(someCommandRan(page->results()), qPrintable(describeRun(page->results())));
        QVERIFY(page->results().host.contains(QStringLiteral("127.0.0.1")));
    }

    // Declining (or cancelling the run while asked) ends the run without a hang, and the checks that
    // needed the host say they could not run.
    void cancellingWhileAskedEndsTheRun()
    {
        const QString key = m_sshd.file(QStringLiteral("checks_locked_ed25519"));
        QVERIFY(QFile::exists(key));
        MainWindow window;
        window.show();
        QVERIFY(collected(window, job({key}), "open sesame"));
        ChecksPage *page = window.investigationView()->checks();
        QSignalSpy shown(window.checkPrompts()->presenter(), &PromptPresenter::dialogShown);
        QSignalSpy finished(page, &ChecksPage::runFinished);
        page->selectSubject(0);
        page->runAllForSubject();
        QVERIFY(shown.wait(60000));
        QPointer<QDialog> dialog = shown.at(0).at(0).value<QDialog *>();
        page->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() > 0, 30000);
        QVERIFY(!page->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 5000); // closed when the run ended
        QVERIFY(!someCommandRan(page->results()));
    }

    // A host that only takes a password: the checks ask for it in the window (with the keychain's
    // "remember" offered, as in the connect dialog) and log in with it.
    void checksAskForThePassword()
    {
        if (m_passwordUser.isEmpty())
            QSKIP("needs root to make a throwaway account with a password");
        MainWindow window;
        window.show();
        QVERIFY(collected(window, job({m_sshd.file(QStringLiteral("client_ed25519"))})));
        ChecksPage *page = window.investigationView()->checks();
        QVERIFY(!page->subjects().empty());
        // The same host, reached as the password-only account: no key is offered, so only the password
        // can log in.
        SshOptions passwordOnly = options();
        passwordOnly.user = m_passwordUser;
        passwordOnly.knownHostsPath = m_sshd.file(QStringLiteral("known_hosts"));
        passwordOnly.identityFiles = {m_sshd.file(QStringLiteral("stranger_ed25519"))}; // not authorized
        passwordOnly.useAgent = false;
        passwordOnly.allowPassword = true;
        CheckPrompts *prompts = window.checkPrompts();
        page->setTransportFactory(
            [prompts, passwordOnly](const CancelToken &cancel) { return prompts->sshTransport(passwordOnly, cancel); });

        int asked = 0;
        QVERIFY(runChecksAndAnswer(window, page, m_password, &asked));
        QCOMPARE(asked, 1);
        QVERIFY2(someCommandRan(page->results()), qPrintable(describeRun(page->results())));
        QVERIFY2(page->results().host.contains(m_passwordUser), qPrintable(page->results().host));
    }
};

QTEST_MAIN(TestGuiSshChecks)
#include "tst_gui_ssh_checks.moc"
