// AccessStreamParser: whatever way the bytes arrive (one at a time, in random runs, cut inside lines, in many
// small pieces, on several threads), the result equals AccessLogParser::parse of the same bytes, field by
// field. Also AccessChunkParser on a piece held in its own buffer, and cancelling.

// moc follows includes and fails on <concepts> (via <compare>) unless a Qt header came first.
#include <QTest>

#include "nginx/accesschunkparser.h"
#include "nginx/accesslogparser.h"
#include "nginx/accessstreamparser.h"
#include "nginx/logtime.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>

using namespace gwb;

namespace {

constexpr TimeMs kHour0 = logtime::daysFromCivil(2026, 11, 24) * 86'400'000LL + 10 * 3'600'000LL;

LogFormat upstreamFormat()
{
    auto f = LogFormat::compile(QStringLiteral("upstreaminfo"),
                                QStringLiteral("$remote_addr - $remote_user [$time_local] \"$request\" $status "
                                               "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time "
                                               "$upstream_addr $upstream_status $upstream_header_time $host"));
    if (!f)
        qFatal("bad format: %s", qPrintable(f.error().message));
    return std::move(f).value();
}

// An hour of traffic with everything a parser must keep apart: several hosts and peers (ids to remap across
// pieces), retries, lines without an upstream, CRLF endings, empty lines, lines that do not match the format,
// a bad status, and (when asked) a last line without its newline.
QByteArray sampleLog(int lines, bool finalNewline, quint32 seed)
{
    QRandomGenerator rng(seed);
    QByteArray out;
    static const char *const hosts[] = {"shop.example", "api.example", "img.example", "www.example", "static.example"};
    static const char *const peers[] = {"10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080", "unix:/run/app.sock", "backend"};
    for (int i = 0; i < lines; ++i) {
        const TimeMs t = kHour0 + TimeMs(i) * 3'600'000LL / lines;
        const auto c = logtime::civilFromMs(t);
        const int kind = int(rng.bounded(40));
        char line[512];
        int n = 0;
        if (kind == 0) {
            n = 0; // an empty line
        } else if (kind == 1) {
            n = std::snprintf(line, sizeof line, "garbage that is not an access log line %d", i);
        } else if (kind == 2) {
            n = std::snprintf(line, sizeof line,
                              "10.1.0.%d - - [%02u/Nov/2026:%02u:%02u:%02u +0100] \"GET /x HTTP/1.1\" abc 10 \"-\" \"curl\" "
                              "0.010 - - - %s",
                              i % 200, c.day, c.hour, c.minute, c.second, hosts[i % 5]);
        } else if (kind == 3) {
            n = std::snprintf(line, sizeof line,
                              "10.1.0.%d - - [%02u/Nov/2026:%02u:%02u:%02u +0100] \"GET /retry HTTP/1.1\" 200 10 \"-\" \"curl\" "
                              "0.510 %s, %s 502, 200 0.300, 0.200 %s",
                              i % 200, c.day, c.hour, c.minute, c.second, peers[i % 3], peers[(i + 1) % 3], hosts[i % 5]);
        } else if (kind == 4) {
            n = std::snprintf(line, sizeof line,
                              "10.1.0.%d - - [%02u/Nov/2026:%02u:%02u:%02u +0100] \"GET /static HTTP/1.1\" 304 0 \"-\" \"curl\" "
                              "0.000 - - - %s",
                              i % 200, c.day, c.hour, c.minute, c.second, hosts[i % 5]);
        } else {
            const int status = kind < 8 ? 502 : kind < 10 ? 504 : kind < 11 ? 499 : 200;
            n = std::snprintf(line, sizeof line,
                              "10.1.0.%d - - [%02u/Nov/2026:%02u:%02u:%02u +0100] \"GET /item/%d HTTP/1.1\" %d %d \"-\" "
                              "\"Mozilla/5.0 (X11)\" 0.%03d %s %d 0.%03d %s",
                              i % 200, c.day, c.hour, c.minute, c.second, i, status, int(rng.bounded(5000)),
                              int(rng.bounded(1000)), peers[rng.bounded(5)], status, int(rng.bounded(1000)),
                              hosts[rng.bounded(5)]);
        }
        out.append(line, n);
        if (i + 1 < lines || finalNewline)
            out.append(rng.bounded(7) == 0 ? "\r\n" : "\n");
    }
    return out;
}

enum class Feed { Whole, OneByte, Random, AtNewlines, InsideLines };

// Feeds `bytes` in the given pattern; `pieceBytes` and `threads` go to the parser's options.
AccessLogResult streamed(const QByteArray &bytes, const LogFormat &format, LogParseOptions options, Feed feed,
                         quint32 seed = 1)
{
    const auto text = TextSource::fromBytes(bytes, QStringLiteral("access.log"));
    AccessStreamParser parser(format, SourceId(3), QStringLiteral("access.log"), options, quint64(bytes.size()));
    QRandomGenerator rng(seed);
    const QByteArrayView all(bytes);
    qsizetype at = 0;
    while (at < all.size()) {
        qsizetype n = all.size() - at;
        switch (feed) {
        case Feed::Whole: break;
        case Feed::OneByte: n = 1; break;
        case Feed::Random: n = qMin<qsizetype>(n, 1 + qsizetype(rng.bounded(3000))); break;
        case Feed::AtNewlines: {
            const qsizetype nl = all.indexOf('\n', at);
            n = nl < 0 ? n : nl + 1 - at;
            break;
        }
        case Feed::InsideLines: {
            // Ends a few bytes into the next line, never at a line end.
            const qsizetype nl = all.indexOf('\n', at);
            n = nl < 0 ? n : qMin(n, nl + 1 - at + 3);
            break;
        }
        }
        [&] { QCOMPARE(parser.bytesFed(), quint64(at)); }();
        parser.feed(all.sliced(at, n));
        at += n;
    }
    return parser.finish(text);
}

AccessLogResult whole(const QByteArray &bytes, const LogFormat &format, LogParseOptions options)
{
    options.chunkBytes = 0;
    return AccessLogParser::parse(TextSource::fromBytes(bytes, QStringLiteral("access.log")), SourceId(3), format,
                                  options);
}

void compareResults(const AccessLogResult &got, const AccessLogResult &want)
{
    QCOMPARE(got.source.value, want.source.value);
    QCOMPARE(got.cancelled, want.cancelled);
    QCOMPARE(got.lineCount, want.lineCount);
    QCOMPARE(got.outsideWindow, want.outsideWindow);
    QCOMPARE(got.tzOffsetMinutes, want.tzOffsetMinutes);
    QCOMPARE(got.events.size(), want.events.size());
    QCOMPARE(got.peers.size(), want.peers.size());
    QCOMPARE(got.hosts.size(), want.hosts.size());
    const QByteArrayView text = want.text->bytes();
    QVERIFY(got.text->bytes() == text);
    for (std::size_t i = 0; i < want.events.size(); ++i) {
        const AccessEvent &g = got.events[i], &w = want.events[i];
        const QByteArray where = "event " + QByteArray::number(quint64(i)) + " at " + QByteArray::number(quint64(w.offset));
        QVERIFY2(g.time == w.time, where.constData());
        QVERIFY2(g.offset == w.offset, where.constData());
        QVERIFY2(g.source == w.source, where.constData());
        QVERIFY2(g.attempts == w.attempts, where.constData());
        QVERIFY2(g.requestMs == w.requestMs, where.constData());
        QVERIFY2(g.upstreamHeaderMs == w.upstreamHeaderMs, where.constData());
        QVERIFY2(g.status.value == w.status.value, where.constData());
        QVERIFY2(g.upstreamStatus.value == w.upstreamStatus.value, where.constData());
        QVERIFY2(g.peer.value == w.peer.value, where.constData());
        QVERIFY2(g.host.value == w.host.value, where.constData());
        QVERIFY2(got.peers.value(g.peer.value) == want.peers.value(w.peer.value), where.constData());
        QVERIFY2(got.hosts.value(g.host.value) == want.hosts.value(w.host.value), where.constData());
        QVERIFY2(got.lines.lineAt(text, ByteOffset(g.offset)).value == want.lines.lineAt(text, ByteOffset(w.offset)).value,
                 where.constData());
    }
    // Line look-ups anywhere, not only at events: every line start and bytes in between.
    for (qsizetype at = 0; at <= text.size(); at = at == text.size() ? at + 1 : qMin(text.size(), at + 37)) {
        const auto g = got.lines.lineAt(text, ByteOffset(quint64(at))).value;
        const auto w = want.lines.lineAt(text, ByteOffset(quint64(at))).value;
        QVERIFY2(g == w, qPrintable(QStringLiteral("line at byte %1: %2 != %3").arg(at).arg(g).arg(w)));
    }
    QCOMPARE(got.malformed.total(), want.malformed.total());
    QCOMPARE(got.malformed.reasons().size(), want.malformed.reasons().size());
    for (std::size_t r = 0; r < want.malformed.reasons().size(); ++r) {
        const auto &g = got.malformed.reasons()[r];
        const auto &w = want.malformed.reasons()[r];
        QCOMPARE(g.reason, w.reason);
        QCOMPARE(g.count, w.count);
        QCOMPARE(g.examples.size(), w.examples.size());
        for (std::size_t e = 0; e < w.examples.size(); ++e) {
            QCOMPARE(g.examples[e].file, w.examples[e].file);
            QCOMPARE(g.examples[e].line.value, w.examples[e].line.value);
        }
    }
}

} // namespace

