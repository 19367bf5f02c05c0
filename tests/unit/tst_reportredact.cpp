#include "report/reportredact.h"

#include "testutil.h"

#include <QTest>

using namespace gwb;

class TestReportRedact final : public QObject
{
    Q_OBJECT

private slots:
    void clientAddresses_data();
    void clientAddresses();
    void pseudonymsAreStable();
    void peerWithSameAddressStays();
    void secrets_data();
    void secrets();
    void keepOnRequest();
    void labLinesKeepTheirShape();
    void summaryStatesWhatWasHidden();
    void ipLiterals();
};

void TestReportRedact::clientAddresses_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("expected");
    QTest::newRow("combined v4")
        << QStringLiteral("203.0.113.7 - - [24/Nov/2026:12:28:46 +0000] \"GET / HTTP/1.1\" 200 63 \"-\" \"curl\"")
        << QStringLiteral("client-1 - - [24/Nov/2026:12:28:46 +0000] \"GET / HTTP/1.1\" 200 63 \"-\" \"curl\"");
    QTest::newRow("combined v6")
        << QStringLiteral("2001:db8::5 - - [24/Nov/2026:12:28:46 +0000] \"GET / HTTP/1.1\" 200 63 \"-\" \"curl\"")
        << QStringLiteral("client-1 - - [24/Nov/2026:12:28:46 +0000] \"GET / HTTP/1.1\" 200 63 \"-\" \"curl\"");
    QTest::newRow("error line")
        << QStringLiteral("2026/11/24 12:28:46 [error] 1#1: *6 connect() failed (111: Connection refused) while "
                          "connecting to upstream, client: 198.51.100.20, server: lab.local")
        << QStringLiteral("2026/11/24 12:28:46 [error] 1#1: *6 connect() failed (111: Connection refused) while "
                          "connecting to upstream, client: client-1, server: lab.local");
    QTest::newRow("json")
        << QStringLiteral("{\"time\":\"2026-11-24T12:28:46+00:00\",\"remote_addr\":\"192.0.2.44\",\"status\":\"502\"}")
        << QStringLiteral("{\"time\":\"2026-11-24T12:28:46+00:00\",\"remote_addr\":\"client-1\",\"status\":\"502\"}");
    QTest::newRow("json forwarded list")
        << QStringLiteral("{\"http_x_forwarded_for\":\"192.0.2.1, 192.0.2.2\",\"remote_addr\":\"10.0.0.9\"}")
        << QStringLiteral("{\"http_x_forwarded_for\":\"client-1, client-2\",\"remote_addr\":\"client-3\"}");
    QTest::newRow("custom order, client in the middle: not recognised alone")
        << QStringLiteral("1732451326.123 502 | up=127.0.0.1:18082 | 0.000 192.0.2.99 lab.local")
        << QStringLiteral("1732451326.123 502 | up=127.0.0.1:18082 | 0.000 192.0.2.99 lab.local");
    QTest::newRow("time is not an address")
        << QStringLiteral("2026/11/24 12:28:46 [notice] 11083#11083: nginx/1.22.1")
        << QStringLiteral("2026/11/24 12:28:46 [notice] 11083#11083: nginx/1.22.1");
}

void TestReportRedact::clientAddresses()
{
    QFETCH(QString, line);
    QFETCH(QString, expected);
    Redactor r;
    QCOMPARE(r.redact(line), expected);
}

void TestReportRedact::pseudonymsAreStable()
{
    Redactor r;
    // Learned from an access line, then hidden in a custom-order line where its position alone says nothing.
    r.learnClients({QStringLiteral("192.0.2.99 - - [x] \"GET / HTTP/1.1\" 502"),
                    QStringLiteral("203.0.113.1 - - [x] \"GET / HTTP/1.1\" 502")});
    QCOMPARE(r.redact(QStringLiteral("1732451326.123 502 | 0.000 192.0.2.99 lab.local")),
             QStringLiteral("1732451326.123 502 | 0.000 client-1 lab.local"));
    QCOMPARE(r.redact(QStringLiteral("client: 203.0.113.1, client: 192.0.2.99")),
             QStringLiteral("client: client-2, client: client-1"));
    QCOMPARE(r.clientCount(), 2);
}

