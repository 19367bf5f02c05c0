#pragma once

#include "transport/promptbroker.h"
#include "transport/sshtransport.h"

#include <QObject>
#include <memory>

namespace gwb {

// How a host's unknown key is handled (a changed key is always refused, whatever this says).
enum class UnknownHostKeys : std::uint8_t
{
    Refuse,
    AcceptNew,
    Ask
};

// Owns one SshTransport and lives on its own thread (SshHost moves it there): every libssh call for this
// host happens on that thread, one request after the other. Requests come in as queued calls, results and
// prompts leave as signals — the only way anything leaves a worker.
class SshWorker final : public QObject
{
    Q_OBJECT
public:
    SshWorker(SshOptions options, UnknownHostKeys unknownKeys, std::shared_ptr<PromptBroker> prompts);
    ~SshWorker() override;

    // Worker thread only (SshHost queues these).
    void run(quint64 requestId, const gwb::RemoteCommand &command, std::chrono::milliseconds timeout,
             gwb::CancelToken cancel);
    void stream(quint64 requestId, const gwb::RemoteCommand &command, gwb::CancelToken cancel);
    void disconnectFromHost();

signals:
    void runFinished(quint64 requestId, const gwb::Result<gwb::CommandOutput> &result);
    void chunkReceived(quint64 requestId, const QByteArray &chunk);
    void progress(quint64 requestId, quint64 bytesSoFar);
    void streamFinished(quint64 requestId, const gwb::Result<gwb::StreamEnd> &result);
    void described(const QString &description);

private:
    std::shared_ptr<PromptBroker> m_prompts;
    CancelToken m_current; // the request being served: a prompt it raises is cancelled with it
    std::unique_ptr<SshTransport> m_transport;
};

} // namespace gwb
