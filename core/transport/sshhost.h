#pragma once

#include "transport/sshworker.h"

#include <QObject>
#include <QThread>
#include <map>

namespace gwb {

// The UI's handle on one SSH host. Creates the host's worker on a thread of its own (named "ssh:<host>"),
// queues requests to it and relays its signals, so that no call here ever waits on the network. Requests
// run one at a time in order; each has an id for its result signals and for cancel(). Prompts arrive as
// promptRequested and go back through answerPrompt(). Destroying the host cancels what is pending, refuses
// open prompts, disconnects and joins the thread.
class SshHost final : public QObject
{
    Q_OBJECT
public:
    SshHost(SshOptions options, UnknownHostKeys unknownKeys, QObject *parent = nullptr);
    ~SshHost() override;

    quint64 run(const RemoteCommand &command, std::chrono::milliseconds timeout);
    quint64 stream(const RemoteCommand &command);
    void cancel(quint64 requestId);
    void cancelAll();
    void answerPrompt(quint64 promptId, gwb::PromptAnswer answer);

    // "ssh web1" until the first connection, then "ssh deploy@web1.example.net:22".
    QString describe() const { return m_description; }
    // The worker thread, for tests and diagnostics.
    const QThread *workerThread() const { return m_thread; }

signals:
    void promptRequested(const gwb::Prompt &prompt);
    void runFinished(quint64 requestId, const gwb::Result<gwb::CommandOutput> &result);
    void chunkReceived(quint64 requestId, const QByteArray &chunk);
    void progress(quint64 requestId, quint64 bytesSoFar);
    void streamFinished(quint64 requestId, const gwb::Result<gwb::StreamEnd> &result);

private:
    CancelToken track(quint64 requestId);

    QThread *m_thread = nullptr;
    SshWorker *m_worker = nullptr; // lives on m_thread; deleted there when it finishes
    std::shared_ptr<PromptBroker> m_prompts;
    std::map<quint64, CancelToken> m_pending;
    quint64 m_nextId = 0;
    QString m_description;
};

} // namespace gwb
