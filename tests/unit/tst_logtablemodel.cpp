#include "diagnosis/diagnoser.h"
#include "testutil.h"
#include "views/logtablemodel.h"
#include "views/textfinder.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <functional>
#include <map>
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

// Every line of the lab as the test sees it, independently of the model: the expected rows of a filter are
// the lines a predicate accepts, in model order (access log first, then error log).
struct Line
{
    bool isError = false;
    TimeMs time = kNoTime;
    int status = 0;
    Cause cause = Cause::None;
    int failure = -1;
    QString peer;
    QByteArray text;
};

std::vector<Line> linesOf(const Lab &lab)
{
    std::map<std::tuple<bool, int, std::uint64_t>, int> failureAt;
    for (std::size_t i = 0; i < lab.result.failures.size(); ++i) {
        const FailureEvent &f = lab.result.failures[i];
        failureAt[{f.fromErrorLog, f.source, f.offset}] = int(i);
    }
    auto failure = [&](bool isError, const SourceId &source, std::uint64_t offset) {
        const auto it = failureAt.find({isError, source.value, offset});
        return it == failureAt.end() ? -1 : it->second;
    };
    std::vector<Line> out;
    const AccessLogResult &alog = lab.inv.accessLogs.front();
    const QByteArrayView atext = alog.text->bytes();
    for (const AccessEvent &e : alog.events) {
        Line l;
        l.time = e.time;
        l.status = e.status.value;
        l.failure = failure(false, alog.source, e.offset);
        l.cause = l.failure >= 0 ? lab.result.failures[std::size_t(l.failure)].cause : Cause::None;
        l.peer = QString::fromUtf8(alog.peers.value(e.peer.value));
        const qsizetype end = atext.indexOf('\n', qsizetype(e.offset));
        l.text = atext.sliced(qsizetype(e.offset), end - qsizetype(e.offset)).toByteArray();
        out.push_back(l);
    }
    const ErrorLogResult &elog = lab.inv.errorLogs.front();
    for (const ErrorEvent &e : elog.events) {
        Line l;
        l.isError = true;
        l.time = e.time;
        l.failure = failure(true, elog.source, e.offset);
        l.cause = l.failure >= 0 ? lab.result.failures[std::size_t(l.failure)].cause : e.cause;
        l.peer = QString::fromUtf8(elog.peers.value(e.peer.value));
        l.text = elog.text->bytes().sliced(qsizetype(e.offset), e.length).toByteArray();
        out.push_back(l);
    }
    return out;
}

std::vector<int> expectedRows(const std::vector<Line> &lines, const std::function<bool(const Line &)> &accept)
{
    std::vector<int> rows;
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (accept(lines[i]))
            rows.push_back(int(i));
    return rows;
}

// Each visible row's text, compared with the expected lines' texts.
void compareRows(const LogTableModel &model, const std::vector<Line> &lines, const std::vector<int> &expected)
{
    QCOMPARE(model.rowCount(), int(expected.size()));
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString shown =
            model.data(model.index(r, LogTableModel::TextColumn), Qt::ToolTipRole).toString();
        QCOMPARE(shown, QString::fromUtf8(lines[std::size_t(expected[std::size_t(r)])].text));
    }
}

