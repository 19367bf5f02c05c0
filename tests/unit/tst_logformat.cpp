// moc follows includes and fails on <concepts> (via <compare>) unless a Qt header came first; it also
// misreads raw string literals holding quotes, so this file has none.
#include <QTest>

#include "nginx/accessfields.h"
#include "nginx/logformat.h"
#include "nginx/logtime.h"

#include <QRandomGenerator>
#include <QTest>

using namespace gwb;

namespace {

// "lit"$name:known|… and the trailer, to compare a compiled format in one string.
QByteArray describe(const LogFormat &f)
{
    QByteArray out;
    for (const LogFormat::Segment &s : f.segments())
        out += '"' + s.literal + "\"$" + s.varName + (s.var == LogVar::Other ? ":other" : ":known") + '|';
    return out + '"' + f.trailer() + '"';
}

TimeMs utcMs(int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    return (logtime::daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

const char *kUpstreamFormat =
    "$remote_addr [$time_local] \"$request\" $status $body_bytes_sent rt=$request_time host=$host "
    "ua=$upstream_addr us=$upstream_status uct=$upstream_connect_time uht=$upstream_header_time "
    "urt=$upstream_response_time \"$http_user_agent\"";

QByteArray attemptsText(const AccessRecord &r)
{
    QByteArray out;
    for (const UpstreamAttempt &a : r.attempts)
        out += (a.afterRedirect ? " : " : out.isEmpty() ? "" : ", ") + a.address + '=' +
               QByteArray::number(a.status.value) + '/' + QByteArray::number(a.connectMs) + '/' +
               QByteArray::number(a.headerMs) + '/' + QByteArray::number(a.responseMs);
    return out;
}

} // namespace

class TestLogFormat final : public QObject
{
    Q_OBJECT
private slots:
    void compilesSegments_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QStringLiteral("$remote_addr - [$time_local]")
                               << QByteArray("\"\"$remote_addr:known|\" - [\"$time_local:known|\"]\"");
        QTest::newRow("braces") << QStringLiteral("${host}x${status}")
                                << QByteArray("\"\"$host:known|\"x\"$status:known|\"\"");
        QTest::newRow("case-insensitive") << QStringLiteral("$HTTP_Host")
                                          << QByteArray("\"\"$http_host:known|\"\"");
        QTest::newRow("unknown variable") << QStringLiteral("a=$http_x_real_ip;")
                                          << QByteArray("\"a=\"$http_x_real_ip:other|\";\"");
        QTest::newRow("aliases") << QStringLiteral("$document_uri $query_string")
                                 << QByteArray("\"\"$document_uri:known|\" \"$query_string:known|\"\"");
        QTest::newRow("no variable") << QStringLiteral("static text") << QByteArray("\"static text\"");
        QTest::newRow("name ends at non-name byte") << QStringLiteral("$status-$msec.")
                                                    << QByteArray("\"\"$status:known|\"-\"$msec:known|\".\"");
    }
    void compilesSegments()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, expected);
        const Result<LogFormat> f = LogFormat::compile(QStringLiteral("t"), format);
        QVERIFY(f.ok());
        QCOMPARE(describe(*f), expected);
    }

    void rejectsBadFormats_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("why");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("lone dollar") << QStringLiteral("$") << QStringLiteral("position 1");
        QTest::newRow("dollar space") << QStringLiteral("a $ b") << QStringLiteral("position 3");
        QTest::newRow("unclosed brace") << QStringLiteral("${host") << QStringLiteral("closing bracket");
        QTest::newRow("empty braces") << QStringLiteral("${}") << QStringLiteral("not followed by a variable name");
        QTest::newRow("space in braces") << QStringLiteral("${ho st}") << QStringLiteral("closing bracket");
    }
    void rejectsBadFormats()
    {
        QFETCH(QString, format);
        QFETCH(QString, why);
        const Result<LogFormat> f = LogFormat::compile(QStringLiteral("broken"), format);
        QVERIFY(!f.ok());
        QVERIFY2(f.error().message.contains(why), qPrintable(f.error().message));
        QVERIFY(f.error().message.contains(QStringLiteral("\"broken\"")));
    }

    void combinedIsNginxBuiltIn()
    {
        const LogFormat f = LogFormat::combined();
        QCOMPARE(f.name(), QStringLiteral("combined"));
        QCOMPARE(f.segments().size(), 8u);
        QCOMPARE(f.trailer(), QByteArray("\""));
        QVERIFY(f.has(LogVar::TimeLocal) && f.has(LogVar::HttpUserAgent));
        QVERIFY(!f.has(LogVar::UpstreamAddr));
        QCOMPARE(f.escape(), LogFormat::Escape::Default);
    }

    void readsTimes()
    {
        TimeMs t = 0;
        int tz = 0;
        const QByteArray local = "24/Nov/2026:10:00:00 +0100";
        QVERIFY(logtime::parseTimeLocal(local.begin(), local.end(), t, tz));
        QCOMPARE(t, utcMs(2026, 11, 24, 10, 0, 0));
        QCOMPARE(tz, 60);
        const QByteArray iso = "2026-11-24T10:00:00-05:30";
        QVERIFY(logtime::parseTimeIso8601(iso.begin(), iso.end(), t, tz));
        QCOMPARE(t, utcMs(2026, 11, 24, 10, 0, 0));
        QCOMPARE(tz, -330);
        const QByteArray msec = "1764000000.123";
        QVERIFY(logtime::parseMsec(msec.begin(), msec.end(), t));
        QCOMPARE(t, 1764000000123);
        for (const char *bad : {"24/Nov/2026:10:00:00 0100", "24/nov/2026:10:00:00 +0100", "29/Feb/2026:10:00:00 +0100",
                                "24/Nov/2026:24:00:00 +0100", "24/Nov/2026:10:00:00 +0100 "}) {
            const QByteArray b(bad);
            QVERIFY2(!logtime::parseTimeLocal(b.begin(), b.end(), t, tz), bad);
        }
        for (const char *bad : {"", ".5", "12a", "1.", "1.2.3", "9999999999999"}) {
            const QByteArray b(bad);
            QVERIFY2(!logtime::parseMsec(b.begin(), b.end(), t), bad);
        }
    }

    void civilRoundTrip()
    {
        for (std::int64_t day = -800000; day < 800000; day += 997) {
            const TimeMs ms = day * 86400000 + 45296789; // 12:34:56.789
            const logtime::CivilTime c = logtime::civilFromMs(ms);
            QCOMPARE(logtime::daysFromCivil(c.year, c.month, c.day), day);
            QCOMPARE(c.hour * 10000 + c.minute * 100 + c.second, 123456u);
            QCOMPARE(c.millisecond, 789u);
        }
    }

    void readsDurations_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("ms");
        QTest::newRow("ms") << QByteArray("0.123") << 123;
        QTest::newRow("seconds") << QByteArray("60.001") << 60001;
        QTest::newRow("integer") << QByteArray("2") << 2000;
        QTest::newRow("one decimal") << QByteArray("0.5") << 500;
        QTest::newRow("extra decimals truncate") << QByteArray("0.0129") << 12;
        QTest::newRow("dash") << QByteArray("-") << int(kAbsentMs);
        QTest::newRow("empty") << QByteArray("") << int(kAbsentMs);
        QTest::newRow("garbage") << QByteArray("1x") << int(kAbsentMs);
        QTest::newRow("huge clamps") << QByteArray("99999999999999999999.000") << int(INT32_MAX);
    }
    void readsDurations()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, ms);
        QCOMPARE(accessfields::parseDurationMs({text.constData(), text.constData() + text.size()}), ms);
    }

    void parsesLines_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("escape");
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("uri");
        QTest::addColumn<QByteArray>("userAgent");
        QTest::addColumn<QByteArray>("attempts");
        const auto def = int(LogFormat::Escape::Default);
        const QString combined = QStringLiteral(
            "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
            "\"$http_user_agent\"");
        QTest::newRow("HTTP/0.9 status 009")
            << combined << def << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET /\" 009 5 \"-\" \"-\"")
            << 9 << QByteArray("/") << QByteArray() << QByteArray();
        QTest::newRow("escaped quote and CRLF")
            << combined << def
            << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET /x HTTP/1.1\" 200 5 \"-\" \"a \\x22b\\x22\"\r\n")
            << 200 << QByteArray("/x") << QByteArray("a \"b\"") << QByteArray();
        QTest::newRow("retries and redirect")
            << QString::fromLatin1(kUpstreamFormat) << def
            << QByteArray("1.1.1.1 [24/Nov/2026:10:01:08 +0100] \"GET /v2 HTTP/1.1\" 200 40 rt=30.113 host=h "
                          "ua=10.0.0.1:80, 10.0.0.2:80 : 10.0.0.9:90 us=502, 504 : 200 uct=-, 0.001 : 0.001 "
                          "uht=-, - : 0.100 urt=0.000, 30.002 : 0.110 \"curl/8\"")
            << 200 << QByteArray("/v2") << QByteArray("curl/8")
            << QByteArray("10.0.0.1:80=502/-1/-1/0, 10.0.0.2:80=504/1/-1/30002 : 10.0.0.9:90=200/1/100/110");
        QTest::newRow("json escapes")
            << QStringLiteral("{\"s\":$status,\"r\":\"$request\",\"a\":\"$http_user_agent\",\"u\":\"$upstream_addr\"}")
            << int(LogFormat::Escape::Json)
            << QByteArray("{\"s\":502,\"r\":\"GET /q\\\"x\\\" HTTP/1.1\",\"a\":\"say \\\"hi\\\\\\\", tab\\t \\u00e9\",\"u\":\"\"}") << 502
            << QByteArray("/q\"x\"") << QByteArray("say \"hi\\\", tab\t \xc3\xa9") << QByteArray();
        QTest::newRow("escape none keeps the quote in the last value")
            << combined << int(LogFormat::Escape::None)
            << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET /x HTTP/1.1\" 200 5 \"-\" \"a \"b\" \\x\"") << 200
            << QByteArray("/x") << QByteArray("a \"b\" \\x") << QByteArray();
        QTest::newRow("uri with spaces") << combined << def
                                         << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET /a b HTTP/1.1\" 400 5 \"-\" \"-\"")
                                         << 400 << QByteArray("/a b") << QByteArray() << QByteArray();
    }
    void parsesLines()
    {
        QFETCH(QString, format);
        QFETCH(int, escape);
        QFETCH(QByteArray, line);
        QFETCH(int, status);
        QFETCH(QByteArray, uri);
        QFETCH(QByteArray, userAgent);
        QFETCH(QByteArray, attempts);
        const Result<LogFormat> f = LogFormat::compile(QStringLiteral("t"), format, LogFormat::Escape(escape));
        QVERIFY(f.ok());
        AccessRecord r;
        QString reason;
        QVERIFY2(f->parseLine(line, r, &reason), qPrintable(reason));
        QCOMPARE(int(r.status.value), status);
        QCOMPARE(r.uri, uri);
        QCOMPARE(r.userAgent, userAgent);
        QCOMPARE(attemptsText(r), attempts);
    }

    void rejectsLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("empty line");
        QTest::newRow("blank") << QByteArray("  ") << QStringLiteral("no \" - \" after $remote_addr");
        QTest::newRow("truncated") << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET")
                                   << QStringLiteral("no \"\\\" \" after $request");
        QTest::newRow("bad status") << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET /\" 2000 5 \"-\" \"-\"")
                                    << QStringLiteral("$status is not a three-digit HTTP status");
        QTest::newRow("bad time") << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +010x] \"GET /\" 200 5 \"-\" \"-\"")
                                  << QStringLiteral("$time_local is not a time");
        QTest::newRow("no trailer") << QByteArray("1.2.3.4 - - [24/Nov/2026:10:00:00 +0100] \"GET /\" 200 5 \"-\" \"-")
                                    << QStringLiteral("does not end with \"\\\"\" after $http_user_agent");
    }
    void rejectsLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        AccessRecord r;
        QString why;
        QVERIFY(!LogFormat::combined().parseLine(line, r, &why));
        QVERIFY2(why.contains(reason), qPrintable(why));
        QVERIFY(why.contains(QStringLiteral("log_format \"combined\"")) || why.startsWith(QLatin1Char('$')) ||
                why == QLatin1String("empty line"));
    }

    // The lead's libFuzzer target will go further; this keeps the obvious cases (random bytes, lines cut and
    // spliced at random) from ever crashing or hanging.
    void survivesGarbage()
    {
        const QByteArray good = "1.1.1.1 [24/Nov/2026:10:01:08 +0100] \"GET /v2 HTTP/1.1\" 200 40 rt=30.113 host=h "
                                "ua=10.0.0.1:80, 10.0.0.2:80 : 10.0.0.9:90 us=502, 504 : 200 uct=-, 0.001 : 0.001 "
                                "uht=-, - : 0.100 urt=0.000, 30.002 : 0.110 \"curl/8\"";
        std::vector<LogFormat> formats{LogFormat::combined(),
                                       *LogFormat::compile(QStringLiteral("u"), QString::fromLatin1(kUpstreamFormat)),
                                       *LogFormat::compile(QStringLiteral("j"), QStringLiteral("{\"a\":\"$host\",\"b\":$status}"),
                                                           LogFormat::Escape::Json),
                                       *LogFormat::compile(QStringLiteral("adjacent"), QStringLiteral("$status$host$msec"))};
        QRandomGenerator rng(42);
        AccessRecord r;
        for (int i = 0; i < 20000; ++i) {
            QByteArray line = good;
            const int edits = rng.bounded(1, 6);
            for (int k = 0; k < edits; ++k) {
                const auto at = rng.bounded(line.size() + 1);
                switch (rng.bounded(3)) {
                case 0: line.insert(at, char(rng.bounded(256))); break;
                case 1: line.remove(at, rng.bounded(1, 20)); break;
                default: line = line.left(at); break;
                }
            }
            for (const LogFormat &f : formats)
                f.parseLine(line, r);
        }
        QVERIFY(formats[1].parseLine(good, r));
        QVERIFY(!formats[0].parseLine(QByteArrayView(), r));
    }
};

QTEST_GUILESS_MAIN(TestLogFormat)
#include "tst_logformat.moc"
