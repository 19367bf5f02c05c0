#include "diagnosis/diagnoser.h"
#include "testutil.h"
#include "views/latencyhistogram.h"
#include "views/timelinebins.h"

#include <random>

using namespace gwb;

namespace {

struct Lab
{
    Investigation inv;
    DiagnosisResult result;
};

Lab loadLab()
{
    LocalInputs in;
    in.configDump = test::dataPath(QStringLiteral("lab/nginx-T.txt"));
    in.accessLogs << test::dataPath(QStringLiteral("lab/access.log"));
    in.errorLogs << test::dataPath(QStringLiteral("lab/error.log"));
    auto inv = Investigation::loadLocal(in);
    if (!inv)
        qFatal("cannot load the lab fixtures: %s", qPrintable(inv.error().message));
    Lab lab{std::move(inv.value()), {}};
    lab.result = Diagnoser::run(lab.inv);
    return lab;
}

struct Totals
{
    std::uint64_t requests = 0, serverErrors = 0;
    std::array<std::uint64_t, kCauseCount> failures{};
};

Totals sum(const std::vector<TimelineBin> &bins)
{
    Totals t;
    for (const TimelineBin &b : bins) {
        t.requests += b.requests;
        t.serverErrors += b.serverErrors;
        for (int c = 0; c < kCauseCount; ++c)
            t.failures[std::size_t(c)] += b.failuresByCause[std::size_t(c)];
    }
    return t;
}

// One synthetic access log: events at the given times and latencies (peer 1 = "10.0.0.1:80").
Investigation syntheticInvestigation(const std::vector<std::pair<TimeMs, std::int32_t>> &events)
{
    Investigation inv;
    AccessLogResult log;
    const std::uint16_t peer = log.peers.intern("10.0.0.1:80");
    for (const auto &[time, latency] : events) {
        AccessEvent e;
        e.time = time;
        e.upstreamHeaderMs = latency;
        e.status = HttpStatus(200);
        e.peer = PeerId(peer);
        log.events.push_back(e);
    }
    inv.accessLogs.push_back(std::move(log));
    return inv;
}

} // namespace

class TestTimelineBins final : public QObject
{
    Q_OBJECT
private:
    Lab m_lab;
    TimelineIndex m_index;

private slots:
    void initTestCase()
    {
        m_lab = loadLab();
        m_index = TimelineIndex::build(m_lab.inv, m_lab.result);
        QVERIFY(!m_index.isEmpty());
        QVERIFY(!m_lab.result.failures.empty());
    }

    void indexHoldsEveryTimedRequestAndFailure()
    {
        QCOMPARE(m_index.requestCount() + m_index.untimedRequests(),
                 m_lab.inv.accessLogs.front().events.size());
        QCOMPARE(m_index.requestCount(), std::size_t(67));
        QCOMPARE(m_index.failureCount(), m_lab.result.failures.size());
        QCOMPARE(m_index.markers().size(), m_lab.result.markers.size());
        QVERIFY(m_index.first() <= m_lab.result.firstMs);
        QVERIFY(m_index.last() >= m_lab.result.lastMs);
        QVERIFY(m_index.memoryBytes() <= 16 * m_index.requestCount() + 4096 + m_index.failureCount() * 64 +
                                             m_index.peers().size() * 64 + m_index.markers().size() * 256);
    }

