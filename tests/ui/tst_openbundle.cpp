// File → Open bundle: a bundle directory (or its .tar.gz) written by the core bundle writer shows the same
// findings as its files opened directly; checksums are verified; what is not a bundle says so.
#include "bundletest.h"
#include "messagebar.h"
#include "overviewpage.h"
#include "welcomepage.h"

#include <QListWidget>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>

using namespace gwb;

class TestOpenBundle final : public QObject
{
    Q_OBJECT

    QStringList m_expected;

private slots:
    void initTestCase()
    {
        uitest::isolateSettings();
        RecentInvestigations::clear();
        m_expected = uitest::labSignature();
        QVERIFY(m_expected.size() >= 10);
    }

    void bundleDirectoryShowsItsFindings()
    {
        QTemporaryDir dir;
        QVERIFY(uitest::makeLabBundle(dir.path()));
        MainWindow window;
        window.show();
        QVERIFY(uitest::openBundleAndWait(window, dir.path()));
        const SessionPtr session = window.investigationView()->session();
        QCOMPARE(uitest::findingSignature(session), m_expected);
        QTableView *table = window.investigationView()->overview()->findingsView();
        QCOMPARE(std::size_t(table->model()->rowCount()), session->result.findings.size());
        QVERIFY(table->isVisible());
        QVERIFY2(window.windowTitle().contains(QStringLiteral("lab")), qPrintable(window.windowTitle()));
        QVERIFY(window.sessionSource());
        QCOMPARE(window.sessionSource()->kind, SessionSource::Kind::Bundle);
        QCOMPARE(window.sessionSource()->targets, QStringList{QStringLiteral("ssh tester@lab.example:22")});
        QVERIFY(!window.isBusy());

        // Picking the manifest inside the directory is the same as picking the directory.
        MainWindow again;
        QVERIFY(uitest::openBundleAndWait(again, QDir(dir.path()).filePath(QStringLiteral("manifest.json"))));
        QCOMPARE(uitest::findingSignature(again.investigationView()->session()), m_expected);
    }

    void archiveIsUnpackedAndKeptWhileOpen()
    {
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("b"));
        QVERIFY(uitest::makeLabBundle(bundle));
        const QString archive = dir.filePath(QStringLiteral("incident.tar.gz"));
        QCOMPARE(
            QProcess::execute(QStringLiteral("tar"), {QStringLiteral("-czf"), archive, QStringLiteral("-C"),
                                                      bundle, QStringLiteral(".")}),
            0);
        QVERIFY(QDir(bundle).removeRecursively());
        MainWindow window;
        QVERIFY(uitest::openBundleAndWait(window, archive));
        QCOMPARE(uitest::findingSignature(window.investigationView()->session()), m_expected);
        // The unpacked files live as long as the session: the logs page reads lines from them by offset.
        const QString dump = window.investigationView()->session()->inputs.configDump;
        QVERIFY2(QFile::exists(dump), qPrintable(dump));
        window.closeInvestigation();
        QVERIFY2(!QFile::exists(dump), "the unpacked bundle must go with the investigation");
    }

    void changedFileIsLeftOutWithADiagnostic()
    {
        QTemporaryDir dir;
        QVERIFY(uitest::makeLabBundle(dir.path()));
        QFile log(dir.filePath(QStringLiteral("lab/logs/1/access.log")));
        QVERIFY(log.open(QIODevice::Append));
        log.write("tampered\n");
        log.close();
        MainWindow window;
        QVERIFY(uitest::openBundleAndWait(window, dir.path()));
        const SessionPtr session = window.investigationView()->session();
        bool named = false;
        for (const Diagnostic &d : session->investigation.diagnostics)
            named = named || d.message.contains(QStringLiteral("does not match its checksum"));
        QVERIFY(named);
        for (const AccessLogResult &a : session->investigation.accessLogs)
            QVERIFY2(!a.text->path().startsWith(dir.path()), qPrintable(a.text->path()));
    }

    void notABundleSaysSoAndKeepsWhatIsOpen()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr before = window.investigationView()->session();
        QTemporaryDir empty;
        QSignalSpy idle(&window, &MainWindow::idle);
        window.openBundle(empty.path());
        QTRY_VERIFY_WITH_TIMEOUT(idle.count() > 0, 30000); // it may already have come: a failure can be quick
        QVERIFY(window.messageBar()->isVisible());
        QVERIFY(!window.messageBar()->isShowingProgress());
        QCOMPARE(window.investigationView()->session(), before);
    }

    void recentListOffersTheBundleAgain()
    {
        RecentInvestigations::clear();
        QTemporaryDir dir;
        QVERIFY(uitest::makeLabBundle(dir.path()));
        {
            MainWindow window;
            QVERIFY(uitest::openBundleAndWait(window, dir.path()));
        }
        MainWindow window;
        window.show();
        WelcomePage *welcome = window.welcomePage();
        QCOMPARE(welcome->recentEntries().size(), 1);
        QCOMPARE(welcome->recentEntries().first().kind, RecentEntry::Kind::Bundle);
        QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
        emit welcome->recentList()->itemActivated(welcome->recentList()->item(0));
        QVERIFY(loaded.wait(30000));
        QCOMPARE(uitest::findingSignature(window.investigationView()->session()), m_expected);
        if (const QString shots = qEnvironmentVariable("GWB_UI_SHOTS_DIR"); !shots.isEmpty()) {
            window.closeInvestigation();
            window.resize(1400, 900);
            QVERIFY(window.grab().save(QDir(shots).filePath(QStringLiteral("welcome.png"))));
        }
    }
};

QTEST_MAIN(TestOpenBundle)
#include "tst_openbundle.moc"
