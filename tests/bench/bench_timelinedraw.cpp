// gwb_bench_timelinedraw: from a parsed access log to a drawn timeline, the way the window gets there — the
// diagnosis, the timeline index, the chart (bins + QtCharts series, TimelineView::setSession) and the first
// paint of the chart view — each stage timed on its own and in total, the median of N runs. Then the redraw
// after a zoom as the user sees it: bins + series + paint for each step of a wheel-zoom sequence.
// Reads a log written by gwb_gen_accesslog (format in benchformat.h); needs no display:
//
//   gwb_gen_accesslog /tmp/x.log 1024                       # 1 GiB, ~4.2 M lines
//   gwb_bench_timelinedraw /tmp/x.log [--repeat N] [--zoom-steps N] [--save-png FILE]
//
// Absolute times drift between machines and with other work on the machine; compare figures of one run.

#include "benchformat.h"
#include "diagnosis/diagnoser.h"
#include "selectionstate.h"
#include "session.h"
#include "timelinechartview.h"
#include "timelineview.h"
#include "views/chaingraph.h"
#include "views/timelinebins.h"

#include <QApplication>
#include <QImage>
#include <QPixmap>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <time.h>

using namespace gwb;
using Clock = std::chrono::steady_clock;

namespace {

struct Options
{
    QString path;
    int repeat = 3;
    int zoomSteps = 20;
    QString savePng; // the first paint of the last run, to look at
};

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double processCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Timing
{
    double wallMs = 0, cpuMs = 0;
};

Timing timeIt(const std::function<void()> &fn)
{
    const auto start = Clock::now();
    const double cpu = processCpuMs();
    fn();
    return {msSince(start), processCpuMs() - cpu};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void printStage(const char *what, const std::vector<Timing> &runs, const QString &extra = {})
{
    std::vector<double> wall, cpu;
    for (const Timing &t : runs) {
        wall.push_back(t.wallMs);
        cpu.push_back(t.cpuMs);
    }
    QStringList each;
    for (double w : wall)
        each << QString::number(w, 'f', 1);
    std::printf("%-34s median %9.1f ms  (runs: %s)  cpu median %9.1f ms  %s\n", what, median(wall),
                qPrintable(each.join(QStringLiteral(", "))), median(cpu), qPrintable(extra));
}

bool parseArguments(const QStringList &args, Options &o)
{
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1StringView("--repeat") && i + 1 < args.size())
            o.repeat = std::max(1, args[++i].toInt());
        else if (a == QLatin1StringView("--zoom-steps") && i + 1 < args.size())
            o.zoomSteps = std::max(1, args[++i].toInt());
        else if (a == QLatin1StringView("--save-png") && i + 1 < args.size())
            o.savePng = args[++i];
        else if (o.path.isEmpty() && !a.startsWith(QLatin1Char('-')))
            o.path = a;
        else
            return false;
    }
    return !o.path.isEmpty();
}

