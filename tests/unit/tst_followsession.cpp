// FollowSession over the local transport: new lines of a collected log are appended to its local copy and
// classified (error entry joined to its access line), and logrotate's rename and copytruncate lose no line
// and repeat none, in the copy and in the failures reported.

#include "collect/followplan.h"
#include "collect/followsession.h"
#include "transport/localtransport.h"
#include "testutil.h"

#include <QTemporaryDir>
#include <thread>

using namespace gwb;

namespace {

const char *const kFormat = R"('$remote_addr - $remote_user [$time_local] "$request" '
                            '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
                            '$request_time $upstream_addr $upstream_status '
                            '$upstream_connect_time $upstream_header_time '
                            '$upstream_response_time $host')";

QByteArray accessLine(int n, const char *path, int status, const char *peer, const char *upstreamStatus)
{
    return QStringLiteral("127.0.0.1 - - [24/Nov/2026:12:28:%1 +0000] \"GET %2 HTTP/1.1\" %3 157 \"-\" \"t/1.0\" "
                          "0.001 %4 %5 - - 0.000 lab.local\n")
        .arg(n % 60, 2, 10, QLatin1Char('0'))
        .arg(QLatin1StringView(path))
        .arg(status)
        .arg(QLatin1StringView(peer), QLatin1StringView(upstreamStatus))
        .toUtf8();
}

QByteArray combinedLine(int n, const char *path, int status)
{
    return QStringLiteral("127.0.0.1 - - [24/Nov/2026:12:29:%1 +0000] \"GET %2 HTTP/1.1\" %3 157 \"-\" \"t/1.0\"\n")
        .arg(n % 60, 2, 10, QLatin1Char('0'))
        .arg(QLatin1StringView(path))
        .arg(status)
        .toUtf8();
}

QByteArray refusedEntry(int n, const char *path)
{
    return QStringLiteral("2026/11/24 12:28:%1 [error] 11#11: *%2 connect() failed (111: Connection refused) while "
                          "connecting to upstream, client: 127.0.0.1, server: lab.local, request: \"GET %3 "
                          "HTTP/1.1\", upstream: \"http://127.0.0.1:18082%3\", host: \"lab.local\"\n")
        .arg(n % 60, 2, 10, QLatin1Char('0'))
        .arg(n)
        .arg(QLatin1StringView(path))
        .toUtf8();
}

} // namespace

class TestFollowSession final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_hostAccess, m_hostError, m_copyAccess, m_copyError;
    std::vector<FollowFailure> m_failures;
    std::vector<FollowNote> m_notes;

    static void append(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
    }
    FollowSink sink()
    {
        FollowSink s;
        s.failure = [this](const FollowFailure &f) { m_failures.push_back(f); };
        s.note = [this](const FollowNote &n) { m_notes.push_back(n); };
        return s;
    }
    // The collected state: the host's logs, and local copies that end where the host's files end.
    FollowTarget target()
    {
        FollowTarget t;
        t.hostLabel = QStringLiteral("web1");
        t.connect = [] { return std::make_unique<LocalTransport>(); };
        FollowFile access;
        access.path = QFile::encodeName(m_hostAccess);
        access.role = CollectedFile::Role::AccessLog;
        access.localCopy = m_copyAccess;
        access.format = LogFormat::compile(QStringLiteral("upstreaminfo"),
                                           QString::fromLatin1(kFormat).remove(QLatin1Char('\'')).simplified())
                            .value();
        access.resumeAt = quint64(QFileInfo(m_hostAccess).size());
        FollowFile error;
        error.path = QFile::encodeName(m_hostError);
        error.role = CollectedFile::Role::ErrorLog;
        error.localCopy = m_copyError;
        error.resumeAt = quint64(QFileInfo(m_hostError).size());
        t.files = {access, error}; // the session polls error logs first whatever the order
        return t;
    }
    static FollowOptions options(std::chrono::milliseconds joinWindow = std::chrono::seconds(30))
    {
        FollowOptions o;
        o.interval = std::chrono::milliseconds(50);
        o.joinWindow = joinWindow;
        return o;
    }

