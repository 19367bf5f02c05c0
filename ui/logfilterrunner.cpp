#include "logfilterrunner.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>

namespace gwb {

LogFilterRunner::LogFilterRunner(LogTableModel *model, QObject *parent) : QObject(parent), m_model(model)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("gwb-log-filter"));
}

LogFilterRunner::~LogFilterRunner()
{
    stopAndWait();
}

void LogFilterRunner::start(const LogFilter &filter)
{
    cancel();
    m_cancel = std::make_shared<std::atomic_bool>(false);
    const quint64 generation = ++m_generation;
    m_running = true;

    using Selection = std::optional<LogTableModel::Selection>;
    auto selection = std::make_shared<Selection>();
    const LogTableModel *model = m_model;
    QFuture<void> future = QtConcurrent::run(&m_pool, [model, filter, flag = m_cancel, selection] {
        *selection = model->select(filter, flag.get());
    });
    auto *watcher = new QFutureWatcher<void>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, selection] {
        watcher->deleteLater();
        if (generation != m_generation || !*selection)
            return; // superseded or cancelled: a newer filter owns the model
        m_running = false;
        m_model->apply(std::move(**selection));
        emit finished();
    });
    watcher->setFuture(future);
    emit started();
}

void LogFilterRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
    ++m_generation;
    m_running = false;
}

void LogFilterRunner::stopAndWait()
{
    cancel();
    m_pool.waitForDone();
}

} // namespace gwb
