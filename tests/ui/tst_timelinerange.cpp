// A time range selected on the timeline (Shift+drag or the API) filters the logs to that range.
#include "uitest.h"

#include "investigationview.h"
#include "logspage.h"
#include "selectionstate.h"
#include "timelinechartview.h"
#include "timelineview.h"
#include "views/logtablemodel.h"

#include <QChart>

using namespace gwb;

class TestTimelineRange final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void rangeSelectionFiltersLogs()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        InvestigationView *view = window.investigationView();
        const int allRows = view->logs()->model()->rowCount();
        const TimeMs first = view->session()->timeline.first();
        view->timeline()->selectRange(first, first + 1000);
        QCOMPARE(view->logs()->model()->filter().from, first);
        QCOMPARE(view->logs()->model()->filter().to, first + 1000);
        QVERIFY(view->logs()->model()->rowCount() > 0);
        QVERIFY(view->logs()->model()->rowCount() < allRows);
    }

    void shiftDragSelectsAndDragZooms()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        InvestigationView *view = window.investigationView();
        view->showTab(InvestigationView::TimelineTab);
        TimelineChartView *chart = view->timeline()->chartView();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QRectF plot = chart->chart()->plotArea();
        const QPoint a(int(plot.left() + plot.width() * 0.3), int(plot.center().y()));
        const QPoint b(int(plot.left() + plot.width() * 0.6), int(plot.center().y()));

        QTest::mousePress(chart->viewport(), Qt::LeftButton, Qt::ShiftModifier, a);
        QTest::mouseMove(chart->viewport(), b);
        QTest::mouseRelease(chart->viewport(), Qt::LeftButton, Qt::ShiftModifier, b);
        QVERIFY(view->selection()->filter().hasTimeRange());
        QVERIFY(view->logs()->model()->filter().from != kNoTime);

        const TimeMs before = view->timeline()->visibleTo() - view->timeline()->visibleFrom();
        QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, a);
        QTest::mouseMove(chart->viewport(), b);
        QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, b);
        QVERIFY(view->timeline()->visibleTo() - view->timeline()->visibleFrom() < before);
        QTest::keyClick(chart, Qt::Key_Escape);
        QCOMPARE(view->timeline()->visibleTo() - view->timeline()->visibleFrom(), before);
    }
};

QTEST_MAIN(TestTimelineRange)
#include "tst_timelinerange.moc"
