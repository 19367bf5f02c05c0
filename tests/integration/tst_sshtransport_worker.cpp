// SshHost: the per-host worker thread, prompts that travel out and answers that come back, results as
// queued signals, cancel, and a clean shutdown with a prompt still open.
#include "sshtestbase.h"
#include "transport/sshhost.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTest>
#include <memory>
#include <optional>

using namespace gwb;
using namespace gwb::test;
using namespace std::chrono_literals;

class TestSshTransportWorker final : public QObject, private SshTestBase
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!SshdFixture::available())
            QSKIP("/usr/sbin/sshd is not installed (Debian: openssh-server; packaging/install-deps.sh "
                  "installs it)");
        const QString failure = setUp(BigFile::Yes);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }
    void cleanupTestCase() { tearDown(); }

    void hostWorkerRunsOffTheCallingThread()
    {
        SshOptions o = options();
        o.knownHostsPath = knownHostsWith(QStringLiteral("worker_known_hosts"), {});
        SshHost host(o, UnknownHostKeys::Ask);
        QCOMPARE(host.workerThread()->objectName(), QStringLiteral("ssh:127.0.0.1"));
        QList<Prompt> prompts;
        connect(&host, &SshHost::promptRequested, this, [&](const Prompt &p) {
            QCOMPARE(QThread::currentThread(), thread());
            prompts << p;
            host.answerPrompt(p.id, PromptAnswer{true, {}});
        });
        QList<Result<CommandOutput>> runs;
        connect(&host, &SshHost::runFinished, this,
                [&](quint64, const Result<CommandOutput> &r) { runs << r; });
        host.run(RemoteCommand::id(), 10s);
        QTRY_COMPARE_WITH_TIMEOUT(runs.size(), 1, 20000);
        QVERIFY2(runs[0].ok(), qPrintable(runs[0].ok() ? QString() : message(runs[0].error())));
        QCOMPARE(prompts.size(), 1);
        QCOMPARE(prompts[0].kind, Prompt::Kind::HostKey);
        QCOMPARE(prompts[0].hostKey.fingerprint,
                 test::SshdFixture::fingerprint(m_sshd.file(QStringLiteral("host_ed25519.pub"))));
        QCOMPARE(host.describe(),
                 QStringLiteral("ssh %1@127.0.0.1:%2").arg(m_sshd.user()).arg(m_sshd.port()));

        // Streaming through the worker: chunks arrive on this thread in order while we keep running.
        QCryptographicHash hash(QCryptographicHash::Sha256);
        quint64 received = 0;
        std::optional<Result<StreamEnd>> finished;
        connect(&host, &SshHost::chunkReceived, this, [&](quint64, const QByteArray &chunk) {
            hash.addData(chunk);
            received += quint64(chunk.size());
        });
        connect(&host, &SshHost::streamFinished, this,
                [&](quint64, const Result<StreamEnd> &r) { finished = r; });
        host.stream(RemoteCommand::readFile(bytes(bigFile())));
        QTRY_VERIFY_WITH_TIMEOUT(finished.has_value(), 60000);
        QVERIFY(finished->ok());
        QCOMPARE(received, quint64(kBigSize));
        QCOMPARE(hash.result(), m_bigHash);

        // Cancel through the host.
        finished.reset();
        const quint64 id = host.stream(RemoteCommand::readFile(bytes(bigFile())));
        host.cancel(id);
        QTRY_VERIFY_WITH_TIMEOUT(finished.has_value(), 20000);
        QVERIFY(!finished->ok());
        QCOMPARE(finished->error().kind, Error::Kind::Cancelled);
    }

    void cancelAndShutdownWhileAPromptIsOpen()
    {
        SshOptions o = options();
        o.knownHostsPath = knownHostsWith(QStringLiteral("pending_known_hosts"), {});
        auto host = std::make_unique<SshHost>(o, UnknownHostKeys::Ask);
        int prompts = 0;
        QList<Result<CommandOutput>> runs;
        connect(host.get(), &SshHost::promptRequested, this, [&](const Prompt &) { ++prompts; });
        connect(host.get(), &SshHost::runFinished, this,
                [&](quint64, const Result<CommandOutput> &r) { runs << r; });
        const quint64 first = host->run(RemoteCommand::id(), 10s);
        host->run(RemoteCommand::id(), 10s);
        QTRY_COMPARE_WITH_TIMEOUT(prompts, 1, 20000);
        host->cancel(first); // the worker stops waiting for the answer
        QTRY_COMPARE_WITH_TIMEOUT(runs.size(), 1, 5000);
        QVERIFY(!runs[0].ok());
        QCOMPARE(runs[0].error().kind, Error::Kind::Cancelled);
        QTRY_COMPARE_WITH_TIMEOUT(prompts, 2, 20000); // the second request asks again
        QElapsedTimer t;
        t.start();
        host.reset(); // never answered: destruction must neither hang nor crash
        QVERIFY(t.elapsed() < 5000);
    }
};

QTEST_GUILESS_MAIN(TestSshTransportWorker)
#include "tst_sshtransport_worker.moc"
