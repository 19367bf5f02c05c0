#include "diagnosis/diagnoser.h"
#include "testutil.h"
#include "views/findingsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace gwb;

namespace {

DiagnosisResult diagnoseLab()
{
    LocalInputs in;
    in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt"));
    in.accessLogs << test::dataPath(QStringLiteral("lab/access.log"));
    in.errorLogs << test::dataPath(QStringLiteral("lab/error.log"));
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        qFatal("cannot load the lab fixtures: %s", qPrintable(inv.error().message));
    return Diagnoser::run(inv.value());
}

int rowAt(const FindingsModel &m, const QString &cause, const QString &location)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        const Finding &f = m.result()->findings[std::size_t(r)];
        if (QString(causeId(f.cause)) == cause && f.location == QStringLiteral("location ") + location)
            return r;
    }
    return -1;
}

} // namespace

class TestFindingsModel final : public QObject
{
    Q_OBJECT
private:
    DiagnosisResult m_result;

private slots:
    void initTestCase()
    {
        m_result = diagnoseLab();
        QVERIFY(m_result.findings.size() >= 10);
    }

    void passesTheModelTester()
    {
        FindingsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setResult(&m_result);
        QCOMPARE(model.rowCount(), int(m_result.findings.size()));
        QCOMPARE(model.columnCount(), int(FindingsModel::ColumnCount));
        const DiagnosisResult empty;
        model.setResult(&empty);
        QCOMPARE(model.rowCount(), 0);
        model.setResult(&m_result);
        model.setResult(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void resetIsSignalled()
    {
        FindingsModel model;
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setResult(&m_result);
        QCOMPARE(reset.count(), 1);
    }

    void columnsOfAFinding()
    {
        FindingsModel model;
        model.setResult(&m_result);
        const int row = rowAt(model, QStringLiteral("backend-refused"), QStringLiteral("/refused"));
        QVERIFY(row >= 0);
        auto cell = [&](int column, int role = Qt::DisplayRole) {
            return model.data(model.index(row, column), role);
        };
        QCOMPARE(cell(FindingsModel::CauseColumn).toString(), QStringLiteral("backend-refused"));
        QCOMPARE(cell(FindingsModel::StatusColumn).toString(), QStringLiteral("502 ×3"));
        QCOMPARE(cell(FindingsModel::CountColumn).toULongLong(), 3ull);
        QCOMPARE(cell(FindingsModel::WhereColumn).toString(),
                 QStringLiteral("server lab.local → location /refused → peer 127.0.0.1:18082"));
        QVERIFY(
            cell(FindingsModel::FirstColumn).toString().startsWith(QStringLiteral("2026-11-24T12:28:46")));
        QVERIFY(cell(FindingsModel::LastColumn).toString().startsWith(QStringLiteral("2026-11-24T12:28:49")));
        QCOMPARE(cell(FindingsModel::CauseColumn, FindingsModel::CauseRole).toInt(),
                 int(Cause::BackendRefused));
        QCOMPARE(cell(FindingsModel::WhereColumn, FindingsModel::FindingIndexRole).toInt(), row);
        QCOMPARE(cell(FindingsModel::CauseColumn, FindingsModel::SeverityRole).toInt(), 2);
        const QString tip = cell(FindingsModel::CauseColumn, Qt::ToolTipRole).toString();
        QVERIFY(tip.contains(causeInfo(Cause::BackendRefused).explanation));
        QVERIFY(tip.contains(QStringLiteral("What to do")));
        QCOMPARE(model.headerData(FindingsModel::CountColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Failures"));
        QVERIFY(!model.data(model.index(row, FindingsModel::CauseColumn), Qt::DecorationRole).isValid());
    }

    void severityTellsRescuedFromFailed()
    {
        FindingsModel model;
        model.setResult(&m_result);
        const int rescued =
            rowAt(model, QStringLiteral("keepalive-race"), QStringLiteral("/keepalive-retry"));
        const int retried = rowAt(model, QStringLiteral("backend-refused"), QStringLiteral("/retry-then-ok"));
        const int noLive = rowAt(model, QStringLiteral("no-live-upstreams"), QStringLiteral("/no-live"));
        const int slow = rowAt(model, QStringLiteral("client-closed"), QStringLiteral("/slow"));
        QVERIFY(rescued >= 0 && retried >= 0 && noLive >= 0 && slow >= 0);
        auto severity = [&](int row) {
            return model.data(model.index(row, 0), FindingsModel::SeverityRole).toInt();
        };
        QCOMPARE(severity(rescued), 1);
        QCOMPARE(severity(retried), 1);
        QCOMPARE(severity(noLive), 2);
        QCOMPARE(severity(slow), 2); // 499: the client got nothing
        QVERIFY(model.data(model.index(rescued, 0), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("ended well")));
        Finding errorOnly;
        errorOnly.errorLines = 2;
        QCOMPARE(FindingsModel::severityOf(errorOnly), 1);
    }
};

QTEST_GUILESS_MAIN(TestFindingsModel)
#include "tst_findingsmodel.moc"
