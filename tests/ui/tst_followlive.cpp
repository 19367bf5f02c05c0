// File → Follow live on a local investigation (offscreen): lines appended to the logs show up in the
// views without a reload, the user's filter survives the refresh, the status line counts what arrived, and
// investigations that cannot grow have the action disabled with the reason as its tooltip.

#include "followrunner.h"
#include "investigationview.h"
#include "uitest.h"

#include <QAction>
#include <QLabel>
#include <QTemporaryDir>

using namespace gwb;

class TestFollowLive final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    LocalInputs copiedLab()
    {
        LocalInputs in;
        in.configDump = uitest::labFile(QStringLiteral("nginx-T.txt"));
        for (const QString &name : {QStringLiteral("access.log"), QStringLiteral("error.log")}) {
            const QString to = m_dir.filePath(name);
            QFile::remove(to);
            QFile::copy(uitest::labFile(name), to);
            QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        in.accessLogs << m_dir.filePath(QStringLiteral("access.log"));
        in.errorLogs << m_dir.filePath(QStringLiteral("error.log"));
        return in;
    }

    static void append(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        QCOMPARE(f.write(bytes), bytes.size());
    }

private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void handPickedFilesCannotBeFollowed()
    {
        MainWindow window;
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QVERIFY(!window.followAction()->isEnabled());
        QVERIFY(window.followAction()->toolTip().contains(QStringLiteral("opened by hand")));
    }

    void newLinesShowUpWhileFollowing()
    {
        MainWindow window;
        window.setFollowTiming(std::chrono::milliseconds(100), std::chrono::milliseconds(300));
        const LocalInputs in = copiedLab();
        QSignalSpy loaded(&window, &MainWindow::sessionLoaded);
        window.openInputs(in, true); // as the practice lab opens: files of this machine
        QVERIFY(loaded.wait(30000));
        window.show();
        QVERIFY(window.followAction()->isEnabled());

        InvestigationView *view = window.investigationView();
        const std::size_t before = view->session()->investigation.accessLogs.front().events.size();
        view->selection()->setCause(Cause::BackendRefused);

        window.followAction()->trigger();
        QVERIFY(window.isFollowing());
        auto *status = window.findChild<QLabel *>(QStringLiteral("followStatus"));
        QVERIFY(status && status->isVisible());
        QVERIFY(status->text().contains(QStringLiteral("Following 2 files")));
        QTest::qWait(300); // the first poll takes the files' ends as the start

        QByteArray access, errors;
        for (int i = 0; i < 5; ++i) {
            errors += QStringLiteral("2026/11/24 12:30:%1 [error] 11085#11085: *9%1 connect() failed (111: Connection "
                                     "refused) while connecting to upstream, client: 127.0.0.1, server: lab.local, "
                                     "request: \"GET /followed HTTP/1.1\", upstream: \"http://127.0.0.1:18082/followed\", "
                                     "host: \"lab.local\"\n")
                          .arg(10 + i)
                          .toUtf8();
            access += QStringLiteral("127.0.0.1 - - [24/Nov/2026:12:30:%1 +0000] \"GET /followed HTTP/1.1\" 502 157 \"-\" "
                                     "\"gwb-lab-traffic/1.0\" 0.000 127.0.0.1:18082 502 - - 0.000 lab.local\n")
                          .arg(10 + i)
                          .toUtf8();
        }
        append(in.errorLogs.front(), errors);
        append(in.accessLogs.front(), access);

        QTRY_COMPARE_WITH_TIMEOUT(window.followRunner()->newLines(), quint64(10), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.followRunner()->failures(), quint64(5), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(view->session()->investigation.accessLogs.front().events.size(), before + 5, 15000);
        QVERIFY(window.isFollowing()); // a refresh is not a new investigation
        QCOMPARE(view->selection()->filter().cause, std::optional<Cause>(Cause::BackendRefused));
        QVERIFY(status->text().contains(QStringLiteral("10 new lines, last at ")));

        if (const QString dir = qEnvironmentVariable("GWB_FOLLOW_SCREENSHOT"); !dir.isEmpty())
            QVERIFY(window.grab().save(QDir(dir).filePath(QStringLiteral("follow-live.png"))));

        window.followAction()->trigger();
        QVERIFY(!window.isFollowing());
        QVERIFY(!status->isVisible());
    }
};

QTEST_MAIN(TestFollowLive)
#include "tst_followlive.moc"
