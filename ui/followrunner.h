#pragma once

#include "collect/followsession.h"
#include "collectrunner.h"
#include "selectionstate.h"
#include "session.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

class QThread;

namespace gwb {

// Follows the logs of the open investigation live (core FollowSession, one per host, off the UI thread):
// new lines go into the local copies (or are already in the files, for this machine and the lab) and
// linesArrived tells the window it may refresh. Stop returns at once; the worker ends at its next check and
// what it posts later is dropped.
class FollowRunner final : public QObject
{
    Q_OBJECT
public:
    explicit FollowRunner(QObject *parent = nullptr);
    ~FollowRunner() override;

    void start(std::vector<FollowTarget> targets, const FollowOptions &options = {});
    void stop();
    bool isRunning() const { return m_shared != nullptr; }

    int files() const { return m_files; }
    quint64 newLines() const { return m_newLines; }
    quint64 failures() const { return m_failures; }
    QDateTime lastLineAt() const { return m_lastLineAt; }

    // What can be followed for a session, or why nothing can: a collected source's hosts (SSH or local,
    // reached again as the collection reached them) or, without a source, this machine's files the session
    // read (the practice lab, this machine's nginx). Bundles, saved investigations and hand-picked files do
    // not grow.
    struct Plan
    {
        std::vector<FollowTarget> targets;
        QStringList notes; // files that are followed but not kept, formats that fell back to combined
        QString whyNot;    // set when nothing can be followed
    };
    static Plan planFor(const Session &session, const SessionSource *source, const CollectJob &job,
                        bool filesAreThisMachine);

    // The user's filter carried over to a refreshed session: cause, peer, location and time range as they
    // were; a picked finding by its cause and place, when the new diagnosis still has it.
    static ViewFilter carryFilter(const ViewFilter &filter, const DiagnosisResult &before, const DiagnosisResult &after);
    static void applyFilter(SelectionState &selection, const ViewFilter &filter);

    struct Shared;

signals:
    void linesArrived(quint64 totalNewLines);
    void failureSeen(const gwb::FollowFailure &failure);
    void noteAdded(const gwb::FollowNote &note);
    // The worker ended on its own (connection lost for good): the message says why.
    void failed(const QString &message);

private:
    friend struct Shared;
    std::shared_ptr<Shared> m_shared;
    QPointer<QThread> m_thread;
    int m_files = 0;
    quint64 m_newLines = 0;
    quint64 m_failures = 0;
    QDateTime m_lastLineAt;
    std::map<QString, quint64> m_linesPerHost;
};

} // namespace gwb
