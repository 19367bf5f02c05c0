// File → Export report writes the investigation on screen as a self-contained HTML file and as a PDF.
#include "uitest.h"
#include "checks/checkengine.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace gwb;

class TestExportReport final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { uitest::isolateSettings(); }

    void nothingOpenExportsNothing()
    {
        MainWindow window;
        QTemporaryDir dir;
        QVERIFY(!window.exportReport(dir.filePath(QStringLiteral("r.html"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("r.html"))));
    }

    void exportsHtmlAndPdfOfTheOpenInvestigation()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QTemporaryDir dir;
        const QString html = dir.filePath(QStringLiteral("report.html"));
        QVERIFY(window.exportReport(html));
        QFile f(html);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("Most likely cause"));
        QVERIFY(text.contains("<svg"));
        QVERIFY(!text.contains("<script"));
        QVERIFY2(!text.contains("127.0.0.1 - -"), "client addresses must be redacted in exported reports");

        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(window.exportReport(pdf));
        QFile p(pdf);
        QVERIFY(p.open(QIODevice::ReadOnly));
        QVERIFY(p.read(5) == "%PDF-");
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
            QSKIP("pdftotext is not installed (poppler-utils)");
        QProcess t;
        t.start(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
        QVERIFY(t.waitForFinished(60'000));
        QVERIFY(t.readAllStandardOutput().contains("Most likely cause"));
    }

    void checkResultsGoIntoTheReport()
    {
        MainWindow window;
        window.show();
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        CheckRun run;
        run.host = QStringLiteral("local");
        CheckResult r;
        r.checkId = QStringLiteral("probe-peer");
        r.verdict = Verdict::Fail;
        r.summary = QStringLiteral("the connection was refused: nothing listens on that port");
        r.subject.kind = CheckSubject::Kind::Peer;
        r.subject.peer = QStringLiteral("127.0.0.1:18082");
        run.results.push_back(r);
        window.setGuidedChecks(checkRunToJson(run));
        QTemporaryDir dir;
        const QString html = dir.filePath(QStringLiteral("checks.html"));
        QVERIFY(window.exportReport(html));
        QFile f(html);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("probe-peer"));
        QVERIFY(text.contains("nothing listens on that port"));
        QVERIFY(!text.contains("No guided checks were run"));
    }

    void anUnwritablePathSaysSoAndKeepsTheSession()
    {
        MainWindow window;
        QVERIFY(uitest::openAndWait(window, uitest::labInputs()));
        QVERIFY(!window.exportReport(QStringLiteral("/nonexistent-dir/report.html")));
        QTemporaryDir dir;
        QVERIFY2(!window.exportReport(dir.filePath(QStringLiteral("report.txt"))), "only .html and .pdf are reports");
        QVERIFY(window.exportReport(dir.filePath(QStringLiteral("after-error.html")))); // the session is still there
    }
};

QTEST_MAIN(TestExportReport)
#include "tst_exportreport.moc"
