#include "investigationloader.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace gwb {

struct InvestigationLoader::Outcome
{
    std::shared_ptr<Session> session;
    QString error;
    Stage stage = Stage::Reading;
    bool stoppedEarly = false; // the work of `stage` saw the cancel flag before its end
};

namespace {

using Stage = InvestigationLoader::Stage;

// Each stage is a result of the future: its watcher delivers every one on the loader's thread (progress
// values would be thinned to 25 a second and lose a short stage), and the future's shared state outlives a
// loader destroyed while the worker still runs.
void enter(QPromise<Stage> &promise, Stage stage)
{
    promise.addResult(stage);
}

} // namespace

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
    auto outcome = std::make_shared<Outcome>();
    QFuture<Stage> future = QtConcurrent::run([inputs, options, flag, outcome](QPromise<Stage> &promise) {
        Outcome &out = *outcome;
        enter(promise, out.stage = Stage::Reading);
        auto inv = Investigation::loadLocal(inputs, flag.get());
        if (flag->load()) {
            out.stoppedEarly = true;
            return;
        }
        if (!inv) {
            out.error = inv.error().message;
            return;
        }
        auto session = std::make_shared<Session>();
        session->inputs = inputs;
        session->investigation = std::move(inv).value();
        enter(promise, out.stage = Stage::Diagnosing);
        DiagnoseOptions diagnose = options;
        diagnose.cancel = flag.get();
        session->result = Diagnoser::run(session->investigation, diagnose);
        if (session->result.cancelled || flag->load()) {
            out.stoppedEarly = session->result.cancelled;
            return;
        }
        // The chain graph and the timeline index take no flag: they are one pass each over compact events.
        enter(promise, out.stage = Stage::BuildingViews);
        session->chain = ChainGraph::build(session->investigation, session->result);
        if (flag->load())
            return;
        session->timeline = TimelineIndex::build(session->investigation, session->result);
        if (flag->load())
            return;
        out.stage = Stage::Done;
        out.session = std::move(session);
    });
    auto *watcher = new QFutureWatcher<Stage>(this);
    connect(watcher, &QFutureWatcherBase::resultsReadyAt, this, [this, watcher, generation](int begin, int end) {
        for (int i = begin; i < end && generation == m_generation && m_running; ++i)
            emit stageChanged(watcher->resultAt(i));
    });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, outcome] {
        watcher->deleteLater();
        if (generation != m_generation) { // cancelled or superseded: the user has moved on
            emit cancelledWorkerStopped(outcome->stage, outcome->stoppedEarly);
            return;
        }
        m_running = false;
        if (outcome->session)
            emit loaded(outcome->session);
        else if (!outcome->error.isEmpty())
            emit failed(outcome->error);
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
