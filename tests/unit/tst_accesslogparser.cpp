// moc follows includes and fails on <concepts> (via <compare>) unless a Qt header came first; it also
// misreads raw string literals holding quotes, so this file has none.
#include <QTest>

#include "nginx/accesslogparser.h"
#include "nginx/logtime.h"
#include "testutil.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace gwb;
using gwb::test::dataPath;

namespace {

// Bytes outside printable ASCII as \xHH, so that golden files stay plain text whatever the log held.
QByteArray printable(QByteArrayView v)
{
    QByteArray out;
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '\\')
            out += c;
        else
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
    }
    return out;
}

QByteArray timeText(TimeMs t)
{
    if (t == kNoTime)
        return "-";
    const logtime::CivilTime c = logtime::civilFromMs(t);
    return QString::asprintf("%04d-%02u-%02u %02u:%02u:%02u.%03u", c.year, c.month, c.day, c.hour, c.minute,
                             c.second, c.millisecond)
        .toLatin1();
}

QByteArray ms(DurationMs d) { return d == kAbsentMs ? QByteArray("-") : QByteArray::number(d) + "ms"; }

// A fixture's format: first line "NAME [escape=json|none]", second line the log_format string.
LogFormat loadFormat(const QString &relative)
{
    const QList<QByteArray> lines = test::readData(relative).split('\n');
    const QList<QByteArray> head = lines.value(0).split(' ');
    LogFormat::Escape escape = LogFormat::Escape::Default;
    if (head.contains("escape=json"))
        escape = LogFormat::Escape::Json;
    else if (head.contains("escape=none"))
        escape = LogFormat::Escape::None;
    Result<LogFormat> f = LogFormat::compile(QString::fromUtf8(head.value(0)), QString::fromUtf8(lines.value(1)), escape);
    if (!f)
        qFatal("bad fixture format %s: %s", qPrintable(relative), qPrintable(f.error().message));
    return std::move(f).value();
}

QByteArray renderEvent(const AccessLogResult &r, const AccessEvent &e)
{
    const QByteArrayView text = r.text->bytes();
    QByteArray out = "L" + QByteArray::number(r.lines.lineAt(text, ByteOffset(e.offset)).value) + " @" +
                     QByteArray::number(quint64(e.offset)) + ' ' + timeText(e.time) +
                     " status=" + QByteArray::number(e.status.value) + " rt=" + ms(e.requestMs);
    if (e.attempts || e.upstreamStatus.value || e.peer.value)
        out += " attempts=" + QByteArray::number(quint64(e.attempts)) + " peer=" + printable(r.peers.value(e.peer.value)) +
               " ustatus=" + QByteArray::number(e.upstreamStatus.value) + " uht=" + ms(e.upstreamHeaderMs);
    if (e.host.value)
        out += " host=" + printable(r.hosts.value(e.host.value));
    return out + '\n';
}

QByteArray renderRecord(const AccessRecord &a)
{
    QByteArray out = ' ' + timeText(a.time) + " tz=" + QByteArray::number(a.tzOffsetMinutes) +
                     " status=" + QByteArray::number(a.status.value) + " rt=" + ms(a.requestMs) +
                     " body=" + QByteArray::number(a.bodyBytes) + '\n';
    const std::pair<const char *, QByteArray> texts[] = {
        {"remote", a.remoteAddr}, {"user", a.remoteUser}, {"request", a.request}, {"method", a.method},
        {"uri", a.uri}, {"protocol", a.protocol}, {"host", a.host}, {"referer", a.referer},
        {"agent", a.userAgent}, {"id", a.requestId}};
    QByteArray fields;
    for (const auto &[name, value] : texts)
        if (!value.isEmpty())
            fields += QByteArray(" ") + name + "=[" + printable(value) + ']';
    if (!fields.isEmpty())
        out += "   " + fields + '\n';
    for (const UpstreamAttempt &u : a.attempts)
        out += "    attempt" + QByteArray(u.afterRedirect ? " after redirect" : "") + ": " + printable(u.address) +
               " status=" + QByteArray::number(u.status.value) + " connect=" + ms(u.connectMs) +
               " header=" + ms(u.headerMs) + " response=" + ms(u.responseMs) + '\n';
    return out;
}