class TestAccessStreamParser final : public QObject
{
    Q_OBJECT

private slots:
    void pieceInItsOwnBuffer()
    {
        // AccessChunkParser on the bytes from offset K on, copied out: same events and checkpoints at the
        // same absolute offsets as when it reads the range inside the whole text.
        const LogFormat format = upstreamFormat();
        const QByteArray log = sampleLog(3000, true, 7);
        const qsizetype k = log.indexOf('\n', log.size() / 3) + 1;
        const AccessChunkParser parser(format, SourceId(2), {});
        AccessChunk inWhole, inPiece;
        inWhole.begin = inPiece.begin = quint64(k);
        inWhole.end = inPiece.end = quint64(log.size());
        parser.parse(QByteArrayView(log), inWhole);
        const QByteArray piece = log.mid(k); // a buffer of its own
        parser.parse(QByteArrayView(piece), quint64(k), inPiece);
        QCOMPARE(inPiece.lineCount, inWhole.lineCount);
        QCOMPARE(inPiece.events.size(), inWhole.events.size());
        QVERIFY(!inPiece.events.empty());
        for (std::size_t i = 0; i < inWhole.events.size(); ++i) {
            QCOMPARE(quint64(inPiece.events[i].offset), quint64(inWhole.events[i].offset));
            QCOMPARE(inPiece.events[i].time, inWhole.events[i].time);
            QVERIFY(quint64(inPiece.events[i].offset) >= quint64(k));
        }
        QCOMPARE(inPiece.lines.checkpointCount(), inWhole.lines.checkpointCount());
        QCOMPARE(inPiece.malformed.reasons.size(), inWhole.malformed.reasons.size());
        // A range that reaches outside the piece is clamped to it, never read beyond.
        AccessChunk outside;
        outside.begin = 0;
        outside.end = quint64(log.size()) + 100;
        parser.parse(QByteArrayView(piece), quint64(k), outside);
        QCOMPARE(outside.lineCount, inWhole.lineCount);
    }

