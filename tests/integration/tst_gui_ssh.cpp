// The workbench window against a real (throwaway) sshd in front of the practice lab's real nginx: an unknown
// host key is asked about in a dialog, a changed one is refused without a way round, the collection is
// diagnosed like any other load, and Cancel stops a long collection at once — on the server too.
#include "collectrunner.h"
#include "hostkeydialog.h"
#include "investigationview.h"
#include "labfixture.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "sshtestbase.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace gwb;

namespace {

QString allText(const QDialog *d)
{
    QString text;
    for (const QLabel *l : d->findChildren<QLabel *>())
        text += l->text() + QLatin1Char('\n');
    return text;
}

int acceptingButtons(const QDialog *d)
{
    int n = 0;
    for (const QDialogButtonBox *box : d->findChildren<QDialogButtonBox *>())
        for (QAbstractButton *b : box->buttons())
            if (box->buttonRole(b) == QDialogButtonBox::AcceptRole ||
                box->buttonRole(b) == QDialogButtonBox::YesRole)
                ++n;
    return n;
}

} // namespace

class TestGuiSsh final : public QObject, public test::SshTestBase
{
    Q_OBJECT

    test::LabFixture m_lab;

    CollectJob job(const QString &knownHosts, bool allTime = false) const
    {
        CollectJob j;
        CollectJob::Target t;
        t.ssh = options();
        t.ssh.knownHostsPath = knownHosts;
        j.targets.push_back(t);
        j.nginxConf = m_lab.confPath(); // other labs may run on this machine
        j.allTime = allTime;
        return j;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GatewayWorkbenchTest"));
        QCoreApplication::setApplicationName(QStringLiteral("gateway-workbench-gui-ssh-tests"));
        if (!test::SshdFixture::available() || !test::LabFixture::available())
            QSKIP("needs /usr/sbin/sshd and /usr/sbin/nginx");
        const QString failure = setUp(BigFile::No);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const QString lab = m_lab.start();
        QVERIFY2(lab.isEmpty(), qPrintable(lab));
        QVERIFY(m_lab.traffic());
    }
    void cleanupTestCase()
    {
        m_lab.stop();
        tearDown();
    }

