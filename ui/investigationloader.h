#pragma once

#include "session.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>

namespace gwb {

// Loads and diagnoses an investigation on a pool thread. Cancel returns to idle at once: the worker sees
// the flag at its next check and its late result is dropped (a generation number tells stale from current).
// Reading, the diagnosis and building the views each look at the flag, so a cancelled worker stops within
// milliseconds instead of finishing a diagnosis nobody will see.
class InvestigationLoader final : public QObject
{
    Q_OBJECT
public:
    enum class Stage { Reading, Diagnosing, BuildingViews, Done };
    Q_ENUM(Stage)

    explicit InvestigationLoader(QObject *parent = nullptr);
    ~InvestigationLoader() override;

    void start(const LocalInputs &inputs, const DiagnoseOptions &options = {});
    void cancel();
    bool isRunning() const { return m_running; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

signals:
    void started();
    void stageChanged(gwb::InvestigationLoader::Stage stage); // of the current load only
    void loaded(gwb::SessionPtr session);
    void failed(const QString &message);
    void cancelled();
    // A worker whose load was cancelled or superseded has returned: the stage it was in and whether the work
    // of that stage stopped early on the flag (rather than running to its end). The window moved on when
    // Cancel was pressed; this is for tests and for knowing the machine is free again.
    void cancelledWorkerStopped(gwb::InvestigationLoader::Stage stage, bool stoppedEarly);

private:
    struct Outcome;
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_generation = 0;
    bool m_running = false;
    QElapsedTimer m_clock;
};

} // namespace gwb