private slots:
    void init()
    {
        m_failures.clear();
        m_notes.clear();
        const QString host = m_dir.filePath(QStringLiteral("host"));
        const QString copy = m_dir.filePath(QStringLiteral("copy"));
        QDir(host).removeRecursively();
        QDir(copy).removeRecursively();
        QVERIFY(QDir().mkpath(host) && QDir().mkpath(copy));
        m_hostAccess = host + QStringLiteral("/access.log");
        m_hostError = host + QStringLiteral("/error.log");
        m_copyAccess = copy + QStringLiteral("/access.log");
        m_copyError = copy + QStringLiteral("/error.log");
        const QByteArray old = accessLine(1, "/ok", 200, "127.0.0.1:18081", "200");
        append(m_hostAccess, old + old);
        append(m_copyAccess, old + old);
        append(m_hostError, refusedEntry(1, "/refused"));
        append(m_copyError, refusedEntry(1, "/refused"));
    }

    void newLinesAreClassifiedAndJoined()
    {
        FollowSession session(target(), options());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(m_failures.empty()); // the old lines are in the copies already

        const QByteArray err = refusedEntry(2, "/refused");
        const QByteArray acc = accessLine(2, "/refused", 502, "127.0.0.1:18082", "502") +
                               accessLine(3, "/ok", 200, "127.0.0.1:18081", "200");
        append(m_hostError, err);
        append(m_hostAccess, acc);
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(m_failures.empty()); // held one round for copies in other logs and late error entries
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());

        QCOMPARE(m_failures.size(), std::size_t(1)); // one request: the entry and the line joined, the 200 not
        const FollowFailure &f = m_failures.front();
        QCOMPARE(f.cause, Cause::BackendRefused);
        QCOMPARE(f.status, 502);
        QCOMPARE(f.peer, QByteArray("127.0.0.1:18082"));
        QCOMPARE(f.request, QByteArray("GET /refused HTTP/1.1"));
        QCOMPARE(f.host, QStringLiteral("web1"));
        QCOMPARE(f.where.file, m_copyAccess);
        QCOMPARE(f.where.line.value, 3u); // two lines were collected before it
        QCOMPARE(f.where.hostFile, m_hostAccess);
        QCOMPARE(f.error.file, m_copyError);
        QCOMPARE(f.error.line.value, 2u);
        QVERIFY(f.message.contains("Connection refused"));
        QVERIFY(followFailureText(f).contains(QStringLiteral("backend-refused")));

        // The copies grew by exactly what the host's files did.
        QCOMPARE(read(m_copyAccess), read(m_hostAccess));
        QCOMPARE(read(m_copyError), read(m_hostError));
        QCOMPARE(session.stats().newLines, quint64(3));
        QCOMPARE(session.stats().perCause.at(Cause::BackendRefused), quint64(1));
        QCOMPARE(session.stats().unreadableLines, quint64(0));

        // A line that fits no log_format is counted, not lost without a word.
        append(m_hostAccess, QByteArray("this is not an access log line\n"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QCOMPARE(session.stats().unreadableLines, quint64(1));
        QCOMPARE(session.stats().newLines, quint64(4));
        QCOMPARE(read(m_copyAccess), read(m_hostAccess)); // kept in the copy like every other line
    }

    void linesWrittenBeforeTheFollowStartedAreNotLost()
    {
        // Between the collection and the follow nginx went on writing: resumeAt picks those lines up.
        FollowTarget t = target();
        append(m_hostAccess, accessLine(4, "/gap", 504, "127.0.0.1:18083", "504"));
        FollowSession session(std::move(t), options());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(m_failures.empty()); // held one round for its error entry
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QCOMPARE(m_failures.size(), std::size_t(1));
        QCOMPARE(m_failures.front().status, 504);
        QCOMPARE(m_failures.front().request, QByteArray("GET /gap HTTP/1.1"));
        QCOMPARE(read(m_copyAccess), read(m_hostAccess));
    }

    void anErrorEntryReadAfterItsAccessLineIsStillJoined()
    {
        // The poll read the error log just before nginx wrote the entry, and the access log just after.
        FollowSession session(target(), options());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostAccess, accessLine(6, "/race", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostError, refusedEntry(6, "/race"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QCOMPARE(m_failures.size(), std::size_t(1));
        QCOMPARE(m_failures.front().cause, Cause::BackendRefused);
        QCOMPARE(m_failures.front().status, 502);
        QCOMPARE(m_failures.front().error.file, m_copyError);
        session.finish(sink());
        QCOMPARE(m_failures.size(), std::size_t(1)); // the entry was claimed: not reported again
    }

    void anUnclaimedErrorEntryIsReportedAlone()
    {
        FollowSession session(target(), options(std::chrono::milliseconds(0)));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostError, refusedEntry(5, "/lonely"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(m_failures.empty()); // it waits at least a few poll intervals for its access line
        QTest::qWait(200);
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QCOMPARE(m_failures.size(), std::size_t(1));
        QCOMPARE(m_failures.front().status, 0);
        QCOMPARE(m_failures.front().cause, Cause::BackendRefused);
        QCOMPARE(m_failures.front().where.file, m_copyError);
        QCOMPARE(m_failures.front().where.line.value, 2u);
    }

    void renameRotationLosesNothingAndRepeatsNothing()
    {
        FollowSession session(target(), options(std::chrono::milliseconds(0)));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostAccess, accessLine(10, "/a", 502, "127.0.0.1:18082", "502"));
        QVERIFY(QFile::rename(m_hostAccess, m_hostAccess + QStringLiteral(".1")));
        // nginx keeps writing to the old inode until it reopens its logs (USR1).
        append(m_hostAccess + QStringLiteral(".1"), accessLine(11, "/b", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostAccess, accessLine(12, "/c", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostAccess, accessLine(13, "/d", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok()); // the last request was held one round

        QByteArrayList paths;
        for (const FollowFailure &f : m_failures)
            paths << f.request;
        QCOMPARE(paths.join(','), QByteArray("GET /a HTTP/1.1,GET /b HTTP/1.1,GET /c HTTP/1.1,GET /d HTTP/1.1"));
        QCOMPARE(read(m_copyAccess), read(m_hostAccess + QStringLiteral(".1")) + read(m_hostAccess));
        QCOMPARE(m_failures.back().where.line.value, 6u);
        QCOMPARE(session.stats().rotations, 1);
        QVERIFY(std::any_of(m_notes.begin(), m_notes.end(),
                            [](const FollowNote &n) { return n.kind == FollowNote::Kind::Rotated; }));
    }

    void copyTruncateLosesNothingAndRepeatsNothing()
    {
        FollowSession session(target(), options(std::chrono::milliseconds(0)));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostAccess, accessLine(20, "/a", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        const QByteArray before = read(m_hostAccess);
        append(m_hostAccess, accessLine(21, "/b", 502, "127.0.0.1:18082", "502")); // written, not yet read
        QVERIFY(QFile::copy(m_hostAccess, m_hostAccess + QStringLiteral(".1")));
        QFile truncate(m_hostAccess);
        QVERIFY(truncate.resize(0));
        append(m_hostAccess, accessLine(22, "/c", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        append(m_hostAccess, accessLine(23, "/d", 502, "127.0.0.1:18082", "502"));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());

        QByteArrayList paths;
        for (const FollowFailure &f : m_failures)
            paths << f.request;
        QCOMPARE(paths.join(','), QByteArray("GET /a HTTP/1.1,GET /b HTTP/1.1,GET /c HTTP/1.1,GET /d HTTP/1.1"));
        QCOMPARE(read(m_copyAccess), read(m_hostAccess + QStringLiteral(".1")) + read(m_hostAccess));
        QVERIFY(read(m_copyAccess).startsWith(before));
        QVERIFY(std::any_of(m_notes.begin(), m_notes.end(),
                            [](const FollowNote &n) { return n.kind == FollowNote::Kind::Truncated; }));
    }

    void inPlaceFilesAreReadNotWritten()
    {
        std::vector<Diagnostic> notes;
        auto files = followFilesInPlace({m_hostAccess}, {m_hostError}, nullptr, QString(), notes);
        QCOMPARE(files.size(), std::size_t(2));
        QCOMPARE(files.front().role, CollectedFile::Role::ErrorLog);
        FollowTarget t;
        t.hostLabel = QStringLiteral("local");
        t.connect = [] { return std::make_unique<LocalTransport>(); };
        t.files = files;
        FollowSession session(std::move(t), options());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        const QByteArray hostBefore = read(m_hostAccess) + combinedLine(30, "/x", 502);
        append(m_hostAccess, combinedLine(30, "/x", 502));
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QCOMPARE(read(m_hostAccess), hostBefore); // nothing appended twice
        QCOMPARE(m_failures.size(), std::size_t(1));
        QCOMPARE(m_failures.front().where.file, m_hostAccess);
        QCOMPARE(m_failures.front().where.line.value, 3u);
        QCOMPARE(m_failures.front().status, 502); // combined: status known, cause from the status alone
    }

    void aRequestInSeveralAccessLogsIsReportedOnce()
    {
        // nginx writes each request into every access_log that applies; two of them must not double the count.
        const QString second = m_dir.filePath(QStringLiteral("host/access_combined.log"));
        QFile::remove(second);
        append(second, QByteArray());
        std::vector<Diagnostic> notes;
        FollowTarget t;
        t.hostLabel = QStringLiteral("local");
        t.connect = [] { return std::make_unique<LocalTransport>(); };
        t.files = followFilesInPlace({second, second + QStringLiteral(".b")}, {}, nullptr, QString(), notes);
        append(second + QStringLiteral(".b"), QByteArray());
        FollowSession session(std::move(t), options());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        for (const QString &path : QStringList{second, second + QStringLiteral(".b")})
            append(path, combinedLine(1, "/twice", 502) + combinedLine(2, "/twice", 502));
        append(second, combinedLine(3, "/twice", 502)); // a third request only this log has seen so far
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QVERIFY(session.pollOnce(sink(), CancelToken()).ok());
        QCOMPARE(m_failures.size(), std::size_t(3));
        QCOMPARE(session.stats().newLines, quint64(5));
    }

    void followFilesOfACollectionResumeWhereTheCopyEnds()
    {
        const QString dir = m_dir.filePath(QStringLiteral("collection"));
        QVERIFY(QDir().mkpath(dir + QStringLiteral("/logs/1")));
        const QByteArray dump = "# configuration file /etc/nginx/nginx.conf:\n"
                                "error_log /var/log/nginx/error.log;\nevents {}\nhttp {\n  log_format up '$remote_addr $status $upstream_addr';\n"
                                "  access_log /var/log/nginx/access.log up;\n"
                                "  access_log /var/log/nginx/other.log;\n}\n";
        QFile d(dir + QStringLiteral("/nginx-T.txt"));
        QVERIFY(d.open(QIODevice::WriteOnly));
        d.write(dump);
        d.close();
        Collection c;
        c.hostLabel = QStringLiteral("web1");
        c.directory = dir;
        CollectedFile cfg;
        cfg.role = CollectedFile::Role::ConfigDump;
        cfg.localName = QStringLiteral("nginx-T.txt");
        CollectedFile acc;
        acc.role = CollectedFile::Role::AccessLog;
        acc.originalPath = QStringLiteral("/var/log/nginx/access.log");
        acc.localName = QStringLiteral("logs/1/access.log");
        acc.remoteSize = 12345;
        c.files = {cfg, acc};
        std::vector<Diagnostic> notes;
        const auto files = followFilesOf(c, notes);
        QVERIFY(files.size() >= 3);
        const auto access = std::find_if(files.begin(), files.end(), [](const FollowFile &f) {
            return f.path == "/var/log/nginx/access.log";
        });
        QVERIFY(access != files.end());
        QCOMPARE(access->localCopy, QDir(dir).filePath(acc.localName));
        QCOMPARE(access->resumeAt.value_or(0), quint64(12345));
        QCOMPARE(access->format.name(), QStringLiteral("up"));
        // error.log and other.log were not collected: said, and still followed.
        QCOMPARE(notes.size(), files.size() - 1);
    }

    void runStopsOnCancelAndReportsWhatWaits()
    {
        FollowSession session(target(), options());
        CancelToken cancel;
        std::thread writer([this, cancel] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            append(m_hostError, refusedEntry(40, "/late"));
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancel.cancel();
        });
        auto end = session.run(sink(), cancel);
        writer.join();
        QVERIFY(end.ok());
        // The entry waited for an access line that never came; stopping reports it rather than dropping it.
        QCOMPARE(m_failures.size(), std::size_t(1));
        QCOMPARE(m_failures.front().request, QByteArray("GET /late HTTP/1.1"));
    }
};

QTEST_GUILESS_MAIN(TestFollowSession)
#include "tst_followsession.moc"
