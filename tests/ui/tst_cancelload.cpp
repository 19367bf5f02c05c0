// Cancel stops a long load: the window returns to idle at once, keeps what it showed, and stays usable.
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
    void initTestCase() { uitest::isolateSettings(); }

    void cancelReturnsToIdleQuickly()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString big = dir.filePath(QStringLiteral("access.log"));
        QVERIFY(writeBigAccessLog(big, 250'000));

        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr before = window.investigationView()->session();

        LocalInputs in;
        in.configDump = uitest::labFile(QStringLiteral("nginx-T.txt"));
        in.accessLogs << big;
        in.accessFormat = QStringLiteral("upstreaminfo");
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

        // Let the cancelled worker notice its flag before the temporary file goes away.
        QVERIFY(QThreadPool::globalInstance()->waitForDone(120'000));
    }
};

QTEST_MAIN(TestCancelLoad)
#include "tst_cancelload.moc"
