// core/collect pieces that need no network: line times, rotation names, which rotated files can hold a
// window, ps parsing, the window search and pulls over the local transport (plain and .gz), the advice for
// an unreadable log, and bundles (round trip, tampering, names that escape).

#include "common/wallclock.h"
#include "collect/bundle.h"
#include "collect/collector.h"
#include "collect/linetime.h"
#include "collect/logcollect.h"
#include "collect/logdiscovery.h"
#include "collect/logpuller.h"
#include "collect/nginxlocator.h"
#include "collect/windowfinder.h"
#include "nginx/logtime.h"
#include "transport/localtransport.h"
#include "testutil.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>

using namespace gwb;

namespace {

constexpr TimeMs kDay0 = logtime::daysFromCivil(2026, 11, 24) * 86'400'000LL;

QByteArray accessLogOverADay(int lines)
{
    QByteArray out;
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < lines; ++i) {
        const auto c = logtime::civilFromMs(kDay0 + TimeMs(i) * 86'400'000LL / lines);
        char line[256];
        const int n = std::snprintf(line, sizeof line,
                                    "10.0.0.%d - - [%02u/%s/%04d:%02u:%02u:%02u +0100] \"GET /item/%d HTTP/1.1\" 200 512 \"-\" \"curl\"\n",
                                    i % 250, c.day, months[c.month - 1], c.year, c.hour, c.minute, c.second, i);
        out.append(line, n);
    }
    return out;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

class TestCollect final : public QObject
{
    Q_OBJECT

private slots:
    void lineTimes()
    {
        const TimeMs t = kDay0 + 10 * 3'600'000LL + 5 * 60'000 + 7'000;
        QCOMPARE(lineTime("2026/11/24 10:05:07 [error] 1#1: *1 x", 0), t);
        QCOMPARE(lineTime("1.2.3.4 - - [24/Nov/2026:10:05:07 +0100] \"GET / HTTP/1.1\" 200", 0), t);
        QCOMPARE(lineTime("{\"time\":\"2026-11-24T10:05:07+01:00\",\"x\":1}", 0), t);
        QCOMPARE(lineTime("{\"time\":\"2026-11-24T10:05:07Z\"}", 0), t);
        // $msec is UTC: moved onto the host's wall clock.
        const qint64 utcSeconds = (t - 60 * 60'000LL) / 1000;
        QCOMPARE(lineTime(QByteArray(QByteArray::number(utcSeconds) + ".250 502 | up=x"), 60), t + 250);
        QVERIFY(!lineTime("    continuation of a Lua message", 0));
        QVERIFY(!lineTime("[short]", 0));
        const auto first = firstTimedLine("ial line\nno time here\n2026/11/24 10:05:07 [error] x\n2026/11/24 1", true, 0);
        QVERIFY(first);
        QCOMPARE(first->offset, qsizetype(22));
        QCOMPARE(first->time, t);
    }

    void readRangeQuotesThePathAndOnlyThePath()
    {
        auto text = RemoteCommand::readRange("/var/log/a'b; rm -rf /", ByteOffset(10), 5).render();
        QVERIFY(text.ok());
        QCOMPARE(*text, QByteArray("tail -c +11 -- '/var/log/a'\\''b; rm -rf /' | head -c 5"));
        auto sudo = RemoteCommand::readRange("rel/x", ByteOffset(0), 1).withSudo(SudoUse::Allowed).render();
        QVERIFY(sudo.ok());
        QCOMPARE(*sudo, QByteArray("sudo -n -- tail -c +1 -- './rel/x' | head -c 1"));
        QCOMPARE(*RemoteCommand::hostClock().withSudo(SudoUse::Allowed).render(), QByteArray("date '+%s %z'"));

        // A hostile file name reaches tail as one word, over a real shell.
        QTemporaryDir dir;
        const QString hostile = dir.filePath(QStringLiteral("$(touch pwned) `id`; x'y.log"));
        QVERIFY(writeFile(hostile, "0123456789abcdef"));
        LocalTransport local;
        auto out = local.run(RemoteCommand::readRange(QFile::encodeName(hostile), ByteOffset(4), 6),
                             std::chrono::seconds(10), CancelToken());
        QVERIFY(out.ok());
        QCOMPARE(out->out, QByteArray("456789"));
        QVERIFY(!QFile::exists(QStringLiteral("pwned")));
    }

    void rotationNames()
    {
        QVERIFY(isRotationOf("access.log", "access.log"));
        QVERIFY(isRotationOf("access.log.1", "access.log"));
        QVERIFY(isRotationOf("access.log.12.gz", "access.log"));
        QVERIFY(isRotationOf("access.log-20261124", "access.log"));
        QVERIFY(isRotationOf("access.log-20261124.gz", "access.log"));
        QVERIFY(!isRotationOf("access.log.bak", "access.log"));
        QVERIFY(!isRotationOf("access.logger", "access.log"));
        QVERIFY(!isRotationOf("access_json.log", "access.log"));
    }

    void rotatedFilesOverlappingTheWindow()
    {
        auto file = [](const char *name, qint64 mtimeHours) {
            LogFileOnHost f;
            f.path = name;
            f.stat.mtimeSeconds = (kDay0 + mtimeHours * 3'600'000LL) / 1000;
            return f;
        };
        // access.log.3.gz covers ..-48 h, .2.gz -48..-24 h, .1 -24..0 h, access.log 0..+10 h.
        const std::vector<LogFileOnHost> files{file("access.log.1", 0), file("access.log", 10),
                                               file("access.log.3.gz", -48), file("access.log.2.gz", -24)};
        auto names = [](const std::vector<LogFileOnHost> &v) {
            QByteArrayList out;
            for (const auto &f : v)
                out << f.path;
            return out.join(' ');
        };
        QCOMPARE(names(overlappingFiles(files, {kDay0 + 2 * 3'600'000LL, kDay0 + 4 * 3'600'000LL}, 0, 0)),
                 QByteArray("access.log"));
        QCOMPARE(names(overlappingFiles(files, {kDay0 - 30 * 3'600'000LL, kDay0 - 20 * 3'600'000LL}, 0, 0)),
                 QByteArray("access.log.1 access.log.2.gz"));
        QCOMPARE(names(overlappingFiles(files, {kNoTime, kNoTime}, 0, 0)),
                 QByteArray("access.log access.log.1 access.log.2.gz access.log.3.gz"));
        // The host is at +02:00: the mtimes (UTC) move two hours later on its wall clock.
        QCOMPARE(names(overlappingFiles(files, {kDay0 + 1 * 3'600'000LL, kNoTime}, 120, 0)),
                 QByteArray("access.log access.log.1"));
    }

    void runningMasters()
    {
        const auto m = parseRunningMasters("  812 nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\n"
                                           " 9969 nginx: master process /usr/sbin/nginx -p /srv/lab/ -c /srv/lab/nginx.conf\n");
        QCOMPARE(m.size(), std::size_t(2));
        QCOMPARE(m[0].binary, QStringLiteral("/usr/sbin/nginx"));
        QVERIFY(m[0].confPath.isEmpty());
        QCOMPARE(m[1].prefix, QStringLiteral("/srv/lab/"));
        QCOMPARE(m[1].confPath, QStringLiteral("/srv/lab/nginx.conf"));
    }

    void windowOfAPlainLogOverTheLocalTransport()
    {
        QTemporaryDir dir;
        const QByteArray log = accessLogOverADay(50'000);
        const QString path = dir.filePath(QStringLiteral("access.log"));
        QVERIFY(writeFile(path, log));
        LocalTransport local;
        WindowSearch s;
        s.path = QFile::encodeName(path);
        s.fileSize = quint64(log.size());
        s.since = kDay0 + 6 * 3'600'000LL;
        s.until = kDay0 + 7 * 3'600'000LL;
        s.slice = 8 * 1024;
        auto w = findByteWindow(local, s, CancelToken());
        QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error().message));
        const QByteArray part = log.mid(qsizetype(w->begin), qsizetype(w->end - w->begin));
        QVERIFY2(part.startsWith("10.0.0."), part.left(60).constData());
        QVERIFY2(part.left(200).contains("24/Nov/2026:06:00:0"), part.left(200).constData());
        const QByteArray lastLine = part.left(part.size() - 1).mid(part.left(part.size() - 1).lastIndexOf('\n') + 1);
        const QByteArray nextLine = log.mid(qsizetype(w->end), log.indexOf('\n', qsizetype(w->end)) - qsizetype(w->end));
        QVERIFY2(lineTime(lastLine, 0) <= s.until, lastLine.constData());
        QVERIFY2(lineTime(nextLine, 0) > s.until, nextLine.constData());
        QVERIFY(part.size() < log.size() / 20);

        PullRequest req{s.path, w->begin, w->end, false, SudoUse::No, dir.filePath(QStringLiteral("slice"))};
        auto pulled = pullRange(local, req, {}, CancelToken());
        QVERIFY(pulled.ok());
        QFile f(req.spoolPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), part);
    }