void TestReportRedact::peerWithSameAddressStays()
{
    // The lab's clients and peers are all 127.0.0.1; the peer address with its port is what the report is about.
    Redactor r;
    const QString line = QStringLiteral(
        "127.0.0.1 - - [24/Nov/2026:12:28:46 +0000] \"GET /refused HTTP/1.1\" 502 157 \"-\" \"gwb-lab-traffic/1.0\" "
        "0.000 127.0.0.1:18082 502 - - 0.000 lab.local");
    QCOMPARE(r.redact(line), QStringLiteral("client-1 - - [24/Nov/2026:12:28:46 +0000] \"GET /refused HTTP/1.1\" 502 157 "
                                            "\"-\" \"gwb-lab-traffic/1.0\" 0.000 127.0.0.1:18082 502 - - 0.000 lab.local"));
    const QString err = QStringLiteral("client: 127.0.0.1, server: lab.local, request: \"GET /refused HTTP/1.1\", "
                                       "upstream: \"http://127.0.0.1:18082/refused\", host: \"lab.local\"");
    QCOMPARE(r.redact(err), QStringLiteral("client: client-1, server: lab.local, request: \"GET /refused HTTP/1.1\", "
                                           "upstream: \"http://127.0.0.1:18082/refused\", host: \"lab.local\""));
}

void TestReportRedact::secrets_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("expected");
    QTest::newRow("request query")
        << QStringLiteral("\"GET /api/items?token=abc&id=7 HTTP/1.1\" 502")
        << QStringLiteral("\"GET /api/items?[redacted] HTTP/1.1\" 502");
    QTest::newRow("referrer with host only")
        << QStringLiteral("\"http://lab.local?a=1\" \"curl\"") << QStringLiteral("\"http://lab.local?[redacted]\" \"curl\"");
    QTest::newRow("lab referrer")
        << QStringLiteral("\"http://lab.local/start?a=1&b=2\" \"gwb-lab \\x22quoted\\x22 agent/1.0\"")
        << QStringLiteral("\"http://lab.local/start?[redacted]\" \"gwb-lab \\x22quoted\\x22 agent/1.0\"");
    QTest::newRow("escaped quote inside the query")
        << QStringLiteral("\"GET /x?q=\\x22secret\\x22 HTTP/1.1\"") << QStringLiteral("\"GET /x?[redacted] HTTP/1.1\"");
    QTest::newRow("error upstream url")
        << QStringLiteral("upstream: \"http://127.0.0.1:9001/api?token=SECRET\", host: \"x\"")
        << QStringLiteral("upstream: \"http://127.0.0.1:9001/api?[redacted]\", host: \"x\"");
    QTest::newRow("json args")
        << QStringLiteral("{\"request\":\"GET /a?b=c HTTP/1.1\",\"args\":\"b=c\",\"query_string\":\"\"}")
        << QStringLiteral("{\"request\":\"GET /a?[redacted] HTTP/1.1\",\"args\":\"[redacted]\",\"query_string\":\"\"}");
    QTest::newRow("cookie header")
        << QStringLiteral("\"Mozilla Cookie: sid=SECRET; theme=dark\" 0.001")
        << QStringLiteral("\"Mozilla Cookie: [redacted]\" 0.001");
    QTest::newRow("json cookie")
        << QStringLiteral("{\"http_cookie\":\"sid=SECRET; a=\\\"b\\\"\",\"cookie_sid\":\"-\",\"status\":\"200\"}")
        << QStringLiteral("{\"http_cookie\":\"[redacted]\",\"cookie_sid\":\"-\",\"status\":\"200\"}");
    QTest::newRow("key=value cookie")
        << QStringLiteral("status=502 cookie=\"sid=SECRET\" rt=0.1") << QStringLiteral("status=502 cookie=[redacted] rt=0.1");
    QTest::newRow("authorization header")
        << QStringLiteral("\"Authorization: Bearer eyJhbGciOi.SECRET\" 0.001")
        << QStringLiteral("\"Authorization: [redacted]\" 0.001");
    QTest::newRow("json authorization")
        << QStringLiteral("{\"http_authorization\":\"Basic dXNlcjpwYXNz\"}")
        << QStringLiteral("{\"http_authorization\":\"[redacted]\"}");
    QTest::newRow("basic-auth user of a combined line")
        << QStringLiteral("203.0.113.7 - alice [24/Nov/2026:10:02:05 +0000] \"POST /x HTTP/1.1\" 502")
        << QStringLiteral("client-1 - [redacted] [24/Nov/2026:10:02:05 +0000] \"POST /x HTTP/1.1\" 502");
    QTest::newRow("url credentials")
        << QStringLiteral("upstream: \"http://user:pa55@10.0.0.1:8080/x\"")
        << QStringLiteral("upstream: \"http://[redacted]@10.0.0.1:8080/x\"");
    QTest::newRow("nothing to hide")
        << QStringLiteral("\"GET /healthy HTTP/1.1\" 200 31 \"-\" \"curl\"")
        << QStringLiteral("\"GET /healthy HTTP/1.1\" 200 31 \"-\" \"curl\"");
}