    void sameAsWholeFile_data()
    {
        QTest::addColumn<int>("feed");
        QTest::addColumn<int>("pieceBytes");
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("finalNewline");
        QTest::addColumn<bool>("window");
        QTest::newRow("whole, default pieces") << int(Feed::Whole) << 0 << 2 << true << false;
        QTest::newRow("one byte at a time, small pieces") << int(Feed::OneByte) << 1000 << 2 << false << true;
        QTest::newRow("one byte, piece per line") << int(Feed::OneByte) << 1 << 3 << true << false;
        QTest::newRow("random runs, 1 thread") << int(Feed::Random) << 4096 << 1 << false << true;
        QTest::newRow("random runs, 2 threads") << int(Feed::Random) << 777 << 2 << true << true;
        QTest::newRow("random runs, 4 threads, tiny pieces") << int(Feed::Random) << 7 << 4 << false << false;
        QTest::newRow("at line ends") << int(Feed::AtNewlines) << 300 << 2 << true << true;
        QTest::newRow("inside lines") << int(Feed::InsideLines) << 2000 << 2 << false << true;
        QTest::newRow("inside lines, one piece") << int(Feed::InsideLines) << 1 << 20 << true << false;
    }

    void sameAsWholeFile()
    {
        QFETCH(int, feed);
        QFETCH(int, pieceBytes);
        QFETCH(int, threads);
        QFETCH(bool, finalNewline);
        QFETCH(bool, window);
        const LogFormat format = upstreamFormat();
        const QByteArray log = sampleLog(feed == int(Feed::OneByte) ? 1500 : 6000, finalNewline, 11);
        QCOMPARE(log.endsWith('\n'), finalNewline);
        LogParseOptions options;
        options.threads = threads;
        options.chunkBytes = std::size_t(pieceBytes);
        if (window) {
            // Cuts the hour in the middle: lines before and after are counted as outside, not kept.
            options.since = kHour0 + 15 * 60'000;
            options.until = kHour0 + 40 * 60'000;
        }
        const AccessLogResult want = whole(log, format, options);
        QVERIFY(want.events.size() > 100);
        QVERIFY(want.malformed.total() > 50);
        QCOMPARE(want.outsideWindow > 0, window);
        const AccessLogResult got = streamed(log, format, options, Feed(feed), quint32(pieceBytes));
        compareResults(got, want);
    }