    void unknownKeyIsAskedThenTheLabIsDiagnosed()
    {
        const QString knownHosts = knownHostsWith(QStringLiteral("gui_known_hosts"), {});
        MainWindow window;
        window.show();
        QSignalSpy shown(window.prompts(), &PromptPresenter::dialogShown);
        QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
        window.collect(job(knownHosts));
        QVERIFY(window.isBusy());
        QVERIFY(window.messageBar()->isShowingProgress());
        QVERIFY(shown.wait(60000));
        auto *question = qobject_cast<HostKeyDialog *>(shown.at(0).at(0).value<QDialog *>());
        QVERIFY(question && !question->isRefusal());
        QVERIFY(allText(question).contains(
            test::SshdFixture::fingerprint(m_sshd.file(QStringLiteral("host_ed25519.pub")))));
        QTest::mouseClick(question->trustButton(), Qt::LeftButton);
        QVERIFY(loaded.wait(180000));

        const SessionPtr session = window.investigationView()->session();
        QVERIFY(session);
        QVERIFY2(session->result.findings.size() >= 5,
                 qPrintable(QString::number(session->result.findings.size())));
        QVERIFY(session->result.requests > 0);
        QVERIFY(window.sessionSource());
        QCOMPARE(window.sessionSource()->collections.size(), std::size_t(1));
        QVERIFY(window.sessionSource()->targets.first().startsWith(QStringLiteral("ssh ")));
        QVERIFY(QFile::exists(session->inputs.configDump)); // kept on disk for the session
        QFile recorded(knownHosts);
        QVERIFY(recorded.open(QIODevice::ReadOnly));
        QVERIFY(recorded.readAll().contains(QByteArray("[127.0.0.1]:" + QByteArray::number(m_sshd.port()))));
        QVERIFY(!window.isBusy());
        if (const QString shots = qEnvironmentVariable("GWB_UI_SHOTS_DIR"); !shots.isEmpty())
            QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("collected.png"))));
    }

    void keyPassphraseIsAskedInTheWindow()
    {
        const QString key = m_sshd.file(QStringLiteral("gui_locked_ed25519"));
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

        CollectJob locked = job(m_sshd.file(QStringLiteral("known_hosts")));
        locked.targets.front().ssh.identityFiles = {key};
        MainWindow window;
        window.show();
        QSignalSpy shown(window.prompts(), &PromptPresenter::dialogShown);
        QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
        window.collect(locked);
        QVERIFY(shown.wait(60000));
        auto *dialog = qobject_cast<CredentialDialog *>(shown.at(0).at(0).value<QDialog *>());
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(
            !dialog->findChild<QCheckBox *>()); // a key's passphrase belongs to ssh-agent, not our keychain
        QVERIFY(window.isBusy());               // the window waits for the answer, not the UI thread
        QTest::keyClicks(dialog->field(), QStringLiteral("open sesame"));
        QTest::keyClick(dialog->field(), Qt::Key_Return);
        QVERIFY(loaded.wait(180000));
        QCOMPARE(shown.size(), 1); // asked once for the whole collection
        QVERIFY(window.investigationView()->session()->result.findings.size() >= 5);
    }

    void rejectingTheKeyConnectsToNothing()
    {
        const QString knownHosts = knownHostsWith(QStringLiteral("gui_known_hosts_rejected"), {});
        MainWindow window;
        window.show();
        QSignalSpy shown(window.prompts(), &PromptPresenter::dialogShown);
        QSignalSpy idle(&window, &MainWindow::idle);
        window.collect(job(knownHosts));
        QVERIFY(shown.wait(60000));
        auto *question = qobject_cast<HostKeyDialog *>(shown.at(0).at(0).value<QDialog *>());
        QVERIFY(question);
        QTest::mouseClick(question->rejectButton(), Qt::LeftButton);
        QVERIFY(idle.wait(60000));
        QVERIFY(!window.investigationView()->session());
        QVERIFY(window.messageBar()->isVisible() && !window.messageBar()->isShowingProgress());
        QFile kh(knownHosts);
        QVERIFY(kh.open(QIODevice::ReadOnly));
        QVERIFY(kh.readAll().isEmpty());
    }

    void changedKeyShowsTheRefusalWithoutOverride()
    {
        const QString wrong = knownHostsWith(QStringLiteral("gui_wrong_known_hosts"),
                                             hostEntry(m_sshd.file(QStringLiteral("stranger_ed25519.pub"))));
        MainWindow window;
        window.show();
        QSignalSpy shown(window.prompts(), &PromptPresenter::dialogShown);
        QSignalSpy idle(&window, &MainWindow::idle);
        window.collect(job(wrong));
        QVERIFY(idle.wait(60000));
        QCOMPARE(shown.size(), 1);
        auto *refusal = qobject_cast<HostKeyDialog *>(shown.at(0).at(0).value<QDialog *>());
        QVERIFY(refusal && refusal->isRefusal());
        QVERIFY(refusal->isVisible());
        QVERIFY(!refusal->trustButton());
        QCOMPARE(acceptingButtons(refusal), 0);
        QVERIFY(allText(refusal).contains(QStringLiteral("CHANGED")));
        QVERIFY(!window.investigationView()->session());
        QVERIFY(window.messageBar()->isVisible());
    }

    void cancelStopsALongCollection()
    {
        // A rotated log of 8 GiB (sparse: no disk used) takes far longer to pull than this test waits.
        const QString big = QDir(m_lab.logsDir()).filePath(QStringLiteral("access.log.1"));
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(qint64(8) << 30));
        }
        MainWindow window;
        window.show();
        QSignalSpy progress(window.collectRunner(), &CollectRunner::progress);
        QSignalSpy idle(&window, &MainWindow::idle);
        window.collect(job(m_sshd.file(QStringLiteral("known_hosts")), true));
        QTRY_VERIFY_WITH_TIMEOUT(
            !progress.isEmpty() && progress.last().at(0).value<CollectStatus>().bytes > 1024 * 1024, 120000);
        QVERIFY(window.isBusy());
        QVERIFY(!m_sshd.sessionProcesses().isEmpty());
        if (const QString shots = qEnvironmentVariable("GWB_UI_SHOTS_DIR"); !shots.isEmpty())
            QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("collecting.png"))));

        QElapsedTimer sinceCancel;
        sinceCancel.start();
        QTest::mouseClick(window.messageBar()->cancelButton(), Qt::LeftButton);
        QVERIFY(!window.isBusy());
        QCOMPARE(idle.size(), 1);
        QVERIFY(sinceCancel.elapsed() < 500);
        QVERIFY(!window.messageBar()->isShowingProgress());
        QVERIFY(!window.investigationView()->session());
        // The worker stops too: its SSH session ends, so the server's session processes go away.
        QTRY_VERIFY_WITH_TIMEOUT(m_sshd.sessionProcesses().isEmpty(), 20000);
        QFile::remove(big);
    }
};

QTEST_MAIN(TestGuiSsh)
#include "tst_gui_ssh.moc"
