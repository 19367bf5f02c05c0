#pragma once

#include "collect/collecttypes.h"
#include "session.h"
#include "transport/promptbroker.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <memory>

class QTemporaryDir;
class QThread;

namespace gwb {

// What to collect: the hosts (SSH, or this machine), the time window, and what the login may do.
struct CollectJob
{
    struct Target
    {
        SshOptions ssh;
        bool local = false;
        QString label; // directory name of the host's data; empty: derived from the host
    };
    std::vector<Target> targets; // collected side by side
    CollectWindow window;        // since open: `span` back from each host's own clock
    std::chrono::milliseconds span{std::chrono::hours(2)};
    bool allTime = false;
    SudoUse sudo = SudoUse::No;
    QString nginxConf;              // when several nginx masters run: the one with this -c
    bool rememberPasswords = false; // passwords may come from / go to the desktop keychain
    DiagnoseOptions diagnose;
};

// The label of each target of `job`, in order: its own label, else "local" or host[:port], made unique
// ("web1", "web1-2"). It names the host's directory and Collection::hostLabel.
QStringList targetLabels(const CollectJob &job);

// Where an investigation's data came from and what keeps it on disk; what File → Save investigation
// writes back.
struct SessionSource
{
    enum class Kind : std::uint8_t
    {
        Collected,
        Bundle,
        Saved
    };
    Kind kind = Kind::Collected;
    QString path;  // the bundle or saved investigation that was opened
    QString title; // for the window title: "web1 + web2", "bundle incident-42"
    std::vector<Collection> collections;
    CollectWindow window;   // as given to investigationFrom (open sides: the collections' windows)
    QStringList targets;    // how each host was reached: "ssh deploy@web1:22"
    QJsonObject checks;     // guided-check results saved with the investigation
    QStringList problems;   // hosts that could not be collected (the others were), one sentence each
    QString hostKeyRefusal; // a changed (or other-type) host key was refused: the warning to show
    std::shared_ptr<QTemporaryDir> spool; // collected or unpacked files, while anything uses them
};
using SessionSourcePtr = std::shared_ptr<const SessionSource>;

// How far a collection has come, over all hosts.
struct CollectStatus
{
    QString host; // the host and file that moved last
    QString file;
    quint64 bytes = 0; // transferred so far, all hosts
    int filesDone = 0;
    int filesTotal = 0; // known once each host's logs were listed
};

// Collects from servers with the same core code as `gwb collect` (collectAll → Collector), or opens an
// offline bundle / saved investigation, then diagnoses — all on a thread of its own ("collect"), so the UI
// never waits on the network or the disk. Host-key and credential questions arrive as promptRequested and
// go back through answerPrompt(). Cancel returns to idle at once; the worker stops at its next check and
// its late results are dropped. The collected files stay on disk as long as the session (or the source)
// that uses them.
class CollectRunner final : public QObject
{
    Q_OBJECT
public:
    explicit CollectRunner(QObject *parent = nullptr);
    ~CollectRunner() override;

    void collect(const CollectJob &job);
    // A bundle directory (or its manifest.json), a .tar.gz bundle, or a saved investigation (.gwbi).
    void open(const QString &path, const DiagnoseOptions &options = {});
    void cancel();
    void answerPrompt(quint64 promptId, gwb::PromptAnswer answer);

    bool isRunning() const { return m_shared != nullptr; }
    const CollectJob &lastJob() const { return m_job; }
    qint64 elapsedMs() const;

    struct Shared;

signals:
    void started(const QString &what);
    void progress(const gwb::CollectStatus &status);
    void promptRequested(const gwb::Prompt &prompt);
    void loaded(gwb::SessionPtr session, gwb::SessionSourcePtr source);
    // `hostKeyRefusal`: a changed or other-type host key was refused (message is the warning).
    void failed(const QString &message, bool hostKeyRefusal);
    void cancelled();

private:
    friend struct Shared;
    void launch(const QString &what, std::function<void(const std::shared_ptr<Shared> &)> work);
    void finish();

    std::shared_ptr<Shared> m_shared; // of the running work; null when idle
    QPointer<QThread> m_thread;
    CollectJob m_job;
    qint64 m_startedMs = 0;
};

} // namespace gwb
