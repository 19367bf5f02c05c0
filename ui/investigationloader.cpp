#include "investigationloader.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace gwb {

struct InvestigationLoader::Outcome
{
    std::shared_ptr<Session> session;
    QString error;
};

InvestigationLoader::InvestigationLoader(QObject *parent) : QObject(parent) {}

InvestigationLoader::~InvestigationLoader()
{
    // A worker still running only touches its own copies and the shared flag; tell it to stop early.
    if (m_cancel)
        m_cancel->store(true);
}

void InvestigationLoader::start(const LocalInputs &inputs, const DiagnoseOptions &options)
{
    cancel();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    const quint64 generation = ++m_generation;
    m_running = true;
    m_clock.start();
    emit started();

    auto flag = m_cancel;
    QFuture<Outcome> future = QtConcurrent::run([inputs, options, flag]() -> Outcome {
        Outcome out;
        auto inv = Investigation::loadLocal(inputs, flag.get());
        if (flag->load())
            return out;
        if (!inv) {
            out.error = inv.error().message;
            return out;
        }
        auto session = std::make_shared<Session>();
        session->inputs = inputs;
        session->investigation = std::move(inv).value();
        session->result = Diagnoser::run(session->investigation, options);
        if (flag->load())
            return out;
        session->chain = ChainGraph::build(session->investigation, session->result);
        session->timeline = TimelineIndex::build(session->investigation, session->result);
        out.session = std::move(session);
        return out;
    });
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // cancelled or superseded: the user has moved on
        m_running = false;
        const Outcome out = watcher->result();
        if (out.session)
            emit loaded(out.session);
        else if (!out.error.isEmpty())
            emit failed(out.error);
        else
            emit cancelled();
    });
    watcher->setFuture(future);
}

void InvestigationLoader::cancel()
{
    if (!m_running)
        return;
    m_cancel->store(true);
    ++m_generation;
    m_running = false;
    emit cancelled();
}

} // namespace gwb