    void binsSumToTheTotals_data()
    {
        QTest::addColumn<qint64>("binMs");
        QTest::addColumn<bool>("aligned");
        for (qint64 ms : {1LL, 7LL, 250LL, 1000LL, 5000LL, 60'000LL, 3'600'000LL, 86'400'000LL}) {
            QTest::addRow("%lld ms", ms) << ms << false;
            QTest::addRow("%lld ms aligned", ms) << ms << true;
        }
    }
    void binsSumToTheTotals()
    {
        QFETCH(qint64, binMs);
        QFETCH(bool, aligned);
        const TimeMs from = aligned ? TimelineIndex::alignDown(m_index.first(), binMs) : m_index.first();
        const auto bins = m_index.bins(from, m_index.last() + 1, binMs);
        QVERIFY(!bins.empty());
        QCOMPARE(bins.front().start, from);
        const Totals t = sum(bins);
        QCOMPARE(t.requests, m_index.requestCount());
        std::uint64_t serverErrors = 0;
        for (const AccessEvent &e : m_lab.inv.accessLogs.front().events)
            serverErrors += e.status.value >= 500;
        QCOMPARE(t.serverErrors, serverErrors);
        std::array<std::uint64_t, kCauseCount> expected{};
        for (const FailureEvent &f : m_lab.result.failures)
            ++expected[std::size_t(f.cause)];
        for (int c = 0; c < kCauseCount; ++c)
            QCOMPARE(t.failures[std::size_t(c)], expected[std::size_t(c)]);
        for (std::size_t i = 1; i < bins.size(); ++i)
            QCOMPARE(bins[i].start - bins[i - 1].start, binMs);
    }

    void rangeSubsetCountsOnlyItsEvents()
    {
        const TimeMs from = m_index.first() + 1000, to = m_index.first() + 3000;
        const Totals t = sum(m_index.bins(from, to, 500));
        std::uint64_t requests = 0;
        for (const AccessEvent &e : m_lab.inv.accessLogs.front().events)
            requests += e.time >= from && e.time < to;
        std::uint64_t failures = 0;
        for (const FailureEvent &f : m_lab.result.failures)
            failures += f.timeMs >= from && f.timeMs < to;
        QCOMPARE(t.requests, requests);
        QVERIFY(requests > 0 && requests < m_index.requestCount());
        QCOMPARE(std::accumulate(t.failures.begin(), t.failures.end(), std::uint64_t(0)), failures);
        QVERIFY(m_index.bins(to, from, 1000).empty());
    }

    void filtersRestrictFailuresAndPeers()
    {
        const TimeMs from = m_index.first(), to = m_index.last() + 1;
        TimelineFilter byCause;
        byCause.cause = Cause::BackendRefused;
        Totals t = sum(m_index.bins(from, to, 1000, byCause));
        QCOMPARE(t.requests, m_index.requestCount()); // requests are not filtered by cause
        std::uint64_t refused = 0;
        for (const FailureEvent &f : m_lab.result.failures)
            refused += f.cause == Cause::BackendRefused;
        QVERIFY(refused > 0);
        QCOMPARE(t.failures[std::size_t(Cause::BackendRefused)], refused);
        QCOMPARE(std::accumulate(t.failures.begin(), t.failures.end(), std::uint64_t(0)), refused);

        TimelineFilter byFinding;
        byFinding.finding = 0;
        t = sum(m_index.bins(from, to, 1000, byFinding));
        QCOMPARE(std::accumulate(t.failures.begin(), t.failures.end(), std::uint64_t(0)),
                 m_lab.result.findings[0].count);

        TimelineFilter byLocation;
        byLocation.location = m_lab.result.findings[0].locationIndex;
        QVERIFY(byLocation.location >= 0);
        t = sum(m_index.bins(from, to, 1000, byLocation));
        std::uint64_t atLocation = 0;
        for (const Finding &f : m_lab.result.findings)
            atLocation += f.locationIndex == byLocation.location ? f.count : 0;
        QCOMPARE(std::accumulate(t.failures.begin(), t.failures.end(), std::uint64_t(0)), atLocation);

        TimelineFilter byPeer;
        byPeer.peer = QStringLiteral("127.0.0.1:18082");
        t = sum(m_index.bins(from, to, 1000, byPeer));
        std::uint64_t lastAt18082 = 0;
        const AccessLogResult &log = m_lab.inv.accessLogs.front();
        for (const AccessEvent &e : log.events)
            lastAt18082 += log.peers.value(e.peer.value) == "127.0.0.1:18082";
        QCOMPARE(t.requests, lastAt18082);
        std::uint64_t failuresAt18082 = 0;
        for (const FailureEvent &f : m_lab.result.failures)
            failuresAt18082 += m_lab.result.findings[std::size_t(f.finding)].peer == byPeer.peer;
        QVERIFY(failuresAt18082 >= 3);
        QCOMPARE(std::accumulate(t.failures.begin(), t.failures.end(), std::uint64_t(0)), failuresAt18082);

        TimelineFilter nobody;
        nobody.peer = QStringLiteral("192.0.2.1:1");
        t = sum(m_index.bins(from, to, 1000, nobody));
        QCOMPARE(t.requests, std::uint64_t(0));
        QCOMPARE(std::accumulate(t.failures.begin(), t.failures.end(), std::uint64_t(0)), std::uint64_t(0));
    }

    void percentilesOnSyntheticLatencies()
    {
        // Bin 0: 1..10000 ms once each; bin 1: always 123 ms; bin 2: empty; bin 3: no latency known.
        std::vector<std::pair<TimeMs, std::int32_t>> events;
        for (int ms = 1; ms <= 10'000; ++ms)
            events.emplace_back(1'000'000 + ms % 1000, ms);
        for (int i = 0; i < 500; ++i)
            events.emplace_back(1'001'000 + i, 123);
        events.emplace_back(1'003'500, kAbsentMs);
        std::shuffle(events.begin(), events.end(), std::mt19937(7)); // the index must sort them
        const Investigation inv = syntheticInvestigation(events);
        const TimelineIndex idx = TimelineIndex::build(inv, {});
        const auto bins = idx.bins(1'000'000, 1'004'000, 1000);
        QCOMPARE(bins.size(), std::size_t(4));
        auto near = [](std::int32_t got, double want) { return std::abs(got - want) <= want * 0.035; };
        QVERIFY2(near(bins[0].p50Ms, 5000), qPrintable(QString::number(bins[0].p50Ms)));
        QVERIFY2(near(bins[0].p95Ms, 9500), qPrintable(QString::number(bins[0].p95Ms)));
        QVERIFY2(near(bins[0].p99Ms, 9900), qPrintable(QString::number(bins[0].p99Ms)));
        QCOMPARE(bins[0].requests, 10'000u);
        QVERIFY(near(bins[1].p50Ms, 123) && near(bins[1].p99Ms, 123));
        QCOMPARE(bins[2].requests, 0u);
        QCOMPARE(bins[2].p50Ms, -1);
        QCOMPARE(bins[3].requests, 1u);
        QCOMPARE(bins[3].p95Ms, -1);
    }

    void histogramBucketsStayWithinThreePercent()
    {
        for (std::int32_t v = 0; v < 2'000'000; v += 1 + v / 50) {
            const std::int32_t back = LatencyHistogram::valueOf(LatencyHistogram::bucketOf(v));
            QVERIFY2(std::abs(back - v) <= std::max(1.0, v / 32.0),
                     qPrintable(QStringLiteral("%1 → %2").arg(v).arg(back)));
        }
        QCOMPARE(LatencyHistogram::bucketOf(std::numeric_limits<std::int32_t>::max()),
                 LatencyHistogram::kBuckets - 1);
    }

    void unsortedInputIsSorted_data()
    {
        QTest::addColumn<bool>("backwards");
        QTest::newRow("nearly sorted") << false;  // what nginx writes: the insertion sort
        QTest::newRow("backwards block") << true; // beyond the insertion-sort budget: the stable sort
    }
    void unsortedInputIsSorted()
    {
        QFETCH(bool, backwards);
        std::vector<std::pair<TimeMs, std::int32_t>> events;
        std::mt19937 rng(42);
        for (int i = 0; i < 20'000; ++i)
            events.emplace_back(i * 10 - TimeMs(rng() % 40), 5);
        if (backwards)
            for (int i = 0; i < 5'000; ++i)
                events.emplace_back(300'000 - i, 5);
        const TimelineIndex idx = TimelineIndex::build(syntheticInvestigation(events), {});
        QCOMPARE(idx.requestCount(), events.size());
        for (qint64 bin : {100LL, 1000LL, 7777LL}) {
            const auto bins = idx.bins(idx.first(), idx.last() + 1, bin);
            for (const TimelineBin &b : bins) {
                std::uint32_t expected = 0;
                for (const auto &e : events)
                    expected += e.first >= b.start && e.first < b.start + bin;
                QCOMPARE(b.requests, expected);
            }
        }
    }

    void niceBinSizes()
    {
        QCOMPARE(TimelineIndex::binSizeFor(0, 150'000), 1'000);
        QCOMPARE(TimelineIndex::binSizeFor(0, 150'001), 5'000);
        QCOMPARE(TimelineIndex::binSizeFor(0, 5'000), 1'000);
        QCOMPARE(TimelineIndex::binSizeFor(0, 86'400'000), 900'000);
        QCOMPARE(TimelineIndex::binSizeFor(0, 30LL * 86'400'000), 21'600'000);
        QCOMPARE(TimelineIndex::binSizeFor(0, 365LL * 86'400'000), 3LL * 86'400'000);
        QCOMPARE(TimelineIndex::binSizeFor(0, 3'600'000, 60), 60'000);
        QCOMPARE(TimelineIndex::alignDown(61'500, 60'000), 60'000);
        QCOMPARE(TimelineIndex::alignDown(-1, 1'000), -1'000);
    }
};

QTEST_GUILESS_MAIN(TestTimelineBins)
#include "tst_timelinebins.moc"
