#pragma once

#include "views/logtablemodel.h"

#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace gwb {

// Filters a LogTableModel off the UI thread: select() scans the lines on a worker, the rows are swapped in
// on the model's thread when it is done. A new filter cancels the scan of the previous one and its late rows
// are dropped, so the last filter asked for always wins. The model keeps showing its old rows meanwhile.
class LogFilterRunner final : public QObject
{
    Q_OBJECT
public:
    explicit LogFilterRunner(LogTableModel *model, QObject *parent = nullptr);
    ~LogFilterRunner() override;

    void start(const LogFilter &filter);
    // The running scan stops at its next look at the flag; the model keeps its rows.
    void cancel();
    // Cancels and waits until no worker reads the model: call before the model gets another investigation.
    void stopAndWait();
    bool isRunning() const { return m_running; }

signals:
    void started();
    void finished(); // the rows of the last filter started are in the model

private:
    LogTableModel *m_model;
    // One thread: a cancelled scan has left the model before the next one starts reading it.
    QThreadPool m_pool;
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace gwb
