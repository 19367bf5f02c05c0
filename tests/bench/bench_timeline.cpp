// gwb_bench_timeline: how fast the views redraw over millions of requests — TimelineIndex::bins() for the
// full range and a zoom sequence, LogTableModel::setFilter() for a cause and a text filter — and what the
// timeline index costs per request. Reads a log written by gwb_gen_accesslog (format in benchformat.h):
//
//   gwb_gen_accesslog /tmp/access-5m.log 1220      # ~5 M lines
//   gwb_bench_timeline /tmp/access-5m.log [--repeat N] [--text NEEDLE]
//
// Absolute times drift between machines; compare figures of one run.

#include "benchformat.h"
#include "diagnosis/diagnoser.h"
#include "views/chaingraph.h"
#include "views/logtablemodel.h"
#include "views/timelinebins.h"

#include <QCoreApplication>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <time.h>

using namespace gwb;
using Clock = std::chrono::steady_clock;

namespace {

struct Options
{
    QString path;
    int repeat = 7;
    QString text = QStringLiteral("/checkout/payment?id=4242");
    bool binsOnly = false; // skip the diagnosis (no failures), the chain graph and the log table
};

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of this thread: on a machine shared with compilers it moves far less than the wall clock.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Timing
{
    double wallMs = 0, cpuMs = 0;
};

Timing timeIt(const std::function<void()> &fn)
{
    const auto start = Clock::now();
    const double cpu = threadCpuMs();
    fn();
    return {msSince(start), threadCpuMs() - cpu};
}

struct Stats
{
    double median = 0, max = 0, cpuMedian = 0, cpuMax = 0;
};

Stats stats(const std::vector<Timing> &t)
{
    std::vector<double> wall, cpu;
    for (const Timing &x : t) {
        wall.push_back(x.wallMs);
        cpu.push_back(x.cpuMs);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], wall.back(), cpu[cpu.size() / 2], cpu.back()};
}

void print(const char *what, const std::vector<Timing> &t, const QString &extra = {})
{
    const Stats s = stats(t);
    std::printf("%-40s wall median %8.2f ms  max %8.2f ms | cpu median %8.2f ms  max %8.2f ms  %s\n", what,
                s.median, s.max, s.cpuMedian, s.cpuMax, qPrintable(extra));
}

bool parseArguments(int argc, char **argv, Options &o)
{
    for (int i = 1; i < argc; ++i) {
        const QString a = QString::fromLocal8Bit(argv[i]);
        if (a == QLatin1StringView("--repeat") && i + 1 < argc)
            o.repeat = std::max(1, QString::fromLocal8Bit(argv[++i]).toInt());
        else if (a == QLatin1StringView("--bins-only"))
            o.binsOnly = true;
        else if (a == QLatin1StringView("--text") && i + 1 < argc)
            o.text = QString::fromLocal8Bit(argv[++i]);
        else if (o.path.isEmpty() && !a.startsWith(QLatin1Char('-')))
            o.path = a;
        else
            return false;
    }
    return !o.path.isEmpty();
}

// The lines one access log holds, its events and the diagnosis over them, without a config (the generator's
// hosts are not in any lab config).
bool load(const Options &o, Investigation &inv)
{
    auto src = TextSource::open(o.path);
    if (!src) {
        std::fprintf(stderr, "%s\n", qPrintable(src.error().message));
        return false;
    }
    auto format = LogFormat::compile(QStringLiteral("bench"), QString::fromLatin1(bench::kGeneratedFormat));
    if (!format)
        return false;
    inv.accessLogs.push_back(AccessLogParser::parse(src.value(), SourceId(1), format.value()));
    inv.accessFormats.push_back(format.value());
    return true;
}

