// Pulling log slices over a real (throwaway) sshd: only the time window travels, a dropped connection is
// resumed once from the last byte, and a second drop keeps what arrived, marked partial.

#include "collect/logpuller.h"
#include "collect/windowfinder.h"
#include "nginx/logtime.h"
#include "sshtestbase.h"

#include <QCryptographicHash>
#include <QTest>
#include <cstdio>

using namespace gwb;

namespace {

constexpr TimeMs kDay0 = logtime::daysFromCivil(2026, 11, 24) * 86'400'000LL;

// An error log of `lines` entries spread evenly over 24 hours.
QByteArray dayOfErrorLog(int lines)
{
    QByteArray out;
    out.reserve(qsizetype(lines) * 200);
    for (int i = 0; i < lines; ++i) {
        const TimeMs t = kDay0 + TimeMs(i) * 86'400'000LL / lines;
        const auto c = logtime::civilFromMs(t);
        char line[300];
        const int n = std::snprintf(line, sizeof line, "%04d/%02u/%02u %02u:%02u:%02u [error] 1#1: *%d connect() failed (111: Connection "
                                    "refused) while connecting to upstream, client: 10.0.0.1, server: x, request: "
                                    "\"GET /a HTTP/1.1\", upstream: \"http://10.0.0.2:80/a\", host: \"x\"\n",
                                    c.year, c.month, c.day, c.hour, c.minute, c.second, i);
        out.append(line, n);
    }
    return out;
}

} // namespace

class TestCollectTransfer final : public QObject, public test::SshTestBase
{
    Q_OBJECT

    QString m_log;
    QByteArray m_logBytes;

private slots:
    void initTestCase()
    {
        if (!test::SshdFixture::available())
            QSKIP("needs /usr/sbin/sshd");
        const QString failure = setUp(BigFile::Yes);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        m_log = m_data.filePath(QStringLiteral("error.log"));
        m_logBytes = dayOfErrorLog(200'000); // ~45 MB
        QFile f(m_log);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(m_logBytes), m_logBytes.size());
    }
    void cleanupTestCase() { tearDown(); }

    void oneHourOfADayTransfersLittle()
    {
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        WindowSearch s;
        s.path = test::bytes(m_log);
        s.fileSize = quint64(m_logBytes.size());
        s.since = kDay0 + 10 * 3'600'000LL;
        s.until = kDay0 + 11 * 3'600'000LL;
        auto w = findByteWindow(ssh, s, CancelToken());
        QVERIFY2(w.ok(), qPrintable(test::messageOf(w)));
        PullRequest req{s.path, w->begin, w->end, false, SudoUse::No, m_data.filePath(QStringLiteral("slice.log"))};
        auto pulled = pullRange(ssh, req, {}, CancelToken());
        QVERIFY2(pulled.ok(), qPrintable(test::messageOf(pulled)));
        qInfo("window: %d probes, %llu of %lld bytes (%.2f %%)", w->probes, static_cast<unsigned long long>(pulled->wireBytes),
              static_cast<long long>(m_logBytes.size()), 100.0 * double(pulled->wireBytes) / double(m_logBytes.size()));
        QVERIFY(!pulled->partial);
        QVERIFY(pulled->wireBytes < quint64(m_logBytes.size()) / 10);
        QFile slice(req.spoolPath);
        QVERIFY(slice.open(QIODevice::ReadOnly));
        const QByteArray got = slice.readAll();
        QCOMPARE(got, m_logBytes.mid(qsizetype(w->begin), qsizetype(w->end - w->begin)));
        QVERIFY2(got.startsWith("2026/11/24 10:00:00"), got.left(30).constData());
        QVERIFY2(got.endsWith('\n') && got.right(300).contains("2026/11/24 11:00:0"), got.right(200).constData());
    }

    void droppedConnectionResumesOnce()
    {
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        const QString spool = m_data.filePath(QStringLiteral("big.copy"));
        PullRequest req{test::bytes(bigFile()), 0, quint64(kBigSize), false, SudoUse::No, spool};
        bool killed = false;
        // The sink (a parser during a collection) sees the same bytes as the spool, the resumed part continuing
        // at the offset where the first connection stopped.
        QCryptographicHash sunk(QCryptographicHash::Sha256);
        quint64 sunkBytes = 0;
        bool inOrder = true;
        auto pulled = pullRange(
            ssh, req,
            [&](quint64 bytes) {
                if (!killed && bytes > 4 * 1024 * 1024) {
                    killed = true;
                    QVERIFY(m_sshd.killSessions() > 0);
                }
            },
            CancelToken(),
            [&](QByteArrayView bytes, quint64 offset) {
                inOrder = inOrder && offset == sunkBytes;
                sunkBytes += quint64(bytes.size());
                sunk.addData(bytes);
            });
        QVERIFY2(pulled.ok(), qPrintable(test::messageOf(pulled)));
        QVERIFY(killed);
        QVERIFY(inOrder);
        QCOMPARE(sunkBytes, quint64(kBigSize));
        QCOMPARE(sunk.result(), m_bigHash);
        QVERIFY2(!pulled->partial, qPrintable(pulled->message));
        QCOMPARE(pulled->notes.size(), 1);
        qInfo("%s", qPrintable(pulled->notes.first()));
        QFile f(spool);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256), m_bigHash);
    }

    void secondDropKeepsPartialData()
    {
        SshTransport ssh(options(), HostKeyPolicy::refuseUnknown());
        const QString spool = m_data.filePath(QStringLiteral("big.partial"));
        PullRequest req{test::bytes(bigFile()), 0, quint64(kBigSize), false, SudoUse::No, spool};
        int kills = 0;
        quint64 lastKill = 0;
        quint64 sunkBytes = 0;
        bool inOrder = true;
        auto pulled = pullRange(
            ssh, req,
            [&](quint64 bytes) {
                if (bytes > lastKill + 4 * 1024 * 1024) {
                    lastKill = bytes;
                    kills += m_sshd.killSessions() > 0 ? 1 : 0;
                }
            },
            CancelToken(),
            [&](QByteArrayView bytes, quint64 offset) {
                inOrder = inOrder && offset == sunkBytes;
                sunkBytes += quint64(bytes.size());
            });
        QVERIFY2(pulled.ok(), qPrintable(test::messageOf(pulled)));
        QVERIFY(kills >= 2);
        QVERIFY(pulled->partial);
        qInfo("%s", qPrintable(pulled->message));
        QVERIFY(pulled->message.contains(QLatin1StringView("partial")));
        QVERIFY(pulled->wireBytes > 0 && pulled->wireBytes < quint64(kBigSize));
        QFile f(spool);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray kept = f.readAll();
        QCOMPARE(quint64(kept.size()), pulled->wireBytes);
        QVERIFY(inOrder);
        QCOMPARE(sunkBytes, pulled->wireBytes);
        QFile big(bigFile());
        QVERIFY(big.open(QIODevice::ReadOnly));
        QCOMPARE(kept, big.read(kept.size())); // what was kept is exactly the start of the file
    }
};

QTEST_GUILESS_MAIN(TestCollectTransfer)
#include "tst_collect_transfer.moc"