TimeMs wallClock(const char *text)
{
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

class TestLogTableModel final : public QObject
{
    Q_OBJECT
private:
    Lab m_lab;
    std::vector<Line> m_lines;
    LogTableModel *m_model = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;

    void filterAndCompare(const LogFilter &filter, const std::function<bool(const Line &)> &accept,
                          int atLeast = 1)
    {
        m_model->setFilter(filter);
        const std::vector<int> expected = expectedRows(m_lines, accept);
        QVERIFY2(int(expected.size()) >= atLeast, "the fixture should have lines for this filter");
        compareRows(*m_model, m_lines, expected);
    }

private slots:
    void initTestCase()
    {
        m_lab = loadLab();
        m_lines = linesOf(m_lab);
        QCOMPARE(m_lines.size(),
                 m_lab.inv.accessLogs.front().events.size() + m_lab.inv.errorLogs.front().events.size());
    }

    void init()
    {
        m_model = new LogTableModel(this);
        m_tester = new QAbstractItemModelTester(
            m_model, QAbstractItemModelTester::FailureReportingMode::QtTest, m_model);
        m_model->setInvestigation(&m_lab.inv, &m_lab.result);
    }

    void cleanup()
    {
        delete m_model; // and its tester
        m_model = nullptr;
    }

    void unfilteredShowsEveryLine()
    {
        compareRows(*m_model, m_lines, expectedRows(m_lines, [](const Line &) { return true; }));
        QCOMPARE(m_model->totalRows(), std::uint64_t(m_lines.size()));
        auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
            return m_model->data(m_model->index(row, column), role);
        };
        QCOMPARE(cell(0, LogTableModel::TimeColumn).toString(), QStringLiteral("2026-11-24T12:28:46"));
        QCOMPARE(cell(0, LogTableModel::SourceColumn).toString(), QStringLiteral("access.log"));
        QCOMPARE(cell(0, LogTableModel::StatusColumn).toString(), QStringLiteral("200"));
        QCOMPARE(cell(0, LogTableModel::IsErrorLogRole).toBool(), false);
        const int refused = 3; // access.log:4, GET /refused
        QCOMPARE(cell(refused, LogTableModel::CauseColumn).toString(), QStringLiteral("backend-refused"));
        QCOMPARE(cell(refused, LogTableModel::CauseColumn, LogTableModel::CauseRole).toInt(),
                 int(Cause::BackendRefused));
        QCOMPARE(cell(refused, LogTableModel::PeerColumn).toString(), QStringLiteral("127.0.0.1:18082"));
        QVERIFY(cell(refused, 0, LogTableModel::FindingRole).toInt() >= 0);
        QVERIFY(cell(refused, 0, LogTableModel::LocationRole)
                    .toString()
                    .endsWith(QStringLiteral("access.log:4")));
        const int firstError = int(m_lab.inv.accessLogs.front().events.size());
        QCOMPARE(cell(firstError, LogTableModel::SourceColumn).toString(), QStringLiteral("error.log"));
        QCOMPARE(cell(firstError, LogTableModel::StatusColumn).toString(), QStringLiteral("notice"));
        QCOMPARE(cell(firstError, 0, LogTableModel::IsErrorLogRole).toBool(), true);
        QCOMPARE(m_model->headerData(LogTableModel::TextColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Line"));
    }

    void locationAndRowRoundTrip()
    {
        for (int r = 0; r < m_model->rowCount(); ++r) {
            const SourceLocation where = m_model->locationOf(r);
            QVERIFY(where.isValid() && where.line.value > 0);
            QCOMPARE(m_model->rowOf(where), r);
        }
        QCOMPARE(m_model->locationOf(0).line, LineNumber(1));
        const SourceLocation lastError = m_model->locationOf(m_model->rowCount() - 1);
        QVERIFY(lastError.file.endsWith(QStringLiteral("error.log")));
        QCOMPARE(m_model->rowOf({lastError.file, LineNumber(lastError.line.value + 1)}), -1);
        QCOMPARE(m_model->rowOf({QStringLiteral("/nonexistent.log"), LineNumber(1)}), -1);
        QCOMPARE(m_model->locationOf(-1), SourceLocation{});

        LogFilter f;
        f.status = 5;
        m_model->setFilter(f);
        for (int r = 0; r < m_model->rowCount(); ++r)
            QCOMPARE(m_model->rowOf(m_model->locationOf(r)), r);
        QCOMPARE(m_model->rowOf({m_model->locationOf(0).file, LineNumber(1)}), -1); // a 200: filtered out
    }

    void filterByCause()
    {
        LogFilter f;
        f.cause = Cause::BackendRefused;
        filterAndCompare(
            f, [](const Line &l) { return l.cause == Cause::BackendRefused; }, 7);
        for (int r = 0; r < m_model->rowCount(); ++r)
            QCOMPARE(m_model->data(m_model->index(r, LogTableModel::CauseColumn)).toString(),
                     QStringLiteral("backend-refused"));
        f.cause = Cause::NoLiveUpstreams;
        filterAndCompare(
            f, [](const Line &l) { return l.cause == Cause::NoLiveUpstreams; }, 10);
    }

    void filterByStatus()
    {
        LogFilter f;
        f.status = 5;
        filterAndCompare(
            f, [](const Line &l) { return !l.isError && l.status >= 500 && l.status < 600; }, 39);
        f.status = 502;
        filterAndCompare(
            f, [](const Line &l) { return !l.isError && l.status == 502; }, 36);
        f.status = 9; // "009": nginx relaying an HTTP/0.9 answer
        filterAndCompare(
            f, [](const Line &l) { return !l.isError && l.status == 9; }, 3);
        f.status = 4;
        filterAndCompare(
            f, [](const Line &l) { return !l.isError && l.status / 100 == 4; }, 3);
    }

    void filterByText()
    {
        LogFilter f;
        f.text = QStringLiteral("GET /REFUSED ");
        auto hasText = [](const QByteArray &needle) {
            return [needle](const Line &l) { return l.text.toLower().contains(needle.toLower()); };
        };
        filterAndCompare(f, hasText("GET /REFUSED "), 6);
        f.text = QStringLiteral("\\x22Quoted");
        filterAndCompare(f, hasText("\\x22quoted"), 3);
        f.text = QStringLiteral("no such text anywhere");
        filterAndCompare(f, hasText("no such text anywhere"), 0);
        // Cheap filters first, then the text over their rows only.
        f.text = QStringLiteral("retry-then-ok");
        f.cause = Cause::BackendRefused;
        filterAndCompare(
            f,
            [](const Line &l) {
                return l.cause == Cause::BackendRefused && l.text.contains("retry-then-ok");
            },
            6);
        f.cause.reset();
        f.from = wallClock("2026-11-24T12:28:47");
        filterAndCompare(
            f, [&](const Line &l) { return l.time >= f.from && l.text.contains("retry-then-ok"); }, 6);
    }

    void filterByTimeRange()
    {
        LogFilter f;
        f.from = wallClock("2026-11-24T12:28:47");
        f.to = wallClock("2026-11-24T12:28:48");
        filterAndCompare(
            f, [&](const Line &l) { return l.time >= f.from && l.time < f.to; }, 20);
        f.to = kNoTime;
        filterAndCompare(
            f, [&](const Line &l) { return l.time >= f.from; }, 40);
    }

    void filterByFindingPeerLocationHost()
    {
        int refused = -1;
        for (std::size_t i = 0; i < m_lab.result.findings.size(); ++i)
            if (m_lab.result.findings[i].location == QLatin1StringView("location /refused"))
                refused = int(i);
        QVERIFY(refused >= 0);
        auto ofFinding = [&](const Line &l, int finding) {
            return l.failure >= 0 && m_lab.result.failures[std::size_t(l.failure)].finding == finding;
        };
        LogFilter f;
        f.finding = refused;
        filterAndCompare(
            f, [&](const Line &l) { return ofFinding(l, refused); }, 3);
        f.finding = -1;
        f.location = m_lab.result.findings[std::size_t(refused)].locationIndex;
        filterAndCompare(
            f, [&](const Line &l) { return ofFinding(l, refused); }, 3);

        f = {};
        f.peer = QStringLiteral("127.0.0.1:18082");
        filterAndCompare(
            f,
            [&](const Line &l) {
                const bool findingPeer =
                    l.failure >= 0 &&
                    m_lab.result.findings[std::size_t(m_lab.result.failures[std::size_t(l.failure)].finding)]
                            .peer == f.peer;
                return l.peer == f.peer || findingPeer;
            },
            12);

        f = {};
        f.host = QStringLiteral("lab.local");
        filterAndCompare(
            f, [](const Line &l) { return !l.isError || l.text.contains("host: \"lab.local\""); }, 100);

        f = {};
        f.failuresOnly = true;
        filterAndCompare(
            f, [](const Line &l) { return l.cause != Cause::None; }, 50);
    }

    void cancelKeepsTheRows()
    {
        LogFilter f;
        f.status = 5;
        m_model->setFilter(f);
        const int before = m_model->rowCount();
        std::atomic_bool cancel{true};
        LogFilter text;
        text.text = QStringLiteral("GET");
        m_model->setFilter(text, &cancel);
        QCOMPARE(m_model->rowCount(), before);
        QCOMPARE(m_model->filter().status, std::optional<int>(5));
        QVERIFY(!m_model->select(text, &cancel));
        m_model->setFilter({});
        QCOMPARE(m_model->rowCount(), int(m_lines.size()));
    }

    void selectOnAWorkerThenApply()
    {
        LogFilter f;
        f.cause = Cause::ReadTimeout;
        std::optional<LogTableModel::Selection> s = m_model->select(f);
        QVERIFY(s);
        QCOMPARE(m_model->rowCount(), int(m_lines.size())); // select() alone changes nothing
        m_model->apply(std::move(*s));
        QCOMPARE(m_model->filter().cause, std::optional<Cause>(Cause::ReadTimeout));
        compareRows(*m_model, m_lines,
                    expectedRows(m_lines, [](const Line &l) { return l.cause == Cause::ReadTimeout; }));

        std::optional<LogTableModel::Selection> stale = m_model->select(LogFilter{});
        m_model->setInvestigation(&m_lab.inv, &m_lab.result); // a reload while the worker ran
        f.cause = Cause::BackendRefused;
        m_model->setFilter(f);
        const int rows = m_model->rowCount();
        m_model->apply(std::move(*stale));
        QCOMPARE(m_model->rowCount(), rows); // ignored
    }

    void textFinderAgreesWithANaiveSearch()
    {
        std::mt19937 rng(3);
        const char alphabet[] = "aAbBcC/ -x\xc3\xa9";
        auto randomText = [&](int size) {
            QByteArray t;
            for (int i = 0; i < size; ++i)
                t += alphabet[rng() % (sizeof alphabet - 1)];
            return t;
        };
        for (int round = 0; round < 3000; ++round) {
            const QByteArray text = randomText(int(rng() % 200));
            QByteArray needle = randomText(1 + int(rng() % 4));
            if (round % 3 == 0 && text.size() > 8) // often a needle that does occur, in another case
                needle = text.mid(int(rng() % 4), 1 + int(rng() % 5)).toUpper();
            const TextFinder finder(needle, text);
            const qsizetype from = text.isEmpty() ? 0 : qsizetype(rng() % std::size_t(text.size()));
            const QByteArray window = text.mid(from);
            const qsizetype expected = window.toLower().indexOf(needle.toLower());
            const char *hit = finder.find(text.constData() + from, text.constData() + text.size());
            QCOMPARE(hit ? hit - (text.constData() + from) : qsizetype(-1), expected);
        }
        QVERIFY(TextFinder("Refused", "x").contains("connect() failed (111: Connection REFUSED)"));
        QVERIFY(!TextFinder("refusedx", "x").contains("connection refused"));
    }

    void clearing()
    {
        m_model->setInvestigation(nullptr, nullptr);
        QCOMPARE(m_model->rowCount(), 0);
        QCOMPARE(m_model->rowOf({QStringLiteral("x"), LineNumber(1)}), -1);
        LogFilter f;
        f.text = QStringLiteral("x");
        m_model->setFilter(f);
        QCOMPARE(m_model->rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLogTableModel)
#include "tst_logtablemodel.moc"