void TestReportRedact::secrets()
{
    QFETCH(QString, line);
    QFETCH(QString, expected);
    Redactor r;
    QCOMPARE(r.redact(line), expected);
}

void TestReportRedact::keepOnRequest()
{
    RedactionOptions keep;
    keep.clientIps = keep.cookies = keep.authorization = keep.queryStrings = false;
    Redactor r(keep);
    const QString line = QStringLiteral("203.0.113.7 - - [x] \"GET /a?b=c HTTP/1.1\" \"Cookie: s=1\" \"Authorization: Basic x\"");
    QCOMPARE(r.redact(line), line);

    RedactionOptions onlyQuery;
    onlyQuery.queryStrings = false;
    Redactor q(onlyQuery);
    QCOMPARE(q.redact(QStringLiteral("203.0.113.7 - - [x] \"GET /a?b=c HTTP/1.1\"")),
             QStringLiteral("client-1 - - [x] \"GET /a?b=c HTTP/1.1\""));
}

void TestReportRedact::labLinesKeepTheirShape()
{
    // Every line of the lab logs: redaction hides the client and queries, and nothing else moves.
    for (const char *file : {"lab/access.log", "lab/access_combined.log", "lab/access_json.log", "lab/error.log"}) {
        Redactor r;
        const QStringList lines = QString::fromUtf8(test::readData(QString::fromLatin1(file))).split(QLatin1Char('\n'));
        for (const QString &line : lines) {
            const QString out = r.redact(line);
            QVERIFY2(!out.contains(QStringLiteral("client: 127.0.0.1")), qPrintable(out));
            QVERIFY2(!out.startsWith(QStringLiteral("127.0.0.1 ")), qPrintable(out));
            QVERIFY2(!out.contains(QStringLiteral("\"remote_addr\":\"127.0.0.1\"")), qPrintable(out));
            QVERIFY2(!out.contains(QStringLiteral("?a=1")), qPrintable(out));
            // Peer addresses with their ports stay.
            QCOMPARE(out.count(QStringLiteral("127.0.0.1:180")), line.count(QStringLiteral("127.0.0.1:180")));
        }
        QVERIFY(r.clientCount() <= 1);
    }
}

void TestReportRedact::summaryStatesWhatWasHidden()
{
    Redactor r;
    (void)r.redact(QStringLiteral("203.0.113.7 - - [x] \"GET /a?b=c HTTP/1.1\" \"Cookie: s=1\""));
    const QString s = r.summary().join(QLatin1Char('\n'));
    QVERIFY(s.contains(QStringLiteral("1 distinct clients")));
    QVERIFY(s.contains(QStringLiteral("Cookie values were hidden (1")));
    QVERIFY(s.contains(QStringLiteral("Query strings were hidden (1")));
    RedactionOptions keep;
    keep.clientIps = false;
    QVERIFY(Redactor(keep).summary().first().contains(QStringLiteral("kept")));
}

void TestReportRedact::ipLiterals()
{
    QVERIFY(Redactor::isIpAddress(u"203.0.113.7"));
    QVERIFY(Redactor::isIpAddress(u"::1"));
    QVERIFY(Redactor::isIpAddress(u"2001:db8::5"));
    QVERIFY(Redactor::isIpAddress(u"::ffff:192.0.2.1"));
    QVERIFY(!Redactor::isIpAddress(u"12:28:46"));
    QVERIFY(!Redactor::isIpAddress(u"1.22.1"));
    QVERIFY(!Redactor::isIpAddress(u"0.000"));
    QVERIFY(!Redactor::isIpAddress(u"127.0.0.1:18082"));
}

QTEST_GUILESS_MAIN(TestReportRedact)
#include "tst_reportredact.moc"
