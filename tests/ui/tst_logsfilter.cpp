// The Logs page's text filter scans the lines on a worker: typing gives the right rows and combines with the
// other filters, the last text typed wins over a scan still running, and the UI thread keeps running while a
// big log is scanned.
#include "uitest.h"

#include "logspage.h"
#include "selectionstate.h"
#include "views/logtablemodel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QTemporaryDir>
#include <QTimer>

#include <functional>

using namespace gwb;

namespace {

// Line i asks for /item/<i % 1000>?q=<i>; every 7th line is a 502. So a needle like "/item/42?" matches
// every 1000th line and combines with the status filter in a way the test can count.
QByteArray lineOf(int i)
{
    return "10.0." + QByteArray::number(i % 250) + "." + QByteArray::number(i / 250 % 250) +
           " - - [24/Nov/2026:12:" + QByteArray::number(10 + i / 60'000 % 50) + ":" +
           QByteArray::number(10 + i / 1000 % 50) + " +0000] \"GET /item/" + QByteArray::number(i % 1000) + "?q=" +
           QByteArray::number(i) + " HTTP/1.1\" " + (i % 7 == 0 ? "502" : "200") +
           " 157 \"-\" \"gwb-test/1.0\"\n";
}

bool writeLog(const QString &path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray chunk;
    for (int i = 0; i < lines; ++i) {
        chunk += lineOf(i);
        if (chunk.size() > (1 << 20)) {
            f.write(chunk);
            chunk.clear();
        }
    }
    f.write(chunk);
    return true;
}

int countLines(int lines, const std::function<bool(int)> &accept)
{
    int n = 0;
    for (int i = 0; i < lines; ++i)
        n += accept(i) ? 1 : 0;
    return n;
}

SessionPtr loadSession(const QString &path, bool diagnose)
{
    LocalInputs in;
    in.accessLogs << path; // no config: the combined format
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        return nullptr;
    auto session = std::make_shared<Session>();
    session->inputs = in;
    session->investigation = std::move(inv).value();
    if (diagnose)
        session->result = Diagnoser::run(session->investigation);
    return session;
}

// With GWB_SCREENSHOT_DIR set, the page is saved there as a PNG, for a person to look at.
void screenshot(QWidget *page, const QString &name)
{
    const QString dir = qEnvironmentVariable("GWB_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        page->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

} // namespace

class TestLogsFilter final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        uitest::isolateSettings();
        QVERIFY(m_dir.isValid());
        m_smallPath = m_dir.filePath(QStringLiteral("small.log"));
        m_bigPath = m_dir.filePath(QStringLiteral("big.log"));
        QVERIFY(writeLog(m_smallPath, kSmall));
        QVERIFY(writeLog(m_bigPath, kBig));
        m_small = loadSession(m_smallPath, true);
        m_big = loadSession(m_bigPath, false); // the rows, not the diagnosis, are what the scan reads
        QVERIFY(m_small && m_big);
        QCOMPARE(m_big->investigation.accessLogs.front().events.size(), std::size_t(kBig));
    }

    void typingFiltersAndCombinesWithTheOtherFilters()
    {
        SelectionState selection;
        LogsPage page(&selection);
        page.resize(1200, 700);
        page.show();
        page.setSession(m_small);
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(page.model()->rowCount(), kSmall);

        QTest::keyClicks(page.textFilter(), QStringLiteral("/item/42?"));
        QTRY_COMPARE(page.model()->filter().text, QStringLiteral("/item/42?"));
        QVERIFY(!page.isFiltering());
        const int expected = countLines(kSmall, [](int i) { return i % 1000 == 42; });
        QCOMPARE(page.model()->rowCount(), expected);
        for (int r = 0; r < page.model()->rowCount(); ++r)
            QVERIFY(page.model()->index(r, LogTableModel::TextColumn).data().toString().contains(QLatin1StringView("/item/42?")));
        QCOMPARE(page.findChild<QLabel *>(QStringLiteral("logLineCount"))->text(), QStringLiteral("%1 lines").arg(expected));

        // The status filter applies to the text's rows, and the text stays.
        QComboBox *status = page.statusFilter();
        status->setCurrentIndex(status->findData(502));
        QTRY_VERIFY(page.model()->filter().status == std::optional<int>(502));
        QTRY_VERIFY(!page.isFiltering());
        QCOMPARE(page.model()->filter().text, QStringLiteral("/item/42?"));
        QCOMPARE(page.model()->rowCount(), countLines(kSmall, [](int i) { return i % 1000 == 42 && i % 7 == 0; }));

        // A cause from the shared selection combines as well: every 502 here is a failure the diagnosis
        // classified, so the rows stay the same; a cause nothing has leaves none.
        const Cause cause = m_small->result.failures.front().cause;
        selection.setCause(cause);
        QTRY_VERIFY(page.model()->filter().cause == std::optional<Cause>(cause));
        QTRY_VERIFY(!page.isFiltering());
        QCOMPARE(page.model()->rowCount(), countLines(kSmall, [](int i) { return i % 1000 == 42 && i % 7 == 0; }));
        screenshot(&page, QStringLiteral("logs-text-filter"));
        selection.clear();

        // Clearing the text leaves the status filter alone.
        page.textFilter()->clear();
        QTRY_VERIFY(page.model()->filter().text.isEmpty());
        QCOMPARE(page.model()->rowCount(), countLines(kSmall, [](int i) { return i % 7 == 0; }));
        status->setCurrentIndex(0);
        QCOMPARE(page.model()->rowCount(), kSmall);
    }

    void theLastTextTypedWins()
    {
        // Declared before the page: its destructor resets the model, and the slots below must still find
        // what they write to.
        QStringList applied; // every filter text the model took, in order
        bool typedSecond = false;
        SelectionState selection;
        LogsPage page(&selection);
        page.resize(1200, 700);
        page.show();
        page.setSession(m_big);
        connect(page.model(), &QAbstractItemModel::modelReset, this,
                [&] { applied << page.model()->filter().text; });

        // The second text is typed while the scan of the first has just started on the worker.
        connect(&page, &LogsPage::filteringChanged, this, [&](bool filtering) {
            if (filtering && typedSecond)
                screenshot(&page, QStringLiteral("logs-filtering")); // the scan of the second text
            if (!filtering || typedSecond)
                return;
            QCOMPARE(page.model()->filter().text, QString()); // the first text's rows are not in yet
            typedSecond = true;
            page.textFilter()->setText(QStringLiteral("/item/7?"));
        });
        page.textFilter()->setText(QStringLiteral("/item/42?"));
        QTRY_VERIFY_WITH_TIMEOUT(typedSecond, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(page.model()->filter().text, QStringLiteral("/item/7?"), 30'000);
        QTRY_VERIFY(!page.isFiltering());
        QCOMPARE(page.model()->rowCount(), countLines(kBig, [](int i) { return i % 1000 == 7; }));
        QVERIFY2(!applied.contains(QStringLiteral("/item/42?")), qPrintable(applied.join(QLatin1Char(','))));

        // Nothing late arrives afterwards either.
        QTest::qWait(300);
        QCOMPARE(page.model()->filter().text, QStringLiteral("/item/7?"));
    }

    void theUiThreadKeepsRunningDuringAScan()
    {
        int ticksWhileFiltering = 0;
        bool sawFiltering = false;
        SelectionState selection;
        LogsPage page(&selection);
        page.resize(1200, 700);
        page.show();
        page.setSession(m_big);
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        // A timer on the UI thread counts its ticks while the scan runs; a scan on the UI thread would let
        // none through, however long it took.
        QTimer tick;
        tick.setInterval(1);
        connect(&tick, &QTimer::timeout, this, [&] {
            if (page.isFiltering())
                ++ticksWhileFiltering;
        });
        tick.start();
        connect(&page, &LogsPage::filteringChanged, this, [&](bool filtering) {
            if (!filtering || sawFiltering)
                return;
            sawFiltering = true;
            QVERIFY(page.findChild<QProgressBar *>(QStringLiteral("logFiltering"))->isVisible());
            QCOMPARE(page.findChild<QLabel *>(QStringLiteral("logLineCount"))->text(), QStringLiteral("Filtering…"));
        });
        // Upper case: the scan is case-insensitive, and no line has this text, so every byte is looked at.
        // A real event loop, not QTRY's polling: QTest::qWait sleeps between its rounds of events, which
        // would hide the ticks of a short scan.
        QEventLoop loop;
        connect(&page, &LogsPage::filteringChanged, &loop, [&](bool filtering) {
            if (!filtering && sawFiltering)
                loop.quit();
        });
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        QTest::keyClicks(page.textFilter(), QStringLiteral("NO SUCH TEXT"));
        loop.exec();
        QCOMPARE(page.model()->filter().text, QStringLiteral("NO SUCH TEXT"));
        QVERIFY(sawFiltering);
        QCOMPARE(page.model()->rowCount(), 0);
        QVERIFY2(ticksWhileFiltering > 0, "the event loop stood still during the scan");
        QVERIFY(!page.findChild<QProgressBar *>(QStringLiteral("logFiltering"))->isVisible());
        QCOMPARE(page.findChild<QLabel *>(QStringLiteral("logLineCount"))->text(), QStringLiteral("0 lines"));
    }

    void anotherSessionWhileScanning()
    {
        bool replaced = false;
        SelectionState selection;
        LogsPage page(&selection);
        page.setSession(m_big);
        connect(&page, &LogsPage::filteringChanged, this, [&](bool filtering) {
            if (filtering && !replaced) {
                replaced = true;
                page.setSession(m_small); // waits for the scan of the big log to let go of it
            }
        });
        page.textFilter()->setText(QStringLiteral("/item/42?"));
        QTRY_VERIFY_WITH_TIMEOUT(replaced, 30'000);
        // The bar keeps its text: the new session is filtered by it.
        QTRY_VERIFY(!page.isFiltering());
        QCOMPARE(page.model()->filter().text, QStringLiteral("/item/42?"));
        QCOMPARE(page.model()->rowCount(), countLines(kSmall, [](int i) { return i % 1000 == 42; }));
    }

private:
    static constexpr int kSmall = 21'000;
    static constexpr int kBig = 600'000;
    QTemporaryDir m_dir;
    QString m_smallPath, m_bigPath;
    SessionPtr m_small, m_big;
};

QTEST_MAIN(TestLogsFilter)
#include "tst_logsfilter.moc"