// Everything parse() and parseLine() say about a fixture, in a stable text form.
QByteArray render(const AccessLogResult &r, const LogFormat &format)
{
    QByteArray out = "lines=" + QByteArray::number(r.lineCount) + " events=" + QByteArray::number(r.events.size()) +
                     " outside=" + QByteArray::number(r.outsideWindow) + " malformed=" +
                     QByteArray::number(r.malformed.total()) + " tz=" + QByteArray::number(r.tzOffsetMinutes) + '\n';
    if (!r.text->warning().isEmpty())
        out += "warning: " + r.text->warning().section(QLatin1String(": "), 1).toUtf8() + '\n';
    out += "-- events\n";
    for (const AccessEvent &e : r.events)
        out += renderEvent(r, e);
    out += "-- malformed\n";
    for (const MalformedLines::Reason &m : r.malformed.reasons()) {
        out += QByteArray::number(m.count) + "x " + m.reason.toUtf8() + " at";
        for (const SourceLocation &where : m.examples)
            out += ' ' + QByteArray::number(where.line.value);
        out += '\n';
    }
    out += "-- records\n";
    const QList<QByteArray> lines = r.text->bytes().toByteArray().split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i + 1 == lines.size() && lines[i].isEmpty())
            break; // the final newline ends the last line; it does not start another
        AccessRecord a;
        QString reason;
        out += "L" + QByteArray::number(i + 1);
        out += format.parseLine(lines[i], a, &reason) ? renderRecord(a) : " malformed: " + reason.toUtf8() + '\n';
    }
    return out;
}

std::shared_ptr<TextSource> openData(const QString &relative)
{
    Result<std::shared_ptr<TextSource>> src = TextSource::open(dataPath(relative));
    if (!src)
        qFatal("%s", qPrintable(src.error().message));
    return *src;
}

// Every line ends up in exactly one place.
bool accountsForEveryLine(const AccessLogResult &r)
{
    return r.lineCount == r.events.size() + r.malformed.total() + r.outsideWindow;
}

// Event fields with ids replaced by the strings they stand for, so results of different runs compare.
QByteArray eventsText(const AccessLogResult &r)
{
    QByteArray out;
    for (const AccessEvent &e : r.events)
        out += renderEvent(r, e);
    return out;
}

QByteArray malformedText(const AccessLogResult &r)
{
    QByteArray out;
    for (const MalformedLines::Reason &m : r.malformed.reasons()) {
        out += QByteArray::number(m.count) + ' ' + m.reason.toUtf8();
        for (const SourceLocation &where : m.examples)
            out += ' ' + QByteArray::number(where.line.value);
        out += '\n';
    }
    return out;
}

// A log_format from an `nginx -T` dump: the quoted strings after `log_format NAME [escape=...]` up to ';'.
std::optional<LogFormat> formatFromDump(const QByteArray &dump, const QString &name)
{
    const QRegularExpression re(QStringLiteral("log_format\\s+%1\\s+((?:escape=\\w+\\s+)?)((?:'[^']*'\\s*|\"[^\"]*\"\\s*)+);")
                                    .arg(QRegularExpression::escape(name)));
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(dump));
    if (!m.hasMatch())
        return std::nullopt;
    QString format;
    const QRegularExpression part(QStringLiteral("'([^']*)'|\"([^\"]*)\""));
    for (auto it = part.globalMatch(m.captured(2)); it.hasNext();) {
        const QRegularExpressionMatch p = it.next();
        format += p.captured(1) + p.captured(2);
    }
    const QString escape = m.captured(1).trimmed();
    const LogFormat::Escape e = escape == QLatin1String("escape=json")   ? LogFormat::Escape::Json
                                : escape == QLatin1String("escape=none") ? LogFormat::Escape::None
                                                                          : LogFormat::Escape::Default;
    Result<LogFormat> f = LogFormat::compile(name, format, e);
    return f ? std::optional<LogFormat>(std::move(f).value()) : std::nullopt;
}

constexpr std::pair<const char *, const char *> kLabLogs[] = {{"lab/access.log", "upstreaminfo"},
                                                               {"lab/access_combined.log", "combined"},
                                                               {"lab/access_json.log", "jsonlog"},
                                                               {"lab/access_custom.log", "customorder"}};

