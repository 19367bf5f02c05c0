#include "report/report.h"

#include "diagnosis/diagnoser.h"

#include "testutil.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace gwb;

namespace {

struct Loaded
{
    Investigation inv;
    DiagnosisResult result;
};

Loaded load(const QString &dir, const QString &access = QStringLiteral("access.log"))
{
    LocalInputs in;
    in.configDump = test::dataPath(dir + QStringLiteral("/nginx-T.txt"));
    in.accessLogs = {test::dataPath(dir + QLatin1Char('/') + access)};
    in.errorLogs = {test::dataPath(dir + QStringLiteral("/error.log"))};
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        qFatal("cannot load %s: %s", qPrintable(dir), qPrintable(inv.error().message));
    Loaded l{std::move(inv).value(), {}};
    l.result = Diagnoser::run(l.inv);
    return l;
}

ReportOptions fixedOptions()
{
    ReportOptions o;
    o.generatedAt = QDateTime(QDate(2026, 11, 24), QTime(13, 0), Qt::UTC);
    return o;
}

// Optional: GWB_REPORT_KEEP_DIR=/some/dir keeps the reports the tests make, for looking at them.
void keep(const QString &name, const QString &html)
{
    const QString dir = qEnvironmentVariable("GWB_REPORT_KEEP_DIR");
    if (dir.isEmpty())
        return;
    QFile f(QDir(dir).filePath(name));
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(html.toUtf8());
}

QStringList svgElements(const QString &html)
{
    QStringList out;
    static const QRegularExpression re(QStringLiteral("<svg[\\s\\S]*?</svg>"));
    auto it = re.globalMatch(html);
    while (it.hasNext())
        out << it.next().captured();
    return out;
}

} // namespace

class TestReportHtml final : public QObject
{
    Q_OBJECT

private slots:
    void labReportHasEverySection();
    void selfContained();
    void svgsAreWellFormedXml();
    void labEvidenceIsRedacted();
    void keepsWhatTheUserAsksToKeep();
    void hostileValuesAreEscaped();
    void checksAreListedWhenGiven();
    void emptyInvestigation();
    void richTextFlavourUsesFigures();
    void writeReportByExtension();
};

void TestReportHtml::labReportHasEverySection()
{
    const Loaded l = load(QStringLiteral("lab"));
    const QString html = buildReportHtml(l.inv, l.result, fixedOptions()).html;
    keep(QStringLiteral("lab.html"), html);
    for (const char *id : {"summary", "timeline", "chain", "findings", "checks", "recommendations", "environment"})
        QVERIFY2(html.contains(QStringLiteral("<section id=\"%1\"").arg(QLatin1StringView(id))), id);
    // Summary first, environment last.
    QVERIFY(html.indexOf(QStringLiteral("id=\"summary\"")) < html.indexOf(QStringLiteral("id=\"timeline\"")));
    QVERIFY(html.indexOf(QStringLiteral("id=\"recommendations\"")) < html.indexOf(QStringLiteral("id=\"environment\"")));
    QVERIFY(html.contains(QStringLiteral("Most likely cause:")));
    QVERIFY(html.contains(QStringLiteral("failed because of the upstream side")));
    QVERIFY(html.contains(QStringLiteral("No guided checks were run.")));
    QVERIFY(html.contains(QStringLiteral("nginx/1.22.1")));
    QVERIFY(html.contains(QStringLiteral("2026-11-24T13:00:00Z")));
    QVERIFY(html.contains(QStringLiteral("@media print")));
    QVERIFY(html.contains(QStringLiteral("break-before: page")));
    // Every finding is there with its cause id, and its config with file:line.
    for (const Finding &f : l.result.findings)
        QVERIFY2(html.contains(QStringLiteral("<span class=\"cause\">%1</span>").arg(causeId(f.cause))),
                 causeId(f.cause).data());
    QVERIFY(html.contains(QStringLiteral("nginx-T.txt")) || html.contains(QStringLiteral("nginx.conf:")));
    QVERIFY(html.contains(QStringLiteral("proxy_read_timeout")));
}

void TestReportHtml::selfContained()
{
    const Loaded l = load(QStringLiteral("lab"));
    const QString html = buildReportHtml(l.inv, l.result, fixedOptions()).html;
    QVERIFY(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("<link"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("@import"), Qt::CaseInsensitive));
    // url() only for references inside the document (the SVG arrow marker).
    static const QRegularExpression outsideUrl(QStringLiteral("url\\(\\s*[^#\\s]"), QRegularExpression::CaseInsensitiveOption);
    QVERIFY(!outsideUrl.match(html).hasMatch());
    static const QRegularExpression external(QStringLiteral("(src|href)\\s*=\\s*[\"']?\\s*(https?:|//)"),
                                             QRegularExpression::CaseInsensitiveOption);
    QVERIFY(!external.match(html).hasMatch());
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("<meta charset=\"utf-8\">")));
}

void TestReportHtml::svgsAreWellFormedXml()
{
    for (const QString &dir : {QStringLiteral("lab"), QStringLiteral("report/hostile")}) {
        const Loaded l = load(dir);
        const QStringList svgs = svgElements(buildReportHtml(l.inv, l.result, fixedOptions()).html);
        QCOMPARE(svgs.size(), 2);
        for (const QString &svg : svgs) {
            QXmlStreamReader xml(svg);
            int elements = 0;
            while (!xml.atEnd())
                if (xml.readNext() == QXmlStreamReader::StartElement)
                    ++elements;
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString() + QStringLiteral(" in ") + svg.left(200)));
            QVERIFY(elements > 5);
        }
    }
}

