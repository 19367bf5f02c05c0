// Cancel stops a long load: the window returns to idle at once, keeps what it showed, and stays usable;
// pressed while the diagnosis runs, it also stops the diagnosis itself rather than letting it run on.
#include "uitest.h"

#include "investigationview.h"
#include "messagebar.h"

#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QTemporaryDir>
#include <QThreadPool>

using namespace gwb;

namespace {

// Every line a failure, so that classifying and joining take long as well as parsing.
bool writeBigAccessLog(const QString &path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray chunk;
    for (int i = 0; i < lines; ++i) {
        chunk += "127.0.0.1 - - [24/Nov/2026:12:" + QByteArray::number(10 + (i / 6000) % 50) + ":"
                 + QByteArray::number(10 + (i / 100) % 50)
                 + " +0000] \"GET /refused HTTP/1.1\" 502 157 \"-\" \"gwb-lab-traffic/1.0\" 0.000 127.0.0.1:18082 "
                   "502 - - 0.000 lab.local\n";
        if (chunk.size() > (1 << 20)) {
            f.write(chunk);
            chunk.clear();
        }
    }
    f.write(chunk);
    return true;
}

} // namespace

class TestCancelLoad final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        uitest::isolateSettings();
        QVERIFY(m_dir.isValid());
        m_big = m_dir.filePath(QStringLiteral("access.log"));
        QVERIFY(writeBigAccessLog(m_big, 250'000));
    }

    void cleanupTestCase()
    {
        // Let cancelled workers notice their flag before the temporary file goes away.
        QVERIFY(QThreadPool::globalInstance()->waitForDone(120'000));
    }

    void cancelReturnsToIdleQuickly()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr before = window.investigationView()->session();

        const LocalInputs in = bigInputs();
        QElapsedTimer clock;
        clock.start();
        window.openInputs(in);
        QVERIFY(window.isBusy());
        QVERIFY(window.messageBar()->isShowingProgress());
        QTest::qWait(300); // the UI thread keeps running while the load works
        QVERIFY2(window.isBusy(), "the generated log loaded too fast to test cancelling");

        QPushButton *cancel = window.messageBar()->cancelButton();
        QVERIFY(cancel->isVisible());
        QElapsedTimer sinceCancel;
        sinceCancel.start();
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(!window.isBusy());
        QVERIFY(!window.messageBar()->isShowingProgress());
        QVERIFY(sinceCancel.elapsed() < 200);
        // What was open before is still open.
        QCOMPARE(window.investigationView()->session(), before);

        // A late result of the cancelled run must not replace the view.
        QTest::qWait(500);
        QCOMPARE(window.investigationView()->session(), before);

        // Still usable: the next load works.
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QVERIFY(window.investigationView()->session() != before);
    }

    void cancelDuringTheDiagnosisStopsIt()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr before = window.investigationView()->session();

        // Cancel the moment the worker reports that the diagnosis has begun, as a user would who sees
        // "Classifying failures…" and gives up.
        InvestigationLoader *loader = window.loader();
        bool cancelledInDiagnosis = false;
        connect(loader, &InvestigationLoader::stageChanged, this, [&](InvestigationLoader::Stage stage) {
            if (stage != InvestigationLoader::Stage::Diagnosing || cancelledInDiagnosis)
                return;
            QVERIFY(window.messageBar()->cancelButton()->isVisible());
            QTest::mouseClick(window.messageBar()->cancelButton(), Qt::LeftButton);
            cancelledInDiagnosis = true;
        });
        int stopped = 0;
        InvestigationLoader::Stage stoppedIn = InvestigationLoader::Stage::Reading;
        bool stoppedEarly = false;
        connect(loader, &InvestigationLoader::cancelledWorkerStopped, this,
                [&](InvestigationLoader::Stage stage, bool early) {
                    ++stopped;
                    stoppedIn = stage;
                    stoppedEarly = early;
                });

        window.openInputs(bigInputs());
        QTRY_VERIFY_WITH_TIMEOUT(cancelledInDiagnosis, 120'000);
        QVERIFY(!window.isBusy());
        QVERIFY(!window.messageBar()->isShowingProgress());
        QCOMPARE(window.investigationView()->session(), before);

        // The worker returns from inside the diagnosis, which says it was cancelled; had the diagnosis ignored
        // the flag, the worker would report the diagnosis as run to its end.
        QTRY_COMPARE_WITH_TIMEOUT(stopped, 1, 120'000);
        QCOMPARE(stoppedIn, InvestigationLoader::Stage::Diagnosing);
        QVERIFY(stoppedEarly);
        QCOMPARE(window.investigationView()->session(), before);

        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QVERIFY(window.investigationView()->session() != before);
    }

private:
    LocalInputs bigInputs() const
    {
        LocalInputs in;
        in.configDump = uitest::labFile(QStringLiteral("nginx-T.txt"));
        in.accessLogs << m_big;
        in.accessFormat = QStringLiteral("upstreaminfo");
        return in;
    }

    QTemporaryDir m_dir;
    QString m_big;
};

QTEST_MAIN(TestCancelLoad)
#include "tst_cancelload.moc"
