// A Qt header first: moc follows includes and trips over <concepts> (via <compare>) otherwise.
#include "nginx/errorlogparser.h"
#include "nginx/logtime.h"
#include "testutil.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>
#include <cstring>
#include <map>
#include <set>

using namespace gwb;

namespace {

ErrorLogResult parseBytes(const QByteArray &bytes, const LogParseOptions &options = {})
{
    return ErrorLogParser::parse(TextSource::fromBytes(bytes, QStringLiteral("mem.log")), SourceId(1),
                                 options);
}

TimeMs wallMs(int hour, int minute, int second = 0)
{
    return ((logtime::daysFromCivil(2026, 11, 24) * 24 + hour) * 60 + minute) * 60'000 + second * 1000;
}

// Bytes for a golden file: control and non-ASCII bytes as \xNN so that the expectation stays readable text.
QByteArray printable(QByteArrayView v)
{
    QByteArray out;
    for (const char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (u < 0x20 || u >= 0x7f || c == '\\')
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out;
}

QByteArray timeText(TimeMs t)
{
    const logtime::CivilTime c = logtime::civilFromMs(t);
    return QStringLiteral("%1-%2-%3 %4:%5:%6")
        .arg(c.year)
        .arg(c.month, 2, 10, QLatin1Char('0'))
        .arg(c.day, 2, 10, QLatin1Char('0'))
        .arg(c.hour, 2, 10, QLatin1Char('0'))
        .arg(c.minute, 2, 10, QLatin1Char('0'))
        .arg(c.second, 2, 10, QLatin1Char('0'))
        .toLatin1();
}

QByteArrayView entryText(const ErrorLogResult &r, const ErrorEvent &ev)
{
    return r.text->bytes().sliced(static_cast<qsizetype>(ev.offset), ev.length);
}

// Everything a parse says, one event per paragraph: the golden-file format.
QByteArray dump(const ErrorLogResult &r)
{
    QByteArray out = "lines " + QByteArray::number(r.lineCount) + ", entries " +
                     QByteArray::number(r.events.size()) + ", outside window " +
                     QByteArray::number(r.outsideWindow) + ", malformed " +
                     QByteArray::number(r.malformed.total()) + "\n";
    for (const ErrorEvent &ev : r.events) {
        ErrorEntry e;
        ErrorLogParser::parseEntry(entryText(r, ev), e);
        const LineNumber line = r.lines.lineAt(r.text->bytes(), ByteOffset(ev.offset));
        out += "L" + QByteArray::number(line.value) + " " + timeText(ev.time) + " [" +
               ErrorLogParser::levelName(static_cast<LogLevel>(ev.level)).toString().toLatin1() + "] " +
               QByteArray::number(e.pid) + "#" + QByteArray::number(e.tid) +
               (ev.connection ? " *" + QByteArray::number(ev.connection) : QByteArray()) + " " +
               causeId(ev.cause).toString().toLatin1() + " " + phaseId(ev.phase).toString().toLatin1() +
               " errno=" + QByteArray::number(ev.errnoCode) +
               " peer=" + printable(r.peers.value(ev.peer.value)) +
               " length=" + QByteArray::number(ev.length) + "\n";
        out += "  message: " + printable(e.message) + "\n";
        const std::pair<const char *, const QByteArray *> fields[] = {
            {"while", &e.phaseText},   {"errno text", &e.errnoText},
            {"client", &e.client},     {"server", &e.server},
            {"request", &e.request},   {"subrequest", &e.subrequest},
            {"upstream", &e.upstream}, {"host", &e.host},
            {"referrer", &e.referrer}, {"continuation", &e.continuation},
        };
        for (const auto &[name, value] : fields)
            if (!value->isEmpty())
                out += QByteArray("  ") + name + ": " + printable(*value) + "\n";
    }
    for (const MalformedLines::Reason &reason : r.malformed.reasons()) {
        out += "malformed x" + QByteArray::number(reason.count) + ": " + reason.reason.toUtf8() + " at";
        for (const SourceLocation &where : reason.examples)
            out += " L" + QByteArray::number(where.line.value);
        out += "\n";
    }
    if (!r.text->warning().isEmpty())
        out += "warning: " +
               QString(r.text->warning())
                   .replace(r.text->path(), QFileInfo(r.text->path()).fileName())
                   .toUtf8() +
               "\n";
    return out;
}

struct CatalogueRow
{
    int line = 0;
    QByteArray cause, phase, peer, text;
    int errnoCode = -1;
};

std::vector<CatalogueRow> catalogue()
{
    std::vector<CatalogueRow> rows;
    int n = 0;
    for (const QByteArray &row : test::readData(QStringLiteral("errorlog/catalogue.tsv")).split('\n')) {
        ++n;
        if (row.isEmpty() || row.startsWith('#'))
            continue;
        const QList<QByteArray> f = row.split('\t');
        if (f.size() != 5)
            qFatal("catalogue.tsv:%d: expected 5 tab-separated columns", n);
        rows.push_back({n, f[0], f[1], f[3] == "-" ? QByteArray() : f[3], f[4], f[2].toInt()});
    }
    return rows;
}

} // namespace

class TestErrorLogParser final : public QObject
{
    Q_OBJECT
private slots:
    void classifiesEveryMessage_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("cause");
        QTest::addColumn<QByteArray>("phase");
        QTest::addColumn<int>("errnoCode");
        QTest::addColumn<QByteArray>("peer");
        for (const CatalogueRow &r : catalogue())
            QTest::addRow("catalogue.tsv:%d %s", r.line, r.cause.constData())
                << r.text << r.cause << r.phase << r.errnoCode << r.peer;
    }
    void classifiesEveryMessage()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, cause);
        QFETCH(QByteArray, phase);
        QFETCH(int, errnoCode);
        QFETCH(QByteArray, peer);
        const ErrorLogResult r = parseBytes(line + '\n');
        QCOMPARE(r.malformed.total(), 0u);
        QCOMPARE(r.events.size(), 1u);
        const ErrorEvent &ev = r.events.front();
        QCOMPARE(causeId(ev.cause).toString().toLatin1(), cause);
        QCOMPARE(phaseId(ev.phase).toString().toLatin1(), phase);
        QCOMPARE(int(ev.errnoCode), qMax(errnoCode, 0));
        QCOMPARE(r.peers.value(ev.peer.value), peer);
        QCOMPARE(qsizetype(ev.length), line.size());
        // The on-demand path agrees with the scan.
        ErrorEntry e;
        QVERIFY(ErrorLogParser::parseEntry(line, e));
        QCOMPARE(ErrorLogParser::classify(e), ev.cause);
        QCOMPARE(e.phase, ev.phase);
        QCOMPARE(e.errnoCode, errnoCode);
        QCOMPARE(ErrorLogParser::peerAddress(e.upstream), QByteArrayView(peer));
    }

    void catalogueCoversEveryCause()
    {
        std::set<QByteArray> seen;
        for (const CatalogueRow &r : catalogue())
            seen.insert(r.cause);
        for (int c = 0; c < kCauseCount; ++c) {
            const auto cause = static_cast<Cause>(c);
            // Neither can be told from an error line: the keepalive race needs the access log's connect time,
            // and a backend's own 502 writes no error line at all.
            if (cause == Cause::KeepaliveRace || cause == Cause::BackendStatus)
                continue;
            QVERIFY2(seen.count(causeId(cause).toString().toLatin1()), qPrintable(causeId(cause).toString()));
        }
    }

    // Every message substring of the facts table (shared/NGINX_ERRORS.md) is in some catalogue line.
    void catalogueCoversEveryMessageOfTheFacts()
    {
        QFile facts(QStringLiteral(GWB_SHARED_DIR "/NGINX_ERRORS.md"));
        if (!facts.open(QIODevice::ReadOnly))
            QSKIP("shared/NGINX_ERRORS.md is not beside the project");
        const std::vector<CatalogueRow> rows = catalogue();
        const QString text = QString::fromUtf8(facts.readAll());
        const QString table =
            text.section(QStringLiteral("## Message → cause"), 1).section(QStringLiteral("\n## "), 0, 0);
        const QRegularExpression code(QStringLiteral("`([^`]+)`"));
        const QRegularExpression placeholder(QStringLiteral("…|\\bX\\b|\\bN\\b"));
        int checked = 0;
        for (const QString &tableRow : table.split(QLatin1Char('\n'))) {
            if (!tableRow.startsWith(QStringLiteral("| `")))
                continue;
            for (auto it = code.globalMatch(tableRow.section(QStringLiteral(" | "), 0, 0)); it.hasNext();) {
                const QString message = it.next().captured(1);
                if (message.startsWith(QLatin1Char('$')) || message.contains(QStringLiteral("_timeout")))
                    continue; // a directive or variable named in the description, not a message
                const QStringList pieces = message.split(placeholder, Qt::SkipEmptyParts);
                const bool found = std::any_of(rows.begin(), rows.end(), [&](const CatalogueRow &r) {
                    return std::all_of(pieces.begin(), pieces.end(),
                                       [&](const QString &p) { return r.text.contains(p.toUtf8()); });
                });
                QVERIFY2(found, qPrintable(QStringLiteral("no catalogue line has: ") + message));
                ++checked;
            }
        }
        QVERIFY(checked >= 30);
    }

    void goldenFiles_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        const QDir dir(test::dataPath(QStringLiteral("errorlog")));
        for (const QString &name :
             dir.entryList({QStringLiteral("*.log"), QStringLiteral("*.log.gz")}, QDir::Files, QDir::Name))
            QTest::newRow(qPrintable(name))
                << QStringLiteral("errorlog/") + name
                << QStringLiteral("errorlog/") + name + QStringLiteral(".expected");
        // Real nginx 1.22.1 output from the practice lab.
        QTest::newRow("lab/error.log")
            << QStringLiteral("lab/error.log") << QStringLiteral("errorlog/lab-error.log.expected");
    }
    void goldenFiles()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        if (!QFile::exists(test::dataPath(input)))
            QSKIP("fixture not present");
        auto text = TextSource::open(test::dataPath(input));
        QVERIFY2(text.ok(), qPrintable(text.ok() ? QString() : text.error().message));
        LogParseOptions single;
        single.threads = 1;
        const ErrorLogResult r = ErrorLogParser::parse(*text, SourceId(3), single);
        const QByteArray actual = dump(r);
        test::compareGolden(actual, expected);
        for (const ErrorEvent &ev : r.events) {
            ErrorEntry e;
            QVERIFY(ErrorLogParser::parseEntry(entryText(r, ev), e));
            QCOMPARE(ErrorLogParser::classify(e), ev.cause);
            QCOMPARE(ev.source, 3u);
        }
        // Tiny chunks on two threads must give the same result as one pass.
        LogParseOptions parallel;
        parallel.threads = 2;
        parallel.chunkBytes = 64;
        QCOMPARE(dump(ErrorLogParser::parse(*text, SourceId(3), parallel)), actual);
    }

    // Each lab line has the cause the lab's scenario was built for (tests/data/lab/expected.tsv).
    void labLinesHaveTheirScenarioCause()
    {
        const QString logPath = test::dataPath(QStringLiteral("lab/error.log"));
        if (!QFile::exists(logPath) || !QFile::exists(test::dataPath(QStringLiteral("lab/expected.tsv"))))
            QSKIP("lab fixtures not present");
        std::map<QByteArray, std::pair<QByteArray, QByteArray>> expected; // location → cause, peer
        for (const QByteArray &row : test::readData(QStringLiteral("lab/expected.tsv")).split('\n')) {
            const QList<QByteArray> f = row.split('\t');
            if (f.size() >= 4 && f[0] != "location")
                expected[f[0]] = {f[1], f[3]};
        }
        auto text = TextSource::open(logPath);
        QVERIFY(text.ok());
        const ErrorLogResult r = ErrorLogParser::parse(*text, SourceId(1));
        QCOMPARE(r.malformed.total(), 0u);
        std::set<QByteArray> locationsSeen;
        for (const ErrorEvent &ev : r.events) {
            if (ev.cause == Cause::None)
                continue;
            ErrorEntry e;
            QVERIFY(ErrorLogParser::parseEntry(entryText(r, ev), e));
            const QByteArray location = e.request.split(' ').value(1);
            QVERIFY2(expected.count(location), location.constData());
            const auto &[cause, peer] = expected[location];
            const QByteArray got = causeId(ev.cause).toString().toLatin1();
            // The keepalive race reads like a premature close here; the diagnosis refines it with the access
            // log.
            const QByteArray want = cause == "keepalive-race" ? QByteArray("premature-close") : cause;
            // /no-live: the attempts that took its peers out of rotation come first.
            const bool precursor = location == "/no-live" &&
                                   (ev.cause == Cause::BackendRefused || ev.cause == Cause::PeerDisabled);
            QVERIFY2(got == want || precursor,
                     qPrintable(QString::fromLatin1(location + ": " + got + " instead of " + want)));
            if (got == want) {
                QCOMPARE(r.peers.value(ev.peer.value), peer);
                locationsSeen.insert(location);
            }
        }
        for (const auto &[location, what] : expected)
            if (what.first != "none" && what.first != "backend-status")
                QVERIFY2(locationsSeen.count(location), location.constData());
    }

    void peerAddress_data()
    {
        QTest::addColumn<QByteArray>("upstream");
        QTest::addColumn<QByteArray>("peer");
        QTest::newRow("tcp") << QByteArray("http://127.0.0.1:8081/path") << QByteArray("127.0.0.1:8081");
        QTest::newRow("unix") << QByteArray("http://unix:/run/x.sock:/path")
                              << QByteArray("unix:/run/x.sock");
        QTest::newRow("fastcgi unix")
            << QByteArray("fastcgi://unix:/run/php.sock:") << QByteArray("unix:/run/php.sock");
        QTest::newRow("unix without colon")
            << QByteArray("unix:/run/x.sock") << QByteArray("unix:/run/x.sock");
        QTest::newRow("group name") << QByteArray("http://backend/x") << QByteArray("backend");
        QTest::newRow("ipv6") << QByteArray("https://[2001:db8::1]:8443/x")
                              << QByteArray("[2001:db8::1]:8443");
        QTest::newRow("grpc no path")
            << QByteArray("grpc://127.0.0.1:50051") << QByteArray("127.0.0.1:50051");
        QTest::newRow("stream bare") << QByteArray("10.0.0.5:5432") << QByteArray("10.0.0.5:5432");
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void peerAddress()
    {
        QFETCH(QByteArray, upstream);
        QFETCH(QByteArray, peer);
        QCOMPARE(ErrorLogParser::peerAddress(upstream), QByteArrayView(peer));
    }

    void joinsContinuationLines()
    {
        const QByteArray first =
            "2026/11/24 10:00:00 [error] 1#1: *7 FastCGI sent in stderr: \"PHP message: boom";
        const QByteArray rest =
            "#0 {main}\n  thrown\" while reading response header from upstream, client: 192.0.2.1, "
            "server: a, request: \"GET / HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"a\"";
        const QByteArray next = "2026/11/24 10:00:01 [notice] 1#1: exit";
        const ErrorLogResult r = parseBytes("stray\n" + first + "\n" + rest + "\n\n" + next + "\n");
        QCOMPARE(r.events.size(), 2u);
        QCOMPARE(qsizetype(r.events[0].length), first.size() + 1 + rest.size());
        QCOMPARE(r.lineCount, 6u);
        ErrorEntry e;
        QVERIFY(ErrorLogParser::parseEntry(entryText(r, r.events[0]), e));
        QCOMPARE(e.message, QByteArray("FastCGI sent in stderr: \"PHP message: boom"));
        QCOMPARE(e.continuation, rest);
        QCOMPARE(e.phase, Phase::ReadingResponseHeader);
        QCOMPARE(e.upstream, QByteArray("fastcgi://127.0.0.1:9000"));
        QCOMPARE(r.peers.value(r.events[0].peer.value), QByteArray("127.0.0.1:9000"));
        // The stray line before the first entry is counted and located, not dropped.
        QCOMPARE(r.malformed.total(), 1u);
        QCOMPARE(r.malformed.reasons().front().examples.front().toString(), QStringLiteral("mem.log:1"));
        QCOMPARE(r.lines.lineAt(r.text->bytes(), ByteOffset(r.events[1].offset)).value, 6u);
    }

    void filtersTimeWindow()
    {
        QByteArray text;
        for (int m = 0; m < 10; ++m)
            text +=
                "2026/11/24 10:0" + QByteArray::number(m) +
                ":00 [error] 1#1: *1 upstream timed out (110: Connection timed out) while reading response "
                "header from upstream, client: 192.0.2.1, server: a, request: \"GET / HTTP/1.1\", upstream: "
                "\"http://10.0.0.1:80/\", host: \"a\"\n  continuation of minute " +
                QByteArray::number(m) + "\n";
        LogParseOptions o;
        o.since = wallMs(10, 3);
        o.until = wallMs(10, 6);
        ErrorLogResult r = parseBytes(text, o);
        QCOMPARE(r.events.size(), 3u); // [since, until), as the access-log parser
        QCOMPARE(r.outsideWindow, 7u);
        QCOMPARE(r.events.front().time, wallMs(10, 3));
        QCOMPARE(r.events.back().time, wallMs(10, 5));
        QCOMPARE(r.perLevel[static_cast<int>(LogLevel::Error)], 3u);
        QCOMPARE(r.malformed.total(), 0u); // continuations of skipped entries are skipped with them
        o.until = kNoTime;
        QCOMPARE(parseBytes(text, o).events.size(), 7u);
        o.since = kNoTime;
        o.until = wallMs(10, 1);
        QCOMPARE(parseBytes(text, o).events.size(), 1u);
    }

    void neverCrashesOrHangs()
    {
        // Random bytes, with and without timestamps mixed in.
        QRandomGenerator rng(20261124);
        QByteArray noise(1 << 20, '\0');
        rng.fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
        ErrorLogResult r = parseBytes(noise);
        QCOMPARE(r.lineCount, quint64(noise.count('\n') + (noise.endsWith('\n') ? 0 : 1)));
        QByteArray mixed;
        for (int i = 0; i < 2000; ++i)
            mixed += "2026/11/24 10:00:00 [error] 1#1: " + noise.mid(i * 97, i % 300) + "\n";
        parseBytes(mixed);
        // Every prefix of the hostile fixtures: a file cut anywhere.
        for (const char *name : {"errorlog/malformed.log", "errorlog/multiline.log", "errorlog/crlf.log"}) {
            const QByteArray bytes = test::readData(QString::fromLatin1(name));
            for (qsizetype n = 0; n <= bytes.size(); ++n)
                parseBytes(bytes.first(n));
        }
        // Pathological lines: long, full of context markers, quotes or separators.
        const QByteArray head = "2026/11/24 10:00:00 [error] 1#1: *1 ";
        QByteArray hostile[] = {
            head + QByteArray(8 << 20, 'x'),
            head + QByteArray(", client: ").repeated(100000),
            head + "x, client: a, server: b, request: \"" + QByteArray("\"").repeated(100000),
            head + QByteArray(" while ").repeated(100000) + QByteArray(" (1: ").repeated(100000),
            head + QByteArray(", upstream: \"").repeated(100000),
            QByteArray(1 << 20, '\n'),
            QByteArray(1 << 20, '\0'),
        };
        for (const QByteArray &line : hostile) {
            r = parseBytes(line);
            if (line.startsWith(head)) {
                QCOMPARE(r.events.size(), 1u);
                QCOMPARE(qsizetype(r.events.front().length), line.size());
            }
        }
    }

    void parallelResultEqualsSinglePass()
    {
        // Enough lines for several line-index checkpoints and many chunks.
        QByteArray text;
        const std::vector<CatalogueRow> rows = catalogue();
        for (int i = 0; text.size() < (4 << 20); ++i) {
            text += rows[static_cast<std::size_t>(i) % rows.size()].text + "\n";
            if (i % 7 == 0)
                text += "\tcontinued " + QByteArray::number(i) + "\n";
        }
        LogParseOptions one;
        one.threads = 1;
        const ErrorLogResult a = parseBytes(text, one);
        LogParseOptions two;
        two.threads = 2;
        two.chunkBytes = 50'000;
        const ErrorLogResult b = parseBytes(text, two);
        QCOMPARE(b.events.size(), a.events.size());
        QCOMPARE(b.lineCount, a.lineCount);
        QVERIFY(b.lines.checkpointCount() > 10);
        for (std::size_t i = 0; i < a.events.size(); ++i) {
            const ErrorEvent &x = a.events[i], &y = b.events[i];
            QCOMPARE(y.offset, x.offset);
            QCOMPARE(y.length, x.length);
            QCOMPARE(y.cause, x.cause);
            QCOMPARE(b.peers.value(y.peer.value), a.peers.value(x.peer.value));
            QCOMPARE(b.lines.lineAt(text, ByteOffset(y.offset)), a.lines.lineAt(text, ByteOffset(x.offset)));
        }
        // Line numbers from the index are real line numbers.
        const ErrorEvent &last = a.events.back();
        QCOMPARE(a.lines.lineAt(text, ByteOffset(last.offset)).value,
                 quint32(QByteArrayView(text).first(static_cast<qsizetype>(last.offset)).count('\n') + 1));
    }

    void cancels()
    {
        const std::atomic_bool cancel{true};
        LogParseOptions o;
        o.cancel = &cancel;
        QByteArray text;
        for (int i = 0; i < 100000; ++i)
            text += "2026/11/24 10:00:00 [notice] 1#1: exit\n";
        const ErrorLogResult r = parseBytes(text, o);
        QVERIFY(r.cancelled);
        QVERIFY(r.events.size() < 100000u);
    }
};

QTEST_GUILESS_MAIN(TestErrorLogParser)
#include "tst_errorlogparser.moc"
