#pragma once

#include "session.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>

namespace gwb {

// Loads and diagnoses an investigation on a pool thread. Cancel returns to idle at once: the worker sees
// the flag at its next check and its late result is dropped (a generation number tells stale from current).
class InvestigationLoader final : public QObject
{
    Q_OBJECT
public:
    explicit InvestigationLoader(QObject *parent = nullptr);
    ~InvestigationLoader() override;

    void start(const LocalInputs &inputs, const DiagnoseOptions &options = {});
    void cancel();
    bool isRunning() const { return m_running; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

signals:
    void started();
    void loaded(gwb::SessionPtr session);
    void failed(const QString &message);
    void cancelled();

private:
    struct Outcome;
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_generation = 0;
    bool m_running = false;
    QElapsedTimer m_clock;
};

} // namespace gwb