    void gzipTravelsCompressed()
    {
        QTemporaryDir dir;
        const QByteArray log = accessLogOverADay(20'000);
        const QString path = dir.filePath(QStringLiteral("access.log.2"));
        QVERIFY(writeFile(path, log));
        QCOMPARE(QProcess::execute(QStringLiteral("gzip"), {path}), 0);
        LocalTransport local;
        const quint64 gzSize = quint64(QFileInfo(path + QStringLiteral(".gz")).size());
        PullRequest req{QFile::encodeName(path + QStringLiteral(".gz")), 0, gzSize, true, SudoUse::No,
                        dir.filePath(QStringLiteral("spool"))};
        auto pulled = pullRange(local, req, {}, CancelToken());
        QVERIFY(pulled.ok());
        QCOMPARE(pulled->wireBytes, gzSize);
        QCOMPARE(pulled->spooledBytes, quint64(log.size()));
        QVERIFY(pulled->message.isEmpty());
        // Cut short: what decompressed is kept, and the message says the file is damaged.
        PullRequest cut = req;
        cut.end = gzSize / 2;
        auto broken = pullRange(local, cut, {}, CancelToken());
        QVERIFY(broken.ok());
        QVERIFY(broken->spooledBytes > 0);
        QVERIFY2(broken->message.contains(QLatin1StringView("damaged gzip")), qPrintable(broken->message));
    }

    void accessLogsParsedWhilePulling()
    {
        // A windowed plain log and a rotated .gz one, parsed as they arrive: the investigation takes those
        // results, and they equal what parsing the collected files gives.
        QTemporaryDir dir;
        const QByteArray log = accessLogOverADay(50'000) + "not an access log line\n";
        const QString plain = dir.filePath(QStringLiteral("access.log"));
        const QString rotated = dir.filePath(QStringLiteral("access.log.1"));
        QVERIFY(writeFile(plain, log));
        QVERIFY(writeFile(rotated, log));
        QCOMPARE(QProcess::execute(QStringLiteral("gzip"), {rotated}), 0);
        LocalTransport local;
        CollectOptions options;
        options.parseWhilePulling = true;
        options.parseThreads = 2;
        options.probeSlice = 8 * 1024;
        options.slack = std::chrono::minutes(0);
        Collection c;
        c.directory = dir.filePath(QStringLiteral("out"));
        c.window = {kDay0 + 6 * 3'600'000LL, kDay0 + 7 * 3'600'000LL};
        LogCollectContext ctx{local, options, c, SudoUse::No, {QStringLiteral("deploy"), {}}};
        const LogTarget target{QFile::encodeName(plain), CollectedFile::Role::AccessLog, QStringLiteral("combined")};
        QVERIFY(collectLogFile(ctx, target, LogFileOnHost{target.path, {}, false}, 1).ok());
        const QByteArray gz = QFile::encodeName(rotated + QStringLiteral(".gz"));
        QVERIFY(collectLogFile(ctx, target, LogFileOnHost{gz, {}, true}, 2).ok());
        QCOMPARE(c.files.size(), std::size_t(2));
        QVERIFY(c.files[0].windowed);
        QVERIFY(c.files[0].preparsed && c.files[1].preparsed);

        Collection parsedAfter = c;
        for (CollectedFile &f : parsedAfter.files)
            f.preparsed.reset();
        auto want = investigationFrom({parsedAfter}, {}, 1);
        auto got = investigationFrom({c}, {}, 1);
        QVERIFY(want.ok() && got.ok());
        QCOMPARE(got->accessLogs.size(), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i) {
            const AccessLogResult &g = got->accessLogs[i], &w = want->accessLogs[i];
            QCOMPARE(g.text->path(), w.text->path());
            QCOMPARE(g.source.value, w.source.value);
            QCOMPARE(g.lineCount, w.lineCount);
            QCOMPARE(g.outsideWindow, w.outsideWindow);
            QCOMPARE(g.malformed.total(), w.malformed.total());
            // The .gz travels whole, with the bad last line; the windowed slice stops before it.
            QCOMPARE(g.malformed.total(), i == 1 ? quint64(1) : quint64(0));
            if (i == 1)
                QCOMPARE(g.malformed.reasons().front().examples.front().toString(),
                         w.malformed.reasons().front().examples.front().toString());
            QCOMPARE(g.events.size(), w.events.size());
            QVERIFY(!g.events.empty());
            for (std::size_t e = 0; e < w.events.size(); ++e) {
                QCOMPARE(quint64(g.events[e].offset), quint64(w.events[e].offset));
                QCOMPARE(quint64(g.events[e].source), quint64(w.events[e].source));
                QCOMPARE(g.events[e].time, w.events[e].time);
                QCOMPARE(g.lines.lineAt(g.text->bytes(), ByteOffset(g.events[e].offset)).value,
                         w.lines.lineAt(w.text->bytes(), ByteOffset(w.events[e].offset)).value);
            }
        }
        // Handed over, not copied: nothing is left to take.
        const auto text = got->accessLogs[0].text;
        QVERIFY(!c.files[0].preparsed->take(text, SourceId(1), QStringLiteral("combined"), c.window.since, c.window.until));
        // A window other than the one parsed: the investigation parses the file itself.
        QVERIFY(collectLogFile(ctx, target, LogFileOnHost{target.path, {}, false}, 3).ok());
        auto other = investigationFrom({c}, {kDay0 + 6 * 3'600'000LL + 60'000, kNoTime}, 1);
        QVERIFY(other.ok());
        QCOMPARE(other->accessLogs.size(), std::size_t(3));
        QVERIFY(other->accessLogs[2].events.size() < want->accessLogs[0].events.size());
        QVERIFY(!other->accessLogs[2].events.empty());
    }

    void unreadableLogAdvice()
    {
        RemoteFileStat st;
        st.owner = QStringLiteral("www-data");
        st.group = QStringLiteral("adm");
        st.mode = 0640;
        const QString text = unreadableAdvice(QStringLiteral("/var/log/nginx/access.log"),
                                              {QStringLiteral("deploy"), {QStringLiteral("deploy")}}, st, false);
        qInfo("%s", qPrintable(text));
        QVERIFY(text.contains(QLatin1StringView("/var/log/nginx/access.log")));
        QVERIFY(text.contains(QLatin1StringView("www-data:adm with mode 0640")));
        QVERIFY(text.contains(QLatin1StringView("usermod -aG adm deploy")));
        QVERIFY(text.contains(QLatin1StringView("--sudo")));
        QVERIFY(!unreadableAdvice(QStringLiteral("/x"), {}, st, true).contains(QLatin1StringView("--sudo")));
        const QString refused = unreadableAdvice(QStringLiteral("/x"), {}, st, false, true);
        QVERIFY2(refused.contains(QLatin1StringView("sudo -n without a password")), qPrintable(refused));
        QVERIFY2(!refused.contains(QLatin1StringView("pass --sudo")), qPrintable(refused));
        QVERIFY(unreadableAdvice(QStringLiteral("/x"), {}, std::nullopt, false).contains(QLatin1StringView("does not exist")));
    }

    // "--since 30m" stays a duration until the clock of the logs' host is known; an absolute time is kept.
    void relativeWindowBoundsWaitForTheHostClock()
    {
        const auto ago = readWindowBound(QStringLiteral("30m"));
        QVERIFY(ago && ago->isRelative());
        QCOMPARE(ago->agoMs, 30 * 60'000LL);
        const auto at = readWindowBound(QStringLiteral("2026-11-24 10:00"));
        QVERIFY(at && !at->isRelative());
        QVERIFY(!readWindowBound(QStringLiteral("yesterday")));

        const CollectWindow w = CollectWindow::from(ago.value(), at.value());
        QVERIFY(w.isRelative());
        QCOMPARE(w.since, kNoTime);
        QCOMPARE(w.until, at->at);
        // A host whose wall clock reads 12:00 gives 11:30, whatever this machine's clock says.
        const TimeMs hostNoon = at->at + 2 * 3'600'000LL;
        const CollectWindow resolved = w.resolvedAt(hostNoon);
        QVERIFY(!resolved.isRelative());
        QCOMPARE(resolved.since, hostNoon - 30 * 60'000LL);
        QCOMPARE(resolved.until, at->at);
        QCOMPARE(parseWindowBound(QStringLiteral("2h"), hostNoon).value(), hostNoon - 2 * 3'600'000LL);
    }

    void anUnreadableLogIsADiagnosticAndTheRestGoesOn()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("error.log"));
        QVERIFY(writeFile(good, "2026/11/24 10:00:00 [error] 1#1: *1 x\n"));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("gone")), dir.filePath(QStringLiteral("access.log"))));
        LocalTransport local;
        CollectOptions options;
        Collection c;
        c.directory = dir.filePath(QStringLiteral("out"));
        LogCollectContext ctx{local, options, c, SudoUse::No, {QStringLiteral("deploy"), {}}};
        const LogTarget access{QFile::encodeName(dir.filePath(QStringLiteral("access.log"))),
                               CollectedFile::Role::AccessLog, QStringLiteral("combined")};
        const LogTarget errors{QFile::encodeName(good), CollectedFile::Role::ErrorLog, {}};
        QVERIFY(collectLogFile(ctx, access, LogFileOnHost{access.path, {}, false}, 1).ok());
        QVERIFY(collectLogFile(ctx, errors, LogFileOnHost{errors.path, {}, false}, 2).ok());
        QCOMPARE(c.files.size(), std::size_t(1));
        QCOMPARE(c.files.front().localName, QStringLiteral("logs/2/error.log"));
        QCOMPARE(c.diagnostics.size(), std::size_t(1));
        qInfo("%s", qPrintable(c.diagnostics.front().message));
        QVERIFY(c.diagnostics.front().message.contains(QLatin1StringView("cannot read")));
        QVERIFY(c.diagnostics.front().message.contains(QLatin1StringView("the other logs were collected")));
    }

    void bundleRoundTripAndTampering()
    {
        QTemporaryDir dir;
        Collection c;
        c.target = QStringLiteral("ssh deploy@web1:22");
        c.hostLabel = QStringLiteral("web1");
        c.directory = dir.filePath(QStringLiteral("web1"));
        c.window = {kDay0, kNoTime};
        QVERIFY(QDir().mkpath(c.directory + QStringLiteral("/logs/1")));
        const QByteArray dump = test::readData(QStringLiteral("lab/nginx-T.txt"));
        const QByteArray errors = test::readData(QStringLiteral("lab/error.log"));
        QVERIFY(writeFile(c.directory + QStringLiteral("/nginx-T.txt"), dump));
        QVERIFY(writeFile(c.directory + QStringLiteral("/logs/1/error.log"), errors));
        for (auto [role, original, local, bytes] :
             {std::tuple{CollectedFile::Role::ConfigDump, QStringLiteral("nginx -T"), QStringLiteral("nginx-T.txt"), dump},
              std::tuple{CollectedFile::Role::ErrorLog, QStringLiteral("/var/log/nginx/error.log"),
                         QStringLiteral("logs/1/error.log"), errors}}) {
            CollectedFile f;
            f.role = role;
            f.originalPath = original;
            f.localName = local;
            auto h = hashFile(QDir(c.directory).filePath(local));
            QVERIFY(h.ok());
            f.sha256 = h->first;
            f.bytes = h->second;
            c.files.push_back(f);
        }
        QVERIFY(Bundle::writeManifest(dir.path(), {c}).ok());
        auto loaded = Bundle::load(dir.path());
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->size(), std::size_t(1));
        QCOMPARE(loaded->front().files.size(), std::size_t(2));
        QVERIFY(loaded->front().diagnostics.empty());
        QCOMPARE(loaded->front().window.since, kDay0);
        auto inv = investigationFrom(*loaded, {}, 1);
        QVERIFY(inv.ok());
        QCOMPARE(inv->errorLogs.size(), std::size_t(1));

        QFile f(c.directory + QStringLiteral("/logs/1/error.log"));
        QVERIFY(f.open(QIODevice::Append));
        f.write("x");
        f.close();
        auto tampered = Bundle::load(dir.path());
        QVERIFY(tampered.ok());
        QCOMPARE(tampered->front().files.size(), std::size_t(1));
        QCOMPARE(tampered->front().diagnostics.size(), std::size_t(1));
        QVERIFY(tampered->front().diagnostics.front().message.contains(QLatin1StringView("does not match its checksum")));

        QVERIFY(!Bundle::load(dir.filePath(QStringLiteral("nowhere"))).ok());
    }

    void bundleNamesCannotEscape()
    {
        QTemporaryDir dir;
        const QByteArray manifest = R"({"schema":"gwb.bundle/1","targets":[{"directory":"h","files":[
            {"role":"error-log","localName":"../../../etc/passwd","bytes":1,"sha256":"00"}]}]})";
        QVERIFY(writeFile(dir.filePath(QStringLiteral("manifest.json")), manifest));
        auto loaded = Bundle::load(dir.path());
        QVERIFY(loaded.ok());
        QVERIFY(loaded->front().files.empty());
        QVERIFY(loaded->front().diagnostics.front().message.contains(QLatin1StringView("outside")));
    }

    void hostLabels()
    {
        QCOMPARE(hostLabelFor(QStringLiteral("ssh deploy@web1:2222")), QStringLiteral("web1_2222"));
        QCOMPARE(hostLabelFor(QStringLiteral("local")), QStringLiteral("local"));
        QCOMPARE(hostLabelFor(QStringLiteral("ssh ../x")), QStringLiteral(".._x"));
    }
};

QTEST_GUILESS_MAIN(TestCollect)
#include "tst_collect.moc"
