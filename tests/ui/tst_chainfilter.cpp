// Clicking a peer node in the chain filters the Logs and the Timeline to that peer; the × clears it.
#include "uitest.h"

#include "chainnodeitem.h"
#include "chainview.h"
#include "investigationview.h"
#include "logspage.h"
#include "selectionstate.h"
#include "timelineview.h"
#include "views/logtablemodel.h"

#include <QGraphicsView>
#include <QTabWidget>
#include <QToolButton>

using namespace gwb;

class TestChainFilter final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void clickingAPeerFiltersLogsAndTimeline()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        InvestigationView *view = window.investigationView();
        view->showTab(InvestigationView::ChainTab);
        const SessionPtr session = view->session();
        const int allRows = view->logs()->model()->rowCount();

        // A peer that failed: 127.0.0.1:18082 refuses in the lab.
        int peerNode = -1;
        for (std::size_t i = 0; i < session->chain.nodes.size(); ++i) {
            const ChainNode &n = session->chain.nodes[i];
            if (n.kind == ChainNode::Kind::Peer && n.failures > 0 && n.label.startsWith(QStringLiteral("127.0.0.1"))) {
                peerNode = int(i);
                break;
            }
        }
        QVERIFY(peerNode >= 0);
        ChainNodeItem *item = view->chain()->itemForNode(peerNode);
        QVERIFY(item);
        QGraphicsView *gv = view->chain()->graphicsView();
        gv->resetTransform();
        gv->ensureVisible(item);
        const QPoint at = gv->mapFromScene(item->sceneBoundingRect().center());
        QTest::mouseClick(gv->viewport(), Qt::LeftButton, {}, at);

        const QString peer = session->chain.nodes[std::size_t(peerNode)].label;
        QCOMPARE(view->selection()->filter().peer, peer);
        QCOMPARE(view->logs()->model()->filter().peer, peer);
        QVERIFY(view->logs()->model()->rowCount() > 0);
        QVERIFY(view->logs()->model()->rowCount() < allRows);
        QCOMPARE(view->timeline()->currentFilter().peer, peer);
        std::uint64_t failures = 0;
        for (const TimelineBin &b : view->timeline()->bins())
            failures += b.failures();
        QVERIFY(failures > 0);
        QVERIFY(failures < session->result.failures.size());

        // The filter chip's × brings everything back.
        auto *clear = view->findChild<QToolButton *>(QStringLiteral("clearFilter"));
        QVERIFY(clear);
        QTest::mouseClick(clear, Qt::LeftButton);
        QVERIFY(view->selection()->filter().isEmpty());
        QCOMPARE(view->logs()->model()->rowCount(), allRows);
    }

    void doubleClickingALocationOpensItsConfig()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        InvestigationView *view = window.investigationView();
        view->showTab(InvestigationView::ChainTab);
        const SessionPtr session = view->session();
        int locationNode = -1;
        for (std::size_t i = 0; i < session->chain.nodes.size(); ++i)
            if (session->chain.nodes[i].kind == ChainNode::Kind::Location && session->chain.nodes[i].failures > 0
                && session->chain.nodes[i].where.isValid()) {
                locationNode = int(i);
                break;
            }
        QVERIFY(locationNode >= 0);
        ChainNodeItem *item = view->chain()->itemForNode(locationNode);
        QVERIFY(item);
        QGraphicsView *gv = view->chain()->graphicsView();
        gv->resetTransform();
        gv->ensureVisible(item);
        const QPoint at = gv->mapFromScene(item->sceneBoundingRect().center());
        QTest::mouseClick(gv->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(view->selection()->filter().location, session->chain.nodes[std::size_t(locationNode)].configIndex);
        QTest::mouseDClick(gv->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(view->tabs()->currentIndex(), int(InvestigationView::ConfigTab));
    }
};

QTEST_MAIN(TestChainFilter)
#include "tst_chainfilter.moc"
