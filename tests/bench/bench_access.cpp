// gwb_bench_access: how fast AccessLogParser::parse reads a big access log, and what the kept events cost in
// memory, next to `wc -l` and a memchr newline count on the same file in the same run (absolute times drift
// between machines; the ratios are what compare). See README.md beside this file.
//
// Every measurement runs in a forked child so that its peak memory is its own.

#include "benchformat.h"
#include "nginx/accesslogparser.h"

#include <QString>
#include <QStringList>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace gwb;
using Clock = std::chrono::steady_clock;

namespace {

struct Options
{
    QString path;
    QString format = QString::fromLatin1(bench::kGeneratedFormat);
    LogFormat::Escape escape = LogFormat::Escape::Default;
    std::vector<int> threads{1, 2};
    int repeat = 3;
    bool profile = false; // one parse in this process, nothing else: for valgrind --tool=callgrind
};

// What one child reports back through a pipe (plain data only).
struct Measurement
{
    double seconds = 0;
    std::uint64_t bytes = 0, lines = 0, events = 0, malformed = 0, outside = 0;
    double retainedPerEvent = 0; // anonymous RSS still held with the result alive
    double peakPerEvent = 0;     // highest anonymous RSS seen while parsing
    double sizeofPerEvent = 0;   // what the containers account for
    double cpuSeconds = 0; // user + system of all threads: less disturbed by other load than the wall time
    long minorFaults = 0;
    bool ok = false;
};

// Anonymous resident pages: resident minus file-backed, so the mapped log itself does not count.
long anonPages()
{
    long size = 0, resident = 0, shared = 0;
    if (std::FILE *f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld %ld", &size, &resident, &shared) != 3)
            resident = shared = 0;
        std::fclose(f);
    }
    return resident - shared;
}

// Polls anonPages() while the parse runs: getrusage's maxrss would include the mapped file.
class PeakSampler
{
public:
    PeakSampler() : m_thread([this] { run(); }) {}
    ~PeakSampler() { stop(); }
    long stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        return m_peak;
    }

private:
    void run()
    {
        while (!m_stop) {
            m_peak = std::max(m_peak.load(), anonPages());
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        m_peak = std::max(m_peak.load(), anonPages());
    }
    std::atomic_bool m_stop{false};
    std::atomic_long m_peak{0};
    std::thread m_thread;
};

long minorFaults()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto seconds = [](const timeval &t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

Measurement measureParse(const Options &o, const LogFormat &format, int threads)
{
    Measurement m;
    const long page = sysconf(_SC_PAGESIZE);
    const long before = anonPages();
    const long faultsBefore = minorFaults();
    PeakSampler sampler;
    const double cpuBefore = cpuSeconds();
    const auto t0 = Clock::now();
    Result<std::shared_ptr<TextSource>> src = TextSource::open(o.path);
    if (!src) {
        std::fprintf(stderr, "%s\n", qPrintable(src.error().message));
        return m;
    }
    const AccessLogResult r = AccessLogParser::parse(*src, SourceId(1), format, {.threads = threads});
    m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    m.cpuSeconds = cpuSeconds() - cpuBefore;
    const long peak = sampler.stop();
    m.minorFaults = minorFaults() - faultsBefore;
    m.bytes = static_cast<std::uint64_t>((*src)->bytes().size());
    m.lines = r.lineCount;
    m.events = r.events.size();
    m.malformed = r.malformed.total();
    m.outside = r.outsideWindow;
    const double events = static_cast<double>(std::max<std::uint64_t>(m.events, 1));
    m.retainedPerEvent = static_cast<double>((anonPages() - before) * page) / events;
    m.peakPerEvent = static_cast<double>((peak - before) * page) / events;
    // Interned strings: a QByteArray header plus a heap block each, and the slot table; the line index.
    const double interned = static_cast<double>(r.peers.size() + r.hosts.size()) * 64.0;
    m.sizeofPerEvent = (static_cast<double>(r.events.capacity() * sizeof(AccessEvent)) +
                        static_cast<double>(r.lines.checkpointCount()) * 16.0 + interned) /
                       events;
    m.ok = true;
    return m;
}

// The baseline every parser is held against: the newline count alone, at memchr speed.
Measurement measureNewlines(const Options &o)
{
    Measurement m;
    const auto t0 = Clock::now();
    Result<std::shared_ptr<TextSource>> src = TextSource::open(o.path);
    if (!src)
        return m;
    const QByteArrayView bytes = (*src)->bytes();
    const char *p = bytes.data(), *end = p + bytes.size();
    while (p < end) {
        const auto *nl = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!nl)
            break;
        ++m.lines;
        p = nl + 1;
    }
    m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    m.bytes = static_cast<std::uint64_t>(bytes.size());
    m.ok = true;
    return m;
}

// Runs `fn` in a forked child and brings its Measurement back.
Measurement inChild(const std::function<Measurement()> &fn)
{
    int fds[2];
    if (pipe(fds) != 0)
        return {};
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        const Measurement m = fn();
        const ssize_t n = write(fds[1], &m, sizeof m);
        _exit(n == static_cast<ssize_t>(sizeof m) ? 0 : 1);
    }
    close(fds[1]);
    Measurement m;
    if (pid < 0 || read(fds[0], &m, sizeof m) != static_cast<ssize_t>(sizeof m))
        m.ok = false;
    close(fds[0]);
    if (pid > 0)
        waitpid(pid, nullptr, 0);
    return m;
}

