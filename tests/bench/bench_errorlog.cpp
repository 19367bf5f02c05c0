// Throughput and memory of ErrorLogParser on a big error log (make one with gen_errorlog).
//
//   gwb_gen_errorlog /tmp/error-200m.log 200 && gwb_bench_errorlog /tmp/error-200m.log [--threads N]
//   [--repeat R]
//
// Prints the resident anonymous memory the result holds per kept event (the mapped file itself is page cache
// and not counted), then per thread setting MB/s and lines/s: the median of R warm runs.
#include "nginx/errorlogparser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <vector>

using namespace gwb;

namespace {

// RssAnon from /proc/self/status, in bytes; 0 where there is no /proc.
std::uint64_t residentAnonymousBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("RssAnon:"))
            return line.mid(8).trimmed().split(' ').value(0).toULongLong() * 1024;
    return 0;
}

struct Run
{
    double seconds = 0,
           cpuSeconds = 0; // CPU time of all threads: less disturbed than wall time on a busy machine
    std::uint64_t lines = 0, events = 0;
};

Run runOnce(const std::shared_ptr<TextSource> &text, int threads)
{
    LogParseOptions options;
    options.threads = threads;
    QElapsedTimer timer;
    const std::clock_t cpuStart = std::clock();
    timer.start();
    const ErrorLogResult r = ErrorLogParser::parse(text, SourceId(1), options);
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    const double cpu = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    return {seconds, cpu, r.lineCount, r.events.size()};
}

// The first parse of the process: memory is only measurable before malloc holds freed pages of earlier runs.
void printMemoryAndCauses(const std::shared_ptr<TextSource> &text)
{
    const std::uint64_t before = residentAnonymousBytes();
    const ErrorLogResult r = ErrorLogParser::parse(text, SourceId(1));
    const std::uint64_t after = residentAnonymousBytes();
    std::printf("memory: %.1f MB resident for %zu events = %.1f bytes/event (ErrorEvent is %zu bytes)\n",
                static_cast<double>(after - before) / 1e6, r.events.size(),
                r.events.empty() ? 0.0
                                 : static_cast<double>(after - before) / static_cast<double>(r.events.size()),
                sizeof(ErrorEvent));
    std::map<Cause, std::uint64_t> counts;
    for (const ErrorEvent &e : r.events)
        ++counts[e.cause];
    std::printf("causes:");
    for (const auto &[cause, n] : counts)
        std::printf(" %s=%llu", qPrintable(causeId(cause).toString()), static_cast<unsigned long long>(n));
    std::printf("\nmalformed: %llu, peers: %zu\n", static_cast<unsigned long long>(r.malformed.total()),
                r.peers.size());
}

// The floor: counting lines with memchr touches every byte once, as the parser must. Measured in the same run
// so that the ratio survives a busy machine.
double memchrLineCountSeconds(QByteArrayView bytes)
{
    QElapsedTimer timer;
    timer.start();
    std::uint64_t lines = 0;
    for (const char *p = bytes.data(), *end = p + bytes.size(); p < end; ++lines) {
        const auto *nl = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        p = nl ? nl + 1 : end;
    }
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    std::printf("baseline: memchr line count %.3f s (%llu lines)\n", seconds,
                static_cast<unsigned long long>(lines));
    return seconds;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: gwb_bench_errorlog FILE [--threads N] [--repeat R]\n");
        return 2;
    }
    std::vector<int> threadSettings = {1, 0};
    int repeat = 5;
    for (qsizetype i = 2; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1StringView("--threads"))
            threadSettings = {args[i + 1].toInt()};
        else if (args[i] == QLatin1StringView("--repeat"))
            repeat = std::max(1, args[i + 1].toInt());
    }
    auto opened = TextSource::open(args[1]);
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    const std::shared_ptr<TextSource> text = *opened;
    const double megabytes = static_cast<double>(text->bytes().size()) / 1e6;
    std::printf("%s: %.1f MB\n", qPrintable(args[1]), megabytes);
    printMemoryAndCauses(text); // also warms the page cache
    const double floorSeconds = memchrLineCountSeconds(text->bytes());

    for (const int threads : threadSettings) {
        std::vector<Run> runs;
        for (int i = 0; i < repeat; ++i)
            runs.push_back(runOnce(text, threads));
        std::sort(runs.begin(), runs.end(), [](const Run &a, const Run &b) { return a.seconds < b.seconds; });
        const Run &median = runs[runs.size() / 2];
        std::printf(
            "threads=%s: median %.3f s (best %.3f s), %.0f MB/s, %.2f M lines/s, cpu %.3f s = %.0f MB/s "
            "per core, %llu lines, %llu events, %.1fx the memchr floor\n",
            threads ? qPrintable(QString::number(threads)) : "auto", median.seconds, runs.front().seconds,
            megabytes / median.seconds, static_cast<double>(median.lines) / median.seconds / 1e6,
            median.cpuSeconds, megabytes / median.cpuSeconds, static_cast<unsigned long long>(median.lines),
            static_cast<unsigned long long>(median.events), median.seconds / floorSeconds);
    }
    return 0;
}
