// File → Save investigation writes the data with the window, targets and guided-check results; reopening
// it shows the same findings, whether the investigation came from local files or from a bundle.
#include "bundletest.h"
#include "messagebar.h"
#include "savedinvestigation.h"
#include "welcomepage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace gwb;

namespace {

bool saveAndWait(MainWindow &window, const QString &dir)
{
    QSignalSpy saved(&window, &MainWindow::investigationSaved);
    if (!window.saveInvestigation(dir))
        return false;
    return saved.wait(60000);
}

const QJsonObject kChecks{{QStringLiteral("schema"), QStringLiteral("gwb.checks/1")},
                          {QStringLiteral("results"),
                           QJsonArray{QJsonObject{{QStringLiteral("check"), QStringLiteral("peer-listening")},
                                                  {QStringLiteral("verdict"), QStringLiteral("fail")}}}}};

} // namespace

class TestSaveInvestigation final : public QObject
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

    void filesSavedAndReopenedGiveTheSameFindings()
    {
        QTemporaryDir dir;
        const QString saved = dir.filePath(QStringLiteral("incident.gwbi"));
        {
            MainWindow window;
            QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
            window.setGuidedChecks(kChecks);
            QVERIFY(saveAndWait(window, saved));
            QVERIFY(!window.isBusy());
        }
        for (const char *name :
             {"investigation.json", "checks.json", "data/manifest.json", "data/files/nginx-T.txt"})
            QVERIFY2(QFile::exists(QDir(saved).filePath(QString::fromLatin1(name))), name);
        auto meta = SavedInvestigation::read(saved);
        QVERIFY2(meta.ok(), meta.ok() ? "" : qPrintable(meta.error().message));
        QCOMPARE(meta->savedChecks(), kChecks);
        QCOMPARE(meta->targets, QStringList{QStringLiteral("files")});
        // The data is an ordinary bundle: checksums and all.
        auto bundle = Bundle::load(meta->dataDirectory());
        QVERIFY(bundle.ok());
        QCOMPARE(bundle->size(), std::size_t(1));
        QVERIFY(bundle->front().diagnostics.empty());

        MainWindow reopened;
        reopened.show();
        QVERIFY(uitest::openBundleAndWait(reopened, saved));
        QCOMPARE(uitest::findingSignature(reopened.investigationView()->session()), m_expected);
        QCOMPARE(reopened.guidedChecks(), kChecks);
        QCOMPARE(reopened.sessionSource()->kind, SessionSource::Kind::Saved);

        // It is on the welcome page next time.
        MainWindow next;
        bool listed = false;
        for (const RecentEntry &e : next.welcomePage()->recentEntries())
            listed = listed || (e.kind == RecentEntry::Kind::Saved && e.path == saved);
        QVERIFY(listed);
    }

    void bundleSavedAndReopenedKeepsWindowAndTargets()
    {
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("bundle"));
        QVERIFY(uitest::makeLabBundle(bundle));
        const QString saved = dir.filePath(QStringLiteral("again.gwbi"));
        {
            MainWindow window;
            QVERIFY(uitest::openBundleAndWait(window, bundle));
            QVERIFY(saveAndWait(window, saved));
        }
        QVERIFY(QDir(bundle).removeRecursively()); // the saved investigation carries its own copy
        auto meta = SavedInvestigation::read(saved);
        QVERIFY(meta.ok());
        QCOMPARE(meta->targets, QStringList{QStringLiteral("ssh tester@lab.example:22")});
        QVERIFY(meta->savedChecks().isEmpty());
        QVERIFY(!QFile::exists(QDir(saved).filePath(QStringLiteral("checks.json"))));

        MainWindow reopened;
        QVERIFY(uitest::openBundleAndWait(reopened, saved));
        QCOMPARE(uitest::findingSignature(reopened.investigationView()->session()), m_expected);
        // Saving what was reopened works as well (the data is copied from the saved folder).
        const QString third = dir.filePath(QStringLiteral("third.gwbi"));
        QVERIFY(saveAndWait(reopened, third));
        MainWindow last;
        QVERIFY(uitest::openBundleAndWait(last, third));
        QCOMPARE(uitest::findingSignature(last.investigationView()->session()), m_expected);
    }

    void aNonEmptyDirectoryIsNotOverwritten()
    {
        QTemporaryDir dir;
        QFile keep(dir.filePath(QStringLiteral("precious.txt")));
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("mine\n");
        keep.close();
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QSignalSpy idle(&window, &MainWindow::idle);
        QVERIFY(window.saveInvestigation(dir.path()));
        QVERIFY(idle.wait(30000));
        QVERIFY(window.messageBar()->isVisible());
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("precious.txt")});
        QVERIFY(window.investigationView()->session());
    }

    void nothingOpenSavesNothing()
    {
        MainWindow window;
        QTemporaryDir dir;
        QVERIFY(!window.saveInvestigation(dir.filePath(QStringLiteral("x.gwbi"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.gwbi"))));
    }
};

QTEST_MAIN(TestSaveInvestigation)
#include "tst_saveinvestigation.moc"
