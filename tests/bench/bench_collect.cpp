// gwb_bench_collect: pull + parse a big access log over loopback SSH, next to `ssh host cat FILE > /dev/null`
// in the same run — first pulled then parsed, then parsed while it is pulled (AccessStreamParser, as
// `gwb diagnose --ssh` does) — and the share of the file a one-hour window pulls out of a day.
//
//   gwb_bench_collect GWB_GEN_ACCESSLOG [SIZE_MIB]   (default 1024; the log and the spool go to /tmp and are
//                                                    deleted at the end; a throwaway sshd on 127.0.0.1 is
//                                                    started and stopped)

#include "benchformat.h"
#include "collect/linetime.h"
#include "collect/logpuller.h"
#include "collect/windowfinder.h"
#include "io/textsource.h"
#include "nginx/accesslogparser.h"
#include "nginx/accessstreamparser.h"
#include "transport/sshtransport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>

using namespace gwb;

namespace {

struct Sshd
{
    QString dir, user;
    quint16 port = 0;
    ~Sshd()
    {
        if (!dir.isEmpty())
            QProcess::execute(QStringLiteral("bash"), {QStringLiteral(GWB_SOURCE_DIR "/tests/integration/sshd/stop-sshd.sh"), dir});
    }
    bool start()
    {
        QProcess p;
        p.start(QStringLiteral("bash"), {QStringLiteral(GWB_SOURCE_DIR "/tests/integration/sshd/start-sshd.sh")});
        p.waitForFinished(60000);
        for (const QByteArray &l : p.readAllStandardOutput().split('\n')) {
            const QString v = QString::fromLocal8Bit(l.mid(l.indexOf('=') + 1));
            if (l.startsWith("GWB_SSHD_PORT="))
                port = v.toUShort();
            else if (l.startsWith("GWB_SSHD_DIR="))
                dir = v;
            else if (l.startsWith("GWB_SSHD_USER="))
                user = v;
        }
        return port != 0;
    }
    QString file(const char *name) const { return dir + QLatin1Char('/') + QLatin1StringView(name); }
    SshOptions options() const
    {
        SshOptions o;
        o.host = QStringLiteral("127.0.0.1");
        o.port = port;
        o.user = user;
        o.identityFiles = {file("client_ed25519")};
        o.knownHostsPath = file("known_hosts");
        o.sshConfigPath = file("ssh_config");
        o.useAgent = false;
        o.allowPassword = false;
        return o;
    }
};

double seconds(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: gwb_bench_collect GWB_GEN_ACCESSLOG [SIZE_MIB]\n");
        return 2;
    }
    const QString sizeMib = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("1024");
    QTemporaryDir tmp(QStringLiteral("/tmp/gwb-bench-collect-XXXXXX"));
    const QString log = tmp.filePath(QStringLiteral("access.log"));
    const QString spool = tmp.filePath(QStringLiteral("spool.log"));
    if (QProcess::execute(QString::fromLocal8Bit(argv[1]), {log, sizeMib}) != 0) {
        std::fprintf(stderr, "the generator failed\n");
        return 1;
    }
    const quint64 size = quint64(QFile(log).size());
    Sshd sshd;
    if (!sshd.start()) {
        std::fprintf(stderr, "could not start sshd\n");
        return 1;
    }
    QFile::remove(spool);
    std::printf("log: %.0f MiB\n", double(size) / 1048576.0);

