#include "reportpdf.h"

#include "diagnosis/diagnoser.h"

#include <QColor>
#include <QDir>
#include <QImage>
#include <QRegularExpression>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace gwb;

namespace {

QString data(const QString &relative)
{
    return QDir(QStringLiteral(GWB_TEST_DATA_DIR)).filePath(relative);
}

QString run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(60'000) || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput());
}

} // namespace

class TestReportPdf final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void labReportAsPdf();
    void writeReportDispatchesToPdf();
    void unwritablePath();

private:
    Investigation m_inv;
    DiagnosisResult m_result;
    QTemporaryDir m_dir;
};

void TestReportPdf::initTestCase()
{
    LocalInputs in;
    in.configDump = data(QStringLiteral("lab/nginx-T.txt"));
    in.accessLogs = {data(QStringLiteral("lab/access.log"))};
    in.errorLogs = {data(QStringLiteral("lab/error.log"))};
    auto inv = Investigation::loadLocal(in);
    QVERIFY2(inv.ok(), inv.ok() ? "" : qPrintable(inv.error().message));
    m_inv = std::move(inv).value();
    m_result = Diagnoser::run(m_inv);
    QVERIFY(!m_result.findings.empty());
    installPdfReportWriter();
}

void TestReportPdf::labReportAsPdf()
{
    if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty())
        QSKIP("pdftotext (poppler-utils) is not installed");
    const QString pdf = m_dir.filePath(QStringLiteral("lab.pdf"));
    ReportOptions options;
    QVERIFY(writePdfReport(pdf, m_inv, m_result, options).ok());
    if (const QString keepDir = qEnvironmentVariable("GWB_REPORT_KEEP_DIR"); !keepDir.isEmpty()) {
        QFile::remove(QDir(keepDir).filePath(QStringLiteral("lab.pdf")));
        QFile::copy(pdf, QDir(keepDir).filePath(QStringLiteral("lab.pdf")));
    }

    const QString text = run(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    QVERIFY2(!text.isEmpty(), "pdftotext failed");
    QVERIFY(text.contains(QStringLiteral("Summary")));
    QVERIFY(text.contains(QStringLiteral("Most likely cause")));
    QVERIFY(text.contains(QStringLiteral("No guided checks were run.")));
    QVERIFY(text.contains(QStringLiteral("Environment")));
    QVERIFY(text.contains(QStringLiteral("nginx/1.22.1")));
    QVERIFY(!text.contains(QStringLiteral("client: 127.0.0.1")));
    for (const Finding &f : m_result.findings)
        QVERIFY2(text.contains(QString(causeId(f.cause))), causeId(f.cause).data());

    const QString info = run(QStringLiteral("pdfinfo"), {pdf});
    static const QRegularExpression pagesRe(QStringLiteral("Pages:\\s+(\\d+)"));
    const int pages = pagesRe.match(info).captured(1).toInt();
    QVERIFY2(pages >= 3 && pages <= 60, qPrintable(QStringLiteral("%1 pages").arg(pages)));
    QVERIFY(info.contains(QStringLiteral("A4")));
    // Every big section starts a page: "Timeline" and "Findings" are each at the top of one.
    const QStringList pageTexts = text.split(QLatin1Char('\f'));
    auto startsPage = [&](const QString &heading) {
        for (const QString &p : pageTexts)
            if (p.trimmed().startsWith(heading))
                return true;
        return false;
    };
    QVERIFY(startsPage(QStringLiteral("Timeline")));
    QVERIFY(startsPage(QStringLiteral("Findings")));
    QVERIFY(startsPage(QStringLiteral("Environment")));

    // The figures are drawn: the timeline's page renders with colour, not only black text.
    qsizetype timelinePage = 0;
    while (timelinePage < pageTexts.size() && !pageTexts[timelinePage].trimmed().startsWith(QStringLiteral("Timeline")))
        ++timelinePage;
    if (!QStandardPaths::findExecutable(QStringLiteral("pdftoppm")).isEmpty()) {
        const QString prefix = m_dir.filePath(QStringLiteral("page"));
        const QString n = QString::number(timelinePage + 1);
        QProcess p;
        p.start(QStringLiteral("pdftoppm"), {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("50"),
                                             QStringLiteral("-f"), n, QStringLiteral("-l"), n, pdf, prefix});
        QVERIFY(p.waitForFinished(60'000));
        const QStringList pngs = QDir(m_dir.path()).entryList({QStringLiteral("page*.png")});
        QCOMPARE(pngs.size(), 1);
        const QImage page(m_dir.filePath(pngs.first()));
        QVERIFY(!page.isNull());
        int coloured = 0;
        for (int y = 0; y < page.height(); y += 2)
            for (int x = 0; x < page.width(); x += 2) {
                const QColor c = page.pixelColor(x, y);
                if (qAbs(c.red() - c.green()) > 40 || qAbs(c.green() - c.blue()) > 40)
                    ++coloured;
            }
        QVERIFY2(coloured > 200, qPrintable(QStringLiteral("%1 coloured pixels").arg(coloured)));
    }
}

void TestReportPdf::writeReportDispatchesToPdf()
{
    QVERIFY(pdfReportsAvailable());
    const QString pdf = m_dir.filePath(QStringLiteral("via-writeReport.PDF"));
    QVERIFY(writeReport(pdf, m_inv, m_result, ReportOptions{}).ok());
    QFile f(pdf);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(5) == "%PDF-");
}

void TestReportPdf::unwritablePath()
{
    auto r = writePdfReport(m_dir.filePath(QStringLiteral("no/such/dir/x.pdf")), m_inv, m_result, ReportOptions{});
    QVERIFY(!r.ok());
    QVERIFY(r.error().message.startsWith(QStringLiteral("cannot write")));
}

QTEST_MAIN(TestReportPdf)
#include "tst_reportpdf.moc"
