// Opening the lab fixtures shows every finding in the Overview, and the detail pane explains the selected one.
#include "uitest.h"

#include "investigationview.h"
#include "overviewpage.h"
#include "selectionstate.h"

#include <QTableView>
#include <QTextBrowser>

using namespace gwb;

class TestOverviewFindings final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void showsEveryFinding()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr session = window.investigationView()->session();
        QVERIFY(session);
        QVERIFY(session->result.findings.size() >= 10);
        QTableView *table = window.investigationView()->overview()->findingsView();
        QCOMPARE(std::size_t(table->model()->rowCount()), session->result.findings.size());
        QVERIFY(table->isVisible());
    }

    void selectingAFindingShowsItsDetailAndFilters()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        OverviewPage *overview = window.investigationView()->overview();
        QTableView *table = overview->findingsView();
        const QRect cell = table->visualRect(table->model()->index(1, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        const Finding &f = window.investigationView()->session()->result.findings[1];
        QVERIFY(overview->detailView()->toPlainText().contains(f.title));
        QVERIFY(overview->detailView()->toHtml().contains(QStringLiteral("gwb-log:")));
        QCOMPARE(window.investigationView()->selection()->filter().finding, 1);
    }

    void secondLoadReplacesTheFirst()
    {
        MainWindow window;
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        const SessionPtr first = window.investigationView()->session();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QVERIFY(window.investigationView()->session() != first);
        window.closeInvestigation();
        QVERIFY(!window.investigationView()->session());
    }
};

QTEST_MAIN(TestOverviewFindings)
#include "tst_overviewfindings.moc"