// A lab log parsed with its format as `nginx -T` printed it; nothing when the lab has not produced it.
std::optional<AccessLogResult> parseLab(const QString &log, const QString &formatName)
{
    const QString dumpPath = QStringLiteral("lab/nginx-T.txt");
    if (!QFileInfo::exists(dataPath(log)) || !QFileInfo::exists(dataPath(dumpPath)))
        return std::nullopt;
    const std::optional<LogFormat> f = formatName == QLatin1String("combined")
                                           ? LogFormat::combined()
                                           : formatFromDump(test::readData(dumpPath), formatName);
    if (!f)
        qFatal("no log_format %s in %s", qPrintable(formatName), qPrintable(dumpPath));
    return AccessLogParser::parse(openData(log), SourceId(1), *f);
}

// $msec is UTC; $time_local and $time_iso8601 are wall clock with the zone kept apart.
std::int64_t utcSecond(const AccessEvent &e, const AccessLogResult &r)
{
    return (e.time - std::int64_t(r.tzOffsetMinutes) * 60000) / 1000;
}

} // namespace

class TestAccessLogParser final : public QObject
{
    Q_OBJECT
private slots:
    void golden_data()
    {
        QTest::addColumn<QString>("log");
        QTest::addColumn<QString>("format");
        for (const char *name : {"combined", "upstream", "json", "custom", "timezones", "malformed", "crlf"})
            QTest::newRow(name) << QStringLiteral("accesslog/%1.log").arg(QLatin1String(name))
                                << QStringLiteral("accesslog/%1.format").arg(QLatin1String(name));
        QTest::newRow("gzip") << QStringLiteral("accesslog/combined.log.gz") << QStringLiteral("accesslog/combined.format");
        QTest::newRow("truncated gzip") << QStringLiteral("accesslog/truncated.log.gz")
                                        << QStringLiteral("accesslog/truncated.format");
    }
    void golden()
    {
        QFETCH(QString, log);
        QFETCH(QString, format);
        const LogFormat f = loadFormat(format);
        const AccessLogResult serial = AccessLogParser::parse(openData(log), SourceId(3), f, {.threads = 1});
        QVERIFY(accountsForEveryLine(serial));
        QVERIFY(!serial.cancelled);
        // Tiny chunks on three threads must give the same answer as one pass.
        const AccessLogResult parallel =
            AccessLogParser::parse(openData(log), SourceId(3), f, {.threads = 3, .chunkBytes = 97});
        QCOMPARE(render(parallel, f), render(serial, f));
        for (const AccessEvent &e : serial.events)
            QCOMPARE(int(e.source), 3);
        const QString golden = log.left(log.indexOf(QLatin1Char('.'))) + (log.endsWith(QLatin1String(".gz")) ? QStringLiteral("-gz") : QString());
        test::compareGolden(render(serial, f), golden + QStringLiteral(".golden"));
    }

    void gzipTruncationKeepsWhatWasRead()
    {
        const std::shared_ptr<TextSource> src = openData(QStringLiteral("accesslog/truncated.log.gz"));
        QVERIFY(src->wasCompressed());
        QVERIFY2(!src->warning().isEmpty(), "a truncated gzip file must say so");
        const AccessLogResult r = AccessLogParser::parse(src, SourceId(1), loadFormat(QStringLiteral("accesslog/truncated.format")));
        QCOMPARE(r.events.size(), 27u);
        QCOMPARE(r.malformed.total(), 1u); // the line cut by the truncation
    }

    void keepsOnlyTheWindow()
    {
        const LogFormat f = loadFormat(QStringLiteral("accesslog/upstream.format"));
        const TimeMs since = (logtime::daysFromCivil(2026, 11, 24) * 86400 + 10 * 3600 + 60) * 1000; // 10:01:00
        const TimeMs until = since + 5000;                                                           // 10:01:05
        const AccessLogResult r = AccessLogParser::parse(openData(QStringLiteral("accesslog/upstream.log")), SourceId(1),
                                                         f, {.since = since, .until = until});
        QCOMPARE(r.events.size(), 3u); // 10:01:02 .. 10:01:04; 10:01:05 is the exclusive end
        QCOMPARE(r.outsideWindow, 8u);
        QCOMPARE(r.lineCount, 11u);
        for (const AccessEvent &e : r.events)
            QVERIFY(e.time >= since && e.time < until);
    }

