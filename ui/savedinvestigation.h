#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"
#include "session.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <atomic>
#include <memory>

namespace gwb {

// A saved investigation: a directory (NAME.gwbi) holding its data as an offline bundle (data/, schema
// gwb.bundle/1, checksums verified on reading), the time window and targets it was collected for
// (investigation.json, schema gwb.investigation/1) and the guided-check results (checks.json, a blob whose
// format the check engine owns). Reopening diagnoses the same data with the same window.
class SavedInvestigation
{
public:
    static constexpr const char *kSchema = "gwb.investigation/1";
    static constexpr const char *kSuffix = ".gwbi";

    QString title;
    CollectWindow window;
    QStringList targets; // "ssh deploy@web1:22", "files"
    qint64 savedAtUtcMs = 0;

    QJsonObject savedChecks() const { return m_checks; }
    void setSavedChecks(const QJsonObject &checks) { m_checks = checks; }

    QString directory() const { return m_directory; } // set by read() and write()
    QString dataDirectory() const;                    // the bundle inside

    [[nodiscard]] static Result<SavedInvestigation> read(const QString &directory);
    // Writes `directory` (new or empty): copies every collection's files into data/ (plus, with `filesOf`,
    // that session's own files as one more collection) and writes its manifest, then checks.json and
    // investigation.json. On failure or cancel what was written is removed again.
    [[nodiscard]] Result<void> write(const QString &directory, const std::vector<Collection> &collections,
                                     const std::atomic_bool *cancel = nullptr,
                                     const Session *filesOf = nullptr);

private:
    QJsonObject m_checks;
    QString m_directory;
};

// The config and logs of a session opened from files on this machine, written into `directory` as one
// collection (target "files"): the nginx -T dump (or one rendered from the files read), each log as parsed
// (decompressed), under its own file name so that its access_log format is found again.
[[nodiscard]] Result<Collection> collectionFromSession(const Session &session, const QString &directory,
                                                       const std::atomic_bool *cancel = nullptr);

// What a path picked in File → Open bundle is.
struct OpenPath
{
    enum class Kind : std::uint8_t
    {
        BundleDirectory,
        BundleArchive, // .tar.gz / .tgz
        Saved,
        Unknown
    };
    Kind kind = Kind::Unknown;
    QString path; // the directory (a picked manifest.json or investigation.json resolves to its directory)
};
OpenPath resolveOpenPath(const QString &picked);

// Saves an investigation on a pool thread (copying logs can take a while); cancel stops between chunks.
class InvestigationSaver final : public QObject
{
    Q_OBJECT
public:
    explicit InvestigationSaver(QObject *parent = nullptr);
    ~InvestigationSaver() override;

    // `collections` empty: the session's own files are written (a session opened from local files).
    void start(const QString &directory, SavedInvestigation meta, std::vector<Collection> collections,
               SessionPtr session);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void saved(const QString &directory);
    void failed(const QString &message);
    void cancelled();

private:
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace gwb
