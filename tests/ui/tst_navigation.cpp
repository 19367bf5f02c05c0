// Links and shortcuts move between views: evidence → Logs at that line, directive → Config at that line,
// Ctrl+F → the log text filter, a failing input → an error bar that keeps what is loaded.
#include "uitest.h"

#include "codeview.h"
#include "configpage.h"
#include "findinghtml.h"
#include "investigationview.h"
#include "logspage.h"
#include "messagebar.h"
#include "overviewpage.h"
#include "views/logtablemodel.h"

#include <QLineEdit>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>

using namespace gwb;

class TestNavigation final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void evidenceAndConfigLinksJump()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        InvestigationView *view = window.investigationView();
        const Finding &f = view->session()->result.findings.front();
        QVERIFY(!f.evidence.empty());

        emit view->overview()->detailView()->anchorClicked(logLink(f.evidence.front().where));
        QCOMPARE(view->tabs()->currentIndex(), int(InvestigationView::LogsTab));
        const QModelIndex current = view->logs()->table()->currentIndex();
        QVERIFY(current.isValid());
        QCOMPARE(view->logs()->model()->locationOf(current.row()), f.evidence.front().where);

        const ConfigEvidence *directive = nullptr;
        for (const ConfigEvidence &c : f.config)
            if (c.where.isValid())
                directive = &c;
        QVERIFY(directive);
        emit view->overview()->detailView()->anchorClicked(configLink(directive->where));
        QCOMPARE(view->tabs()->currentIndex(), int(InvestigationView::ConfigTab));
        QCOMPARE(view->config()->codeView()->textCursor().blockNumber() + 1, int(directive->where.line.value));
        QVERIFY(!view->config()->codeView()->marks().empty());
    }

    void ctrlFFocusesTheLogFilter()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        InvestigationView *view = window.investigationView();
        QCOMPARE(view->tabs()->currentIndex(), int(InvestigationView::LogsTab));
        QLineEdit *find = view->logs()->textFilter();
        QTest::keyClicks(find, QStringLiteral("no live upstreams"));
        QTRY_VERIFY(view->logs()->model()->rowCount() > 0);
        QTRY_COMPARE(view->logs()->model()->filter().text, QStringLiteral("no live upstreams"));
        QVERIFY(view->logs()->model()->rowCount() < 20);
    }

    void failingInputShowsABarAndKeepsTheSession()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr before = window.investigationView()->session();
        QSignalSpy idle(&window, &MainWindow::idle);
        LocalInputs missing;
        missing.accessLogs << QStringLiteral("/nonexistent/access.log");
        window.openInputs(missing);
        QVERIFY(idle.wait(10000));
        QVERIFY(window.messageBar()->isVisible());
        QVERIFY(!window.messageBar()->isShowingProgress());
        QCOMPARE(window.investigationView()->session(), before);
    }
};

QTEST_MAIN(TestNavigation)
#include "tst_navigation.moc"
