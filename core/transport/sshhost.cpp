#include "transport/sshhost.h"

namespace gwb {

SshHost::SshHost(SshOptions options, UnknownHostKeys unknownKeys, QObject *parent)
    : QObject(parent), m_thread(new QThread(this))
{
    m_description = QStringLiteral("ssh ") + options.host;
    m_thread->setObjectName(QStringLiteral("ssh:") + options.host);
    // The broker publishes from the worker thread; the queued signal carries the prompt to our thread.
    m_prompts = std::make_shared<PromptBroker>([this](const Prompt &prompt) {
        QMetaObject::invokeMethod(
            this, [this, prompt] { emit promptRequested(prompt); }, Qt::QueuedConnection);
    });
    m_worker = new SshWorker(std::move(options), unknownKeys, m_prompts);
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SshWorker::runFinished, this, [this](quint64 id, const Result<CommandOutput> &result) {
        m_pending.erase(id);
        emit runFinished(id, result);
    });
    connect(m_worker, &SshWorker::streamFinished, this, [this](quint64 id, const Result<StreamEnd> &result) {
        m_pending.erase(id);
        emit streamFinished(id, result);
    });
    connect(m_worker, &SshWorker::chunkReceived, this, &SshHost::chunkReceived);
    connect(m_worker, &SshWorker::progress, this, &SshHost::progress);
    connect(m_worker, &SshWorker::described, this, [this](const QString &text) { m_description = text; });
    m_thread->start();
}

SshHost::~SshHost()
{
    cancelAll();
    m_prompts->shutdown();
    // Disconnect on the worker thread (libssh handles belong to it), then let its event loop end.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->disconnectFromHost(); }, Qt::QueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

CancelToken SshHost::track(quint64 requestId)
{
    CancelToken token;
    m_pending.emplace(requestId, token);
    return token;
}

quint64 SshHost::run(const RemoteCommand &command, std::chrono::milliseconds timeout)
{
    const quint64 id = ++m_nextId;
    const CancelToken token = track(id);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, id, command, timeout, token] { worker->run(id, command, timeout, token); },
        Qt::QueuedConnection);
    return id;
}

quint64 SshHost::stream(const RemoteCommand &command)
{
    const quint64 id = ++m_nextId;
    const CancelToken token = track(id);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, id, command, token] { worker->stream(id, command, token); },
        Qt::QueuedConnection);
    return id;
}

void SshHost::cancel(quint64 requestId)
{
    if (const auto it = m_pending.find(requestId); it != m_pending.end())
        it->second.cancel();
}

void SshHost::cancelAll()
{
    for (const auto &[id, token] : m_pending)
        token.cancel();
}

void SshHost::answerPrompt(quint64 promptId, PromptAnswer answer)
{
    m_prompts->answer(promptId, std::move(answer));
}

} // namespace gwb