    void manyPiecesAgainstManyChunks()
    {
        // Both parsers cut small, at different places: the merge gives the same result either way.
        const LogFormat format = upstreamFormat();
        const QByteArray log = sampleLog(20000, false, 5);
        LogParseOptions chunked;
        chunked.threads = 2;
        chunked.chunkBytes = 5000;
        const AccessLogResult want =
            AccessLogParser::parse(TextSource::fromBytes(log, QStringLiteral("access.log")), SourceId(3), format, chunked);
        LogParseOptions pieces = chunked;
        pieces.chunkBytes = 3333;
        compareResults(streamed(log, format, pieces, Feed::Random, 99), want);
    }

    void emptyAndTinyInputs()
    {
        const LogFormat format = upstreamFormat();
        for (const QByteArray &log : {QByteArray(), QByteArray("\n"), QByteArray("\r\n\n"), QByteArray("x"),
                                      sampleLog(1, false, 3), sampleLog(1, true, 3)}) {
            for (const Feed feed : {Feed::Whole, Feed::OneByte}) {
                const AccessLogResult want = whole(log, format, {});
                compareResults(streamed(log, format, {}, feed), want);
                if (QTest::currentTestFailed())
                    qWarning("input: %s", log.toPercentEncoding().constData());
            }
        }
    }

    void finishWithoutText()
    {
        // The collector finishes before it opens the spool file: the investigation sets the text later.
        const LogFormat format = upstreamFormat();
        const QByteArray log = sampleLog(500, true, 2);
        AccessStreamParser parser(format, SourceId(1), QStringLiteral("spool"), {});
        parser.feed(log);
        const AccessLogResult r = parser.finish(nullptr);
        QVERIFY(!r.text);
        QVERIFY(!r.cancelled);
        QCOMPARE(r.lineCount, quint64(500));
        QCOMPARE(r.events.size(), whole(log, format, {}).events.size());
        QCOMPARE(r.malformed.reasons().front().examples.front().file, QStringLiteral("spool"));
    }

    void cancelKeepsAPrefixWithoutGaps()
    {
        const LogFormat format = upstreamFormat();
        const QByteArray log = sampleLog(20000, true, 4);
        const AccessLogResult all = whole(log, format, {});
        std::atomic_bool cancel{false};
        LogParseOptions options;
        options.cancel = &cancel;
        options.threads = 2;
        options.chunkBytes = 4096;
        AccessStreamParser parser(format, SourceId(3), QStringLiteral("access.log"), options);
        parser.feed(QByteArrayView(log).first(log.size() / 2));
        cancel = true;
        parser.feed(QByteArrayView(log).sliced(log.size() / 2));
        const AccessLogResult r = parser.finish(TextSource::fromBytes(log, QStringLiteral("access.log")));
        QVERIFY(r.cancelled);
        QVERIFY(r.events.size() < all.events.size());
        QVERIFY(r.lineCount < all.lineCount);
        for (std::size_t i = 0; i < r.events.size(); ++i)
            QCOMPARE(quint64(r.events[i].offset), quint64(all.events[i].offset));

        // Cancelled before anything arrived.
        AccessStreamParser early(format, SourceId(3), QStringLiteral("access.log"), options);
        early.feed(log);
        const AccessLogResult none = early.finish(nullptr);
        QVERIFY(none.cancelled);
        QVERIFY(none.events.empty());
    }

    void destroyedWithoutFinish()
    {
        // A collection that fails half-way drops its parser: the workers stop and nothing leaks or hangs.
        const LogFormat format = upstreamFormat();
        const QByteArray log = sampleLog(20000, true, 8);
        LogParseOptions options;
        options.threads = 2;
        options.chunkBytes = 2048;
        for (int i = 0; i < 3; ++i) {
            AccessStreamParser parser(format, SourceId(1), QStringLiteral("access.log"), options);
            parser.feed(QByteArrayView(log).first(log.size() / (i + 2)));
        }
    }
};

QTEST_GUILESS_MAIN(TestAccessStreamParser)
#include "tst_accessstreamparser.moc"