// One access log in the generator's format, without a config (its hosts are in no lab config).
bool load(const QString &path, Investigation &inv)
{
    auto src = TextSource::open(path);
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

// Everything laid out and painted: layout requests of the chart are posted events, so they are delivered
// before the view is rendered into an image, as the first frame on screen would be.
QImage paint(TimelineView &view)
{
    QApplication::processEvents();
    return view.chartView()->grab().toImage();
}

// Pixels that differ from the top-left one: a blank chart would be a broken measurement.
qsizetype paintedPixels(const QImage &image)
{
    const QRgb background = image.pixel(0, 0);
    qsizetype n = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            n += image.pixel(x, y) != background ? 1 : 0;
    return n * 4;
}

struct RunFigures
{
    Timing diagnosis, index, chart, firstPaint, total;
    Timing binsAlone, chain;
    std::vector<Timing> zoom;
    std::size_t failures = 0, bins = 0;
    qsizetype painted = 0;
};

RunFigures runOnce(const std::shared_ptr<Session> &session, const Options &o, bool last)
{
    RunFigures f;
    f.diagnosis = timeIt([&] { session->result = Diagnoser::run(session->investigation); });
    f.failures = session->result.failures.size();
    f.index = timeIt([&] { session->timeline = TimelineIndex::build(session->investigation, session->result); });
    // Not on the way to the timeline, but the window's load builds it too: shown for scale.
    f.chain = timeIt([&] { session->chain = ChainGraph::build(session->investigation, session->result); });

    const TimelineIndex &idx = session->timeline;
    const TimeMs pad = std::max<TimeMs>(1000, (idx.last() - idx.first()) / 50);
    const TimeMs from = idx.first() - pad, to = idx.last() + pad;
    const qint64 bin = TimelineIndex::binSizeFor(from, to);
    f.binsAlone = timeIt([&] { f.bins = idx.bins(TimelineIndex::alignDown(from, bin), to, bin).size(); });

    SelectionState selection;
    TimelineView view(&selection);
    view.resize(1400, 800);
    f.chart = timeIt([&] { view.setSession(session); });
    QImage image;
    f.firstPaint = timeIt([&] {
        view.show();
        image = paint(view);
    });
    f.painted = paintedPixels(image);
    if (last && !o.savePng.isEmpty())
        image.save(o.savePng);
    f.total = {f.diagnosis.wallMs + f.index.wallMs + f.chart.wallMs + f.firstPaint.wallMs,
               f.diagnosis.cpuMs + f.index.cpuMs + f.chart.cpuMs + f.firstPaint.cpuMs};

    // Wheel zoom towards the middle by a constant factor per step, from the whole span down to about a
    // minute; each step rebuilds the bins and the series and paints, as TimelineView does for the wheel.
    const TimeMs mid = from + (to - from) / 2;
    const double factor = std::pow(double(to - from) / 60'000.0, 1.0 / o.zoomSteps);
    double span = double(to - from);
    for (int step = 0; step < o.zoomSteps; ++step) {
        span /= factor;
        const TimeMs a = mid - TimeMs(span / 2), b = mid + TimeMs(span / 2);
        f.zoom.push_back(timeIt([&] {
            view.setVisibleRange(a, b);
            (void)paint(view);
        }));
    }
    return f;
}

} // namespace

int main(int argc, char **argv)
{
    // The chart is rendered into an image; no display is needed or wanted.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options o;
    if (!parseArguments(QApplication::arguments(), o)) {
        std::fprintf(stderr, "usage: %s FILE [--repeat N] [--zoom-steps N] [--save-png FILE]\n", argv[0]);
        return 2;
    }

    auto session = std::make_shared<Session>();
    const Timing parse = timeIt([&] {
        if (!load(o.path, session->investigation))
            std::exit(1);
    });
    const AccessLogResult &log = session->investigation.accessLogs.front();
    std::printf("platform %s; parse (not in the total) %.0f ms, cpu %.0f ms: %zu events, %.1f MiB\n\n",
                qPrintable(QApplication::platformName()), parse.wallMs, parse.cpuMs, log.events.size(),
                double(log.text->bytes().size()) / 1048576.0);

    std::vector<RunFigures> runs;
    for (int r = 0; r < o.repeat; ++r)
        runs.push_back(runOnce(session, o, r + 1 == o.repeat));

    auto column = [&](Timing RunFigures::*member) {
        std::vector<Timing> out;
        for (const RunFigures &f : runs)
            out.push_back(f.*member);
        return out;
    };
    const RunFigures &last = runs.back();
    std::printf("parsed log -> drawn timeline, %d runs (wall clock; cpu = all threads of the process)\n",
                o.repeat);
    printStage("1 diagnosis", column(&RunFigures::diagnosis),
               QStringLiteral("%1 failures").arg(last.failures));
    printStage("2 timeline index", column(&RunFigures::index),
               QStringLiteral("%1 requests").arg(session->timeline.requestCount()));
    printStage("3 chart: bins + QtCharts series", column(&RunFigures::chart));
    printStage("    of which bins alone", column(&RunFigures::binsAlone), QStringLiteral("%1 bins").arg(last.bins));
    printStage("4 first paint (layout + render)", column(&RunFigures::firstPaint),
               QStringLiteral("%1 painted pixels").arg(last.painted));
    printStage("total 1-4", column(&RunFigures::total));
    printStage("(chain graph, not in the total)", column(&RunFigures::chain));

    std::vector<double> zoom;
    for (const RunFigures &f : runs)
        for (const Timing &t : f.zoom)
            zoom.push_back(t.wallMs);
    std::printf("\nredraw after a zoom step (bins + series + paint), %zu steps over %d runs: median %.1f ms, "
                "max %.1f ms\n",
                zoom.size(), o.repeat, median(zoom), *std::max_element(zoom.begin(), zoom.end()));
    return 0;
}
