// LogFollower over the local transport: appended lines arrive, and logrotate's two ways — rename + new file,
// and copytruncate — lose no line and repeat none.

#include "collect/logfollower.h"
#include "transport/localtransport.h"
#include "testutil.h"

#include <QTemporaryDir>
#include <thread>

using namespace gwb;

class TestCollectFollow final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_log;
    QByteArrayList m_seen;

    void append(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    LogFollower::LineSink sink()
    {
        return [this](QByteArrayView lines) {
            for (const QByteArray &l : lines.toByteArray().split('\n'))
                if (!l.isEmpty())
                    m_seen << l;
        };
    }
    QByteArray seen() const { return m_seen.join(','); }

private slots:
    void init()
    {
        m_seen.clear();
        m_log = m_dir.filePath(QStringLiteral("access.log"));
        QFile::remove(m_log);
        QFile::remove(m_log + QStringLiteral(".1"));
        append(m_log, "old1\nold2\n");
    }

    void appendsAndPartialLines()
    {
        LocalTransport local;
        LogFollower f(local, QFile::encodeName(m_log), SudoUse::No, LogFollower::Start::AtEnd);
        QVERIFY(f.poll(sink(), CancelToken()).ok());
        QCOMPARE(seen(), QByteArray());
        append(m_log, "a\nb\nhal");
        auto step = f.poll(sink(), CancelToken());
        QVERIFY(step.ok());
        QCOMPARE(seen(), QByteArray("a,b"));
        append(m_log, "f\n");
        QVERIFY(f.poll(sink(), CancelToken()).ok());
        QCOMPARE(seen(), QByteArray("a,b,half"));
    }

    void renameAndNewFile()
    {
        LocalTransport local;
        LogFollower f(local, QFile::encodeName(m_log), SudoUse::No, LogFollower::Start::AtStart);
        QVERIFY(f.poll(sink(), CancelToken()).ok());
        QCOMPARE(seen(), QByteArray("old1,old2"));
        append(m_log, "before-rotate\n");
        QVERIFY(QFile::rename(m_log, m_log + QStringLiteral(".1")));
        append(m_log + QStringLiteral(".1"), "late-in-old\n"); // nginx writes to the old inode until reopen
        QVERIFY(f.poll(sink(), CancelToken()).ok());          // between rename and new file: no error
        append(m_log, "new1\nnew2\n");
        auto step = f.poll(sink(), CancelToken());
        QVERIFY(step.ok());
        QVERIFY(step->rotated);
        QCOMPARE(seen(), QByteArray("old1,old2,before-rotate,late-in-old,new1,new2"));
        append(m_log, "new3\n");
        QVERIFY(f.poll(sink(), CancelToken()).ok());
        QCOMPARE(seen(), QByteArray("old1,old2,before-rotate,late-in-old,new1,new2,new3"));
    }

    void copyTruncate()
    {
        LocalTransport local;
        LogFollower f(local, QFile::encodeName(m_log), SudoUse::No, LogFollower::Start::AtStart);
        QVERIFY(f.poll(sink(), CancelToken()).ok());
        append(m_log, "unseen-before-copy\n");
        QVERIFY(QFile::copy(m_log, m_log + QStringLiteral(".1")));
        QFile trunc(m_log);
        QVERIFY(trunc.resize(0));
        append(m_log, "n1\n");
        auto step = f.poll(sink(), CancelToken());
        QVERIFY(step.ok());
        QVERIFY(step->truncated);
        QCOMPARE(seen(), QByteArray("old1,old2,unseen-before-copy,n1"));
        append(m_log, "n2\n");
        QVERIFY(f.poll(sink(), CancelToken()).ok());
        QCOMPARE(seen(), QByteArray("old1,old2,unseen-before-copy,n1,n2"));
    }

    void runStopsOnCancel()
    {
        LocalTransport local;
        LogFollower f(local, QFile::encodeName(m_log), SudoUse::No, LogFollower::Start::AtStart);
        CancelToken cancel;
        std::thread stopper([cancel] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancel.cancel();
        });
        auto r = f.run(sink(), std::chrono::milliseconds(100), cancel);
        stopper.join();
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::Cancelled);
        QCOMPARE(seen(), QByteArray("old1,old2"));
    }
};

QTEST_GUILESS_MAIN(TestCollectFollow)
#include "tst_collect_follow.moc"