void TestReportHtml::labEvidenceIsRedacted()
{
    const Loaded l = load(QStringLiteral("lab"));
    const ReportHtml r = buildReportHtml(l.inv, l.result, fixedOptions());
    QVERIFY(!r.html.contains(QStringLiteral("client: 127.0.0.1")));
    QVERIFY(r.html.contains(QStringLiteral("client: client-1")));
    QVERIFY(!r.html.contains(QStringLiteral("?a=1")));
    // Peers stay: they are the subject of the report.
    QVERIFY(r.html.contains(QStringLiteral("127.0.0.1:18082")));
    QVERIFY(r.html.contains(QStringLiteral("<section id=\"environment\"")));
    QVERIFY(r.html.contains(QStringLiteral("Client addresses were replaced by stable pseudonyms (1 distinct clients)")));
    QCOMPARE(r.redactionSummary.size(), 4);
}

void TestReportHtml::keepsWhatTheUserAsksToKeep()
{
    const Loaded l = load(QStringLiteral("lab"));
    ReportOptions o = fixedOptions();
    o.redaction.clientIps = false;
    const QString html = buildReportHtml(l.inv, l.result, o).html;
    QVERIFY(html.contains(QStringLiteral("client: 127.0.0.1")));
    QVERIFY(html.contains(QStringLiteral("Client addresses were kept")));
}

void TestReportHtml::hostileValuesAreEscaped()
{
    const Loaded l = load(QStringLiteral("report/hostile"));
    QVERIFY(!l.result.findings.empty());
    const QString html = buildReportHtml(l.inv, l.result, fixedOptions()).html;
    keep(QStringLiteral("hostile.html"), html);
    QVERIFY(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("<img src=x"), Qt::CaseInsensitive));
    QVERIFY(!html.contains(QStringLiteral("<b>x</b>")));
    QVERIFY(!html.contains(QStringLiteral("<i>evil</i>")));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;")));
    QVERIFY(html.contains(QStringLiteral("/api/&lt;b&gt;x&lt;/b&gt;")));
    for (const char *secret : {"SECRET-TOKEN", "SECRET-REF", "SECRET-COOKIE", "SECRET-BEARER", "203.0.113.7", "2001:db8::5", "alice"})
        QVERIFY2(!html.contains(QLatin1StringView(secret)), secret);
    // Attribute values cannot be closed early: no raw quote survives inside a title or text.
    QVERIFY(!html.contains(QStringLiteral("evil\"")));
}

void TestReportHtml::checksAreListedWhenGiven()
{
    const Loaded l = load(QStringLiteral("lab"));
    ReportOptions o = fixedOptions();
    o.checks.push_back({QStringLiteral("probe-peer"), QStringLiteral("127.0.0.1:18082"), QStringLiteral("fail"),
                        QStringLiteral("connect() refused from the nginx host <now>")});
    const QString html = buildReportHtml(l.inv, l.result, o).html;
    QVERIFY(!html.contains(QStringLiteral("No guided checks were run.")));
    QVERIFY(html.contains(QStringLiteral("<code>probe-peer</code>")));
    QVERIFY(html.contains(QStringLiteral("&lt;now&gt;")));
}

void TestReportHtml::emptyInvestigation()
{
    const Investigation inv;
    const DiagnosisResult result;
    const QString html = buildReportHtml(inv, result, fixedOptions()).html;
    QVERIFY(html.contains(QStringLiteral("No upstream failures were found")));
    QVERIFY(html.contains(QStringLiteral("No timed events in the window.")));
    QVERIFY(html.contains(QStringLiteral("version unknown")));
    QCOMPARE(svgElements(html).size(), 2);
}

void TestReportHtml::richTextFlavourUsesFigures()
{
    const Loaded l = load(QStringLiteral("lab"));
    const ReportHtml r = buildReportHtml(l.inv, l.result, fixedOptions(), ReportFlavour::RichText);
    QCOMPARE(r.figures.size(), std::size_t(2));
    QVERIFY(svgElements(r.html).isEmpty());
    QVERIFY(r.html.contains(QStringLiteral("<img src=\"gwb-figure:timeline\">")));
    QVERIFY(r.html.contains(QStringLiteral("page-break-before: always")));
}

void TestReportHtml::writeReportByExtension()
{
    const Loaded l = load(QStringLiteral("lab"));
    QTemporaryDir dir;
    const QString html = dir.filePath(QStringLiteral("r.html"));
    QVERIFY(writeReport(html, l.inv, l.result, fixedOptions()).ok());
    QFile f(html);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().startsWith("<!DOCTYPE html>"));

    auto txt = writeReport(dir.filePath(QStringLiteral("r.txt")), l.inv, l.result, fixedOptions());
    QVERIFY(!txt.ok());
    QVERIFY(txt.error().message.contains(QStringLiteral(".html or .pdf")));
    if (!pdfReportsAvailable()) {
        auto pdf = writeReport(dir.filePath(QStringLiteral("r.pdf")), l.inv, l.result, fixedOptions());
        QVERIFY(!pdf.ok());
        QVERIFY(pdf.error().message.contains(QStringLiteral("PDF")));
    }
    auto unwritable = writeReport(dir.filePath(QStringLiteral("missing/dir/r.html")), l.inv, l.result, fixedOptions());
    QVERIFY(!unwritable.ok());
    QVERIFY(unwritable.error().message.startsWith(QStringLiteral("cannot write")));
}

QTEST_GUILESS_MAIN(TestReportHtml)
#include "tst_reporthtml.moc"