// `wc -l FILE` as a separate process, timed from fork to exit.
Measurement measureWc(const Options &o)
{
    Measurement m;
    int fds[2];
    if (pipe(fds) != 0)
        return m;
    const QByteArray path = o.path.toLocal8Bit();
    const auto t0 = Clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        execlp("wc", "wc", "-l", path.constData(), static_cast<char *>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    char out[256] = {};
    const ssize_t n = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    m.ok = n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    m.lines = std::strtoull(out, nullptr, 10);
    return m;
}

// Median by wall time; the memory figures are those of the median run.
Measurement median(std::vector<Measurement> runs)
{
    std::sort(runs.begin(), runs.end(), [](const Measurement &a, const Measurement &b) { return a.seconds < b.seconds; });
    return runs[runs.size() / 2];
}

Measurement repeated(int times, const std::function<Measurement()> &fn)
{
    std::vector<Measurement> runs;
    for (int i = 0; i < times; ++i) {
        runs.push_back(fn());
        if (!runs.back().ok)
            return runs.back();
    }
    return median(runs);
}

bool parseArguments(int argc, char **argv, Options &o)
{
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        const QString value = i + 1 < argc ? QString::fromLocal8Bit(argv[i + 1]) : QString();
        if (arg == QLatin1String("--format") && i + 1 < argc) {
            o.format = value;
            ++i;
        } else if (arg == QLatin1String("--escape") && i + 1 < argc) {
            o.escape = value == QLatin1String("json") ? LogFormat::Escape::Json
                       : value == QLatin1String("none") ? LogFormat::Escape::None
                                                         : LogFormat::Escape::Default;
            ++i;
        } else if (arg == QLatin1String("--threads") && i + 1 < argc) {
            o.threads.clear();
            for (const QString &t : value.split(QLatin1Char(',')))
                o.threads.push_back(t.toInt());
            ++i;
        } else if (arg == QLatin1String("--repeat") && i + 1 < argc) {
            o.repeat = std::max(1, value.toInt());
            ++i;
        } else if (arg == QLatin1String("--profile")) {
            o.profile = true;
        } else if (o.path.isEmpty() && !arg.startsWith(QLatin1String("--"))) {
            o.path = arg;
        } else {
            return false;
        }
    }
    return !o.path.isEmpty();
}

double mbPerSecond(const Measurement &m, std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6 / m.seconds; }

} // namespace

