// The models the UI adds on top of core's pass QAbstractItemModelTester, empty and full.
#include "uitest.h"

#include "findingsdecorator.h"
#include "selectionstate.h"
#include "views/findingsmodel.h"

#include <QAbstractItemModelTester>

using namespace gwb;

class TestUiModels final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void findingsDecorator()
    {
        auto inv = Investigation::loadLocal(uitest::labInputs());
        QVERIFY(inv);
        const DiagnosisResult result = Diagnoser::run(inv.value());
        FindingsModel source;
        FindingsDecorator decorated;
        decorated.setSourceModel(&source);
        QAbstractItemModelTester tester(&decorated, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(decorated.rowCount(), 0);
        source.setResult(&result);
        QCOMPARE(std::size_t(decorated.rowCount()), result.findings.size());
        const QVariant swatch = decorated.index(0, FindingsModel::CauseColumn).data(Qt::DecorationRole);
        QVERIFY(swatch.isValid());
        source.setResult(nullptr);
        QCOMPARE(decorated.rowCount(), 0);
    }

    void selectionStateSubjectsReplaceEachOther()
    {
        SelectionState s;
        int changes = 0;
        connect(&s, &SelectionState::changed, this, [&changes] { ++changes; });
        s.setFinding(2);
        s.setTimeRange(2000, 1000);
        QCOMPARE(s.filter().from, 1000);
        s.setPeer(QStringLiteral("10.0.0.1:80"));
        QCOMPARE(s.filter().finding, -1);
        QVERIFY(s.filter().hasTimeRange()); // the range combines with any subject
        QCOMPARE(s.logFilter().peer, QStringLiteral("10.0.0.1:80"));
        QCOMPARE(s.timelineFilter().peer, QStringLiteral("10.0.0.1:80"));
        s.setPeer(QStringLiteral("10.0.0.1:80"));
        QCOMPARE(changes, 3); // setting the same again is no change
        s.clear();
        QVERIFY(s.filter().isEmpty());
    }
};

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