    void stopsWhenCancelled()
    {
        std::atomic_bool cancel{true};
        const AccessLogResult r = AccessLogParser::parse(openData(QStringLiteral("accesslog/upstream.log")), SourceId(1),
                                                         loadFormat(QStringLiteral("accesslog/upstream.format")),
                                                         {.cancel = &cancel});
        QVERIFY(r.cancelled);
        QVERIFY(r.events.empty());
    }

    void parallelEqualsSerialOnALargerLog_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("chunkBytes");
        QTest::newRow("2 threads, automatic chunks") << 2 << 0;
        QTest::newRow("2 threads, 64 KiB chunks") << 2 << 65536;
        QTest::newRow("4 threads, 5000-byte chunks") << 4 << 5000;
    }
    void parallelEqualsSerialOnALargerLog()
    {
        QFETCH(int, threads);
        QFETCH(int, chunkBytes);
        // ~12,000 lines: fixture lines in a shuffled order with malformed ones between them, so that chunks,
        // checkpoints (every 4096 lines) and interner merges all come into play.
        const QList<QByteArray> good = test::readData(QStringLiteral("accesslog/upstream.log")).split('\n');
        QRandomGenerator rng(7);
        QByteArray text;
        std::vector<std::uint32_t> badLines;
        for (std::uint32_t line = 1; line <= 12000; ++line) {
            if (rng.bounded(50) == 0) {
                text += "garbage " + QByteArray::number(line) + '\n';
                badLines.push_back(line);
            } else {
                text += good[rng.bounded(good.size() - 1)] + '\n';
            }
        }
        const LogFormat f = loadFormat(QStringLiteral("accesslog/upstream.format"));
        auto src = TextSource::fromBytes(text, QStringLiteral("big.log"));
        const AccessLogResult serial = AccessLogParser::parse(src, SourceId(1), f, {.threads = 1});
        const AccessLogResult parallel =
            AccessLogParser::parse(src, SourceId(1), f, {.threads = threads, .chunkBytes = std::size_t(chunkBytes)});
        QCOMPARE(serial.lineCount, 12000u);
        QCOMPARE(serial.malformed.total(), badLines.size());
        QCOMPARE(serial.malformed.reasons().front().examples.front().line.value, badLines.front());
        QCOMPARE(eventsText(parallel), eventsText(serial));
        QCOMPARE(malformedText(parallel), malformedText(serial));
        QCOMPARE(parallel.peers.size(), serial.peers.size());
        for (std::uint16_t id = 1; id <= serial.peers.size(); ++id)
            QCOMPARE(parallel.peers.value(id), serial.peers.value(id)); // same ids: first appearance in the file
        QVERIFY(parallel.lines.checkpointCount() >= 3);
        QVERIFY(accountsForEveryLine(parallel));
    }

    void survivesGarbageInput()
    {
        QRandomGenerator rng(1234);
        const LogFormat formats[] = {LogFormat::combined(), loadFormat(QStringLiteral("accesslog/json.format")),
                                     loadFormat(QStringLiteral("accesslog/custom.format"))};
        for (int round = 0; round < 40; ++round) {
            QByteArray bytes(rng.bounded(1, 20000), Qt::Uninitialized);
            for (char &c : bytes)
                c = rng.bounded(8) == 0 ? '\n' : char(rng.bounded(256));
            auto src = TextSource::fromBytes(bytes, QStringLiteral("garbage"));
            for (const LogFormat &f : formats) {
                const AccessLogResult r = AccessLogParser::parse(src, SourceId(1), f, {.threads = 2, .chunkBytes = 777});
                QCOMPARE(r.lineCount, quint64(bytes.count('\n') + (bytes.endsWith('\n') ? 0 : 1)));
                QVERIFY(accountsForEveryLine(r));
            }
        }
    }

    // Fixtures recorded from a real nginx by the practice lab (tests/data/lab/README.md): four layouts of the
    // same requests. Not golden files: the lab regenerates them with new timestamps, the shape stays.
    void realNginxParsesCleanly_data()
    {
        QTest::addColumn<QString>("log");
        QTest::addColumn<QString>("format");
        for (const auto &[log, format] : kLabLogs)
            QTest::newRow(format) << QString::fromLatin1(log) << QString::fromLatin1(format);
    }
    void realNginxParsesCleanly()
    {
        QFETCH(QString, log);
        QFETCH(QString, format);
        const std::optional<AccessLogResult> r = parseLab(log, format);
        if (!r)
            QSKIP("lab fixtures not produced yet");
        QVERIFY(r->lineCount > 30);
        QVERIFY2(r->malformed.total() == 0, malformedText(*r).constData());
        QCOMPARE(r->events.size(), r->lineCount);
    }

    void realNginxLayoutsAgree()
    {
        std::vector<AccessLogResult> results;
        for (const auto &[log, format] : kLabLogs) {
            std::optional<AccessLogResult> r = parseLab(QString::fromLatin1(log), QString::fromLatin1(format));
            if (!r)
                QSKIP("lab fixtures not produced yet");
            results.push_back(std::move(*r));
        }
        const AccessLogResult &upstreaminfo = results.front();
        for (const AccessLogResult &other : results) {
            QCOMPARE(other.events.size(), upstreaminfo.events.size());
            const bool hasUpstream = other.peers.size() > 0;
            for (std::size_t i = 0; i < other.events.size(); ++i) {
                const AccessEvent &a = upstreaminfo.events[i], &b = other.events[i];
                QCOMPARE(utcSecond(b, other), utcSecond(a, upstreaminfo));
                QCOMPARE(b.status, a.status);
                if (!hasUpstream) // combined has no upstream fields
                    continue;
                QCOMPARE(int(b.attempts), int(a.attempts));
                QCOMPARE(other.peers.value(b.peer.value), upstreaminfo.peers.value(a.peer.value));
                QCOMPARE(b.upstreamStatus, a.upstreamStatus);
                QCOMPARE(b.upstreamHeaderMs, a.upstreamHeaderMs);
                QCOMPARE(b.requestMs, a.requestMs);
                QCOMPARE(other.hosts.value(b.host.value), upstreaminfo.hosts.value(a.host.value));
            }
        }
    }

    // expected.tsv: per location, the status the client got and the peer that caused it.
    void realNginxMatchesExpected()
    {
        const std::optional<AccessLogResult> r = parseLab(QStringLiteral("lab/access.log"), QStringLiteral("upstreaminfo"));
        if (!r || !QFileInfo::exists(dataPath(QStringLiteral("lab/expected.tsv"))))
            QSKIP("lab fixtures not produced yet");
        const LogFormat f = *formatFromDump(test::readData(QStringLiteral("lab/nginx-T.txt")), QStringLiteral("upstreaminfo"));
        const QList<QByteArray> rows = test::readData(QStringLiteral("lab/expected.tsv")).trimmed().split('\n');
        for (qsizetype i = 1; i < rows.size(); ++i) {
            const QList<QByteArray> cols = rows[i].split('\t'); // location cause status peer
            bool seen = false;
            for (const AccessEvent &e : r->events) {
                AccessRecord rec;
                const QByteArrayView line = r->text->bytes().sliced(qsizetype(e.offset));
                QVERIFY(f.parseLine(line.first(line.indexOf('\n')), rec));
                const bool peerTried = std::any_of(rec.attempts.begin(), rec.attempts.end(),
                                                   [&](const UpstreamAttempt &u) { return u.address == cols[3]; });
                seen = seen || (rec.uri == cols[0] && e.status.value == cols[2].toUInt() && peerTried);
            }
            QVERIFY2(seen, rows[i].constData());
        }
    }

    // Logs written by other people (../shared/corpus): whatever their format, nothing may crash and every line
    // must be accounted for.
    void survivesTheCorpus()
    {
        const QString corpus = QStringLiteral(GWB_SHARED_DIR "/corpus/logs");
        if (!QFileInfo::exists(corpus))
            QSKIP("no shared corpus on this machine");
        int files = 0;
        for (QDirIterator it(corpus, {QStringLiteral("*.log")}, QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
            Result<std::shared_ptr<TextSource>> src = TextSource::open(it.next());
            if (!src)
                continue;
            const AccessLogResult r = AccessLogParser::parse(*src, SourceId(1), LogFormat::combined(), {.chunkBytes = 4096});
            QVERIFY2(accountsForEveryLine(r), qPrintable(it.filePath()));
            ++files;
        }
        QVERIFY(files > 0);
    }
};

QTEST_GUILESS_MAIN(TestAccessLogParser)
#include "tst_accesslogparser.moc"