int main(int argc, char **argv)
{
    Options o;
    if (!parseArguments(argc, argv, o)) {
        std::fprintf(stderr, "usage: %s FILE [--format LOG_FORMAT] [--escape default|json|none] [--threads 1,2] "
                             "[--repeat N] [--profile]\n", argv[0]);
        return 2;
    }
    const Result<LogFormat> format = LogFormat::compile(QStringLiteral("bench"), o.format, o.escape);
    if (!format) {
        std::fprintf(stderr, "%s\n", qPrintable(format.error().message));
        return 2;
    }

    if (o.profile) {
        const Measurement m = measureParse(o, *format, o.threads.front());
        std::printf("%.3f s wall, %.3f s cpu, %ld minor faults, %llu lines, %llu events, %llu malformed\n", m.seconds,
                    m.cpuSeconds, m.minorFaults,
                    static_cast<unsigned long long>(m.lines), static_cast<unsigned long long>(m.events),
                    static_cast<unsigned long long>(m.malformed));
        return m.ok ? 0 : 1;
    }

    measureWc(o); // warms the page cache
    const Measurement wc = repeated(o.repeat, [&] { return measureWc(o); });
    const Measurement newlines = repeated(o.repeat, [&] { return inChild([&] { return measureNewlines(o); }); });
    if (!wc.ok || !newlines.ok) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(o.path));
        return 1;
    }
    const std::uint64_t bytes = newlines.bytes;
    std::printf("file     %s: %.1f MiB, %llu lines (%.0f bytes/line), sizeof(AccessEvent) = %zu\n", qPrintable(o.path),
                static_cast<double>(bytes) / 1048576.0, static_cast<unsigned long long>(newlines.lines),
                static_cast<double>(bytes) / static_cast<double>(std::max<std::uint64_t>(newlines.lines, 1)),
                sizeof(AccessEvent));
    std::printf("median of %d runs, warm page cache, MB = 10^6 bytes\n", o.repeat);
    std::printf("wc -l            %7.3f s %8.0f MB/s\n", wc.seconds, mbPerSecond(wc, bytes));
    std::printf("memchr newlines  %7.3f s %8.0f MB/s\n\n", newlines.seconds, mbPerSecond(newlines, bytes));
    std::printf("threads   wall s    MB/s  Mlines/s  (best: wall s    MB/s)  cpu s  MB/s/core     events  "
                "malformed  x wc-l  B/event: retained  peak  sizeof  minor faults\n");
    for (int threads : o.threads) {
        std::vector<Measurement> runs;
        for (int i = 0; i < o.repeat; ++i)
            runs.push_back(inChild([&] { return measureParse(o, *format, threads); }));
        const auto failed = std::find_if(runs.begin(), runs.end(), [](const Measurement &m) { return !m.ok; });
        if (failed != runs.end()) {
            std::fprintf(stderr, "parse with %d threads failed\n", threads);
            return 1;
        }
        const Measurement m = median(runs);
        const Measurement best = *std::min_element(runs.begin(), runs.end(), [](const Measurement &a, const Measurement &b) {
            return a.seconds < b.seconds;
        });
        std::printf("%7d %8.3f %7.0f %9.2f  %13.3f %7.0f  %6.2f %10.0f %10llu %10llu %7.2f %18.1f %5.1f %7.1f %13ld\n",
                    threads, m.seconds, mbPerSecond(m, bytes), static_cast<double>(m.lines) / 1e6 / m.seconds,
                    best.seconds, mbPerSecond(best, bytes), m.cpuSeconds,
                    static_cast<double>(bytes) / 1e6 / m.cpuSeconds, static_cast<unsigned long long>(m.events),
                    static_cast<unsigned long long>(m.malformed), m.seconds / wc.seconds, m.retainedPerEvent,
                    m.peakPerEvent, m.sizeofPerEvent, m.minorFaults);
    }
    return 0;
}