    auto format = LogFormat::compile(QStringLiteral("bench"), QString::fromLatin1(bench::kGeneratedFormat));
    if (!format) {
        std::fprintf(stderr, "%s\n", qPrintable(format.error().message));
        return 1;
    }
    // Parse workers beside the pull (0 = one per core); GWB_BENCH_STREAM_THREADS overrides.
    const int streamThreads = qEnvironmentVariableIntValue("GWB_BENCH_STREAM_THREADS");
    std::vector<double> catTimes, pullTimes, parseTimes, streamTimes;
    for (int run = 0; run < 3; ++run) {
        QProcess cat;
        cat.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer t;
        t.start();
        cat.start(QStringLiteral("ssh"),
                  {QStringLiteral("-F"), sshd.file("ssh_config"), QStringLiteral("-o"), QStringLiteral("BatchMode=yes"),
                   QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + sshd.file("known_hosts"), QStringLiteral("-p"),
                   QString::number(sshd.port), QStringLiteral("-i"), sshd.file("client_ed25519"),
                   sshd.user + QStringLiteral("@127.0.0.1"), QStringLiteral("cat"), log});
        cat.waitForFinished(-1);
        catTimes.push_back(seconds(t));

        SshTransport ssh(sshd.options(), HostKeyPolicy::refuseUnknown());
        t.restart();
        PullRequest req{QFile::encodeName(log), 0, size, false, SudoUse::No, spool};
        auto pulled = pullRange(ssh, req, {}, CancelToken());
        pullTimes.push_back(seconds(t));
        if (!pulled || pulled->wireBytes != size) {
            std::fprintf(stderr, "pull failed\n");
            return 1;
        }
        t.restart();
        auto src = TextSource::open(spool);
        const AccessLogResult r = AccessLogParser::parse(*src, SourceId(1), *format, {});
        parseTimes.push_back(seconds(t));
        QFile::remove(spool);

        // The same pull with the parse riding on it: the time runs until the result is complete.
        t.restart();
        LogParseOptions streamOptions;
        streamOptions.threads = streamThreads;
        AccessStreamParser stream(*format, SourceId(1), spool, streamOptions, size);
        auto streamed = pullRange(ssh, req, {}, CancelToken(), [&](QByteArrayView bytes, quint64) { stream.feed(bytes); });
        auto spooled = TextSource::open(spool);
        if (!streamed || streamed->wireBytes != size || !spooled) {
            std::fprintf(stderr, "pull with streaming parse failed\n");
            return 1;
        }
        const AccessLogResult sr = stream.finish(*spooled);
        streamTimes.push_back(seconds(t));
        if (sr.lineCount != r.lineCount || sr.events.size() != r.events.size() || sr.malformed.total() != r.malformed.total()) {
            std::fprintf(stderr, "the streaming parse differs from the whole-file parse\n");
            return 1;
        }
        std::printf("run %d: ssh cat %.2f s, gwb pull %.2f s, parse %.2f s, pull with streaming parse %.2f s "
                    "(%llu lines)\n",
                    run + 1, catTimes.back(), pullTimes.back(), parseTimes.back(), streamTimes.back(),
                    static_cast<unsigned long long>(r.lineCount));
        QFile::remove(spool);
    }
    const double cat = median(catTimes), pull = median(pullTimes), parse = median(parseTimes),
                 stream = median(streamTimes);
    std::printf("median: ssh cat %.2f s (%.0f MB/s) | gwb pull %.2f s = %.2fx | pull then parse %.2f s = %.2fx | "
                "pull with streaming parse %.2f s = %.2fx\n",
                cat, double(size) / cat / 1e6, pull, pull / cat, pull + parse, (pull + parse) / cat, stream, stream / cat);

    // One hour out of the day the generator wrote.
    QFile f(log);
    f.open(QIODevice::ReadOnly);
    const QByteArray head = f.read(4096);
    f.seek(qint64(size) - 4096);
    const QByteArray tail = f.read(4096);
    const auto first = firstTimedLine(head, false, 0);
    const auto last = firstTimedLine(tail, true, 0);
    if (!first || !last) {
        std::fprintf(stderr, "no times in the generated log\n");
        return 1;
    }
    SshTransport ssh(sshd.options(), HostKeyPolicy::refuseUnknown());
    WindowSearch s;
    s.path = QFile::encodeName(log);
    s.fileSize = size;
    s.since = first->time + (last->time - first->time) / 2 - 5 * 60'000; // widened by the collector's 5 min slack
    s.until = s.since + 3'600'000 + 10 * 60'000;
    QElapsedTimer t;
    t.start();
    auto w = findByteWindow(ssh, s, CancelToken());
    const double findTime = seconds(t);
    if (!w) {
        std::fprintf(stderr, "%s\n", qPrintable(w.error().message));
        return 1;
    }
    PullRequest req{s.path, w->begin, w->end, false, SudoUse::No, spool};
    auto pulled = pullRange(ssh, req, {}, CancelToken());
    std::printf("1 h window (+5 min slack each side) of %.1f h: %d probes in %.2f s, %llu bytes pulled in %.2f s = %.2f %% of the file\n",
                double(last->time - first->time) / 3.6e6, w->probes, findTime,
                static_cast<unsigned long long>(pulled ? pulled->wireBytes : 0), seconds(t) - findTime,
                pulled ? 100.0 * double(pulled->wireBytes) / double(size) : 0.0);
    return 0;
}