void benchBins(const TimelineIndex &idx, int repeat)
{
    // Full range at the default 150 bins, then 20 zoom steps from the whole span down to one minute around
    // its middle (a constant factor per step, as a wheel zoom does), each at its own nice bin size.
    std::vector<Timing> full, zoom, peer, cause, fine;
    std::uint64_t sink = 0;
    const TimeMs first = idx.first(), end = idx.last() + 1, mid = first + (end - first) / 2;
    const double factor = std::pow(double(end - first) / 60'000.0, 1.0 / 20.0);
    TimelineFilter byPeer;
    byPeer.peer = idx.peers().size() > 1 ? idx.peers()[1] : QString();
    TimelineFilter byCause;
    byCause.cause = Cause::BackendRefused;
    for (int r = 0; r < repeat; ++r) {
        full.push_back(
            timeIt([&] { sink += idx.bins(first, end, TimelineIndex::binSizeFor(first, end)).size(); }));
        double span = double(end - first);
        for (int step = 0; step < 20; ++step) {
            span /= factor;
            const TimeMs from = mid - TimeMs(span / 2), to = mid + TimeMs(span / 2);
            const qint64 bin = TimelineIndex::binSizeFor(from, to);
            zoom.push_back(
                timeIt([&] { sink += idx.bins(TimelineIndex::alignDown(from, bin), to, bin).size(); }));
        }
        peer.push_back(timeIt([&] { sink += idx.bins(first, end, 600'000, byPeer).size(); }));
        cause.push_back(timeIt([&] { sink += idx.bins(first, end, 600'000, byCause).size(); }));
        fine.push_back(timeIt([&] { sink += idx.bins(first, end, 1'000).size(); }));
    }
    print("bins, full range (150 bins)", full);
    print("bins, 20 zoom steps (full -> 1 min)", zoom);
    print("bins, full range, peer filter", peer, byPeer.peer);
    print("bins, full range, cause filter", cause);
    print("bins, full range, 1 s bins", fine, QStringLiteral("%1 bins").arg((end - first) / 1000 + 1));
    if (sink == 0)
        std::printf("(no bins)\n");
}

Cause mostFrequentCause(const DiagnosisResult &result)
{
    std::map<Cause, std::size_t> count;
    for (const FailureEvent &f : result.failures)
        ++count[f.cause];
    Cause best = Cause::Unclassified;
    std::size_t most = 0;
    for (const auto &[cause, n] : count)
        if (n > most) {
            best = cause;
            most = n;
        }
    return best;
}

void benchLogFilter(const Investigation &inv, const DiagnosisResult &result, const Options &o)
{
    LogTableModel model;
    const Timing set = timeIt([&] { model.setInvestigation(&inv, &result); });
    std::printf("\nlog table: %d rows unfiltered, setInvestigation %.1f ms (cpu %.1f ms)\n", model.rowCount(),
                set.wallMs, set.cpuMs);
    auto run = [&](const QString &what, const LogFilter &f) {
        std::vector<Timing> times;
        for (int r = 0; r < o.repeat; ++r) {
            model.setFilter({});
            times.push_back(timeIt([&] { model.setFilter(f); }));
        }
        print(qPrintable(QStringLiteral("setFilter ") + what), times,
              QStringLiteral("%1 rows").arg(model.rowCount()));
    };
    LogFilter cause;
    cause.cause = mostFrequentCause(result);
    run(QStringLiteral("cause ") + causeId(*cause.cause), cause);
    LogFilter status;
    status.status = 5;
    run(QStringLiteral("status 5xx"), status);
    LogFilter text;
    text.text = o.text;
    run(QStringLiteral("text \"%1\"").arg(o.text), text);
    LogFilter common;
    common.text = QStringLiteral("iphone");
    run(QStringLiteral("text \"iphone\" (many)"), common);
    LogFilter both = text;
    both.status = 5;
    run(QStringLiteral("status 5xx + text"), both);
    LogFilter causeText = cause;
    causeText.text = QStringLiteral("POST");
    run(QStringLiteral("cause + text \"POST\""), causeText);
    // What a view pays per painted row: data() of every column for one screenful.
    const Timing paint = timeIt([&] {
        for (int r = 0; r < 50; ++r)
            for (int c = 0; c < LogTableModel::ColumnCount; ++c)
                (void)model.data(model.index(r * (model.rowCount() / 50), c));
    });
    std::printf("data() for 50 rows x %d columns: %.2f ms\n", int(LogTableModel::ColumnCount), paint.wallMs);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Options o;
    if (!parseArguments(argc, argv, o)) {
        std::fprintf(stderr, "usage: %s FILE [--repeat N] [--text NEEDLE] [--bins-only]\n", argv[0]);
        return 2;
    }
    Investigation inv;
    auto start = Clock::now();
    if (!load(o, inv))
        return 1;
    const std::size_t events = inv.accessLogs.front().events.size();
    std::printf("parse            %8.0f ms  %zu events, %.1f MiB\n", msSince(start), events,
                double(inv.accessLogs.front().text->bytes().size()) / 1048576.0);
    start = Clock::now();
    const DiagnosisResult result = o.binsOnly ? DiagnosisResult{} : Diagnoser::run(inv);
    std::printf("diagnose         %8.0f ms  %zu failures, %zu findings\n", msSince(start),
                result.failures.size(), result.findings.size());

    start = Clock::now();
    const TimelineIndex idx = TimelineIndex::build(inv, result);
    std::printf("timeline index   %8.0f ms  %zu requests at %zu bytes each; whole index %.1f MiB = %.1f "
                "bytes/request "
                "with the %zu failures\n",
                msSince(start), idx.requestCount(), TimelineIndex::bytesPerRequest(),
                double(idx.memoryBytes()) / 1048576.0,
                double(idx.memoryBytes()) / double(std::max<std::size_t>(idx.requestCount(), 1)),
                idx.failureCount());
    {
        const Timing again = timeIt([&] { (void)TimelineIndex::build(inv, result); });
        std::printf("timeline index, built again: %.0f ms (cpu %.0f ms)\n", again.wallMs, again.cpuMs);
    }
    if (o.binsOnly) {
        benchBins(idx, o.repeat);
        return 0;
    }
    start = Clock::now();
    const ChainGraph graph = ChainGraph::build(inv, result);
    std::printf(
        "chain graph      %8.0f ms  %zu nodes, %zu edges (no config: nodes from findings and logs)\n\n",
        msSince(start), graph.nodes.size(), graph.edges.size());

    benchBins(idx, o.repeat);
    benchLogFilter(inv, result, o);
    return 0;
}
