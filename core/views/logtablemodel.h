#pragma once

#include "diagnosis/diagnosisresult.h"
#include "diagnosis/investigation.h"

#include <QAbstractTableModel>

#include <atomic>
#include <optional>

namespace gwb {

struct LogFilter
{
    std::optional<Cause> cause;
    int finding = -1;
    std::optional<int> status;     // exact client status, or 1 to 5 for a class (5 = 5xx); error lines: none
    QString peer;
    int location = -1;             // failures at this location
    QString host;
    TimeMs from = kNoTime, to = kNoTime;
    QString text;                  // case-insensitive substring of the raw line
    bool failuresOnly = false;

    bool operator==(const LogFilter &) const = default;
};

// The lines of the investigation's logs (access and error, each log one after the other) as a lazy table:
// rows are indices into the events, text is read from the mapped file only for rows that are painted.
// Columns: time, source (file), status/level, cause, peer, line text.
// The cause of a line is its failure's (DiagnosisResult::failures); an error line the diagnosis joined to a
// failed request has no failure of its own and shows the cause its message names (ErrorEvent::cause), which
// the access line may refine (premature-close → keepalive-race). Finding and location filters need a failure.
class LogTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, SourceColumn, StatusColumn, CauseColumn, PeerColumn, TextColumn, ColumnCount };
    enum Role { LocationRole = Qt::UserRole + 1, CauseRole, FindingRole, IsErrorLogRole };

    explicit LogTableModel(QObject *parent = nullptr);
    // Not owned; both must outlive the model or be replaced first. nullptr clears.
    void setInvestigation(const Investigation *inv, const DiagnosisResult *result);

    // Recomputes the visible rows; cheap filters (cause, status, peer, time) run over the compact events, the
    // text filter over the mapped text. `cancel` may stop a long text filter (then the rows stay unchanged).
    void setFilter(const LogFilter &filter, const std::atomic_bool *cancel = nullptr);
    const LogFilter &filter() const { return m_filter; }
    static bool isEmpty(const LogFilter &filter); // true when it lets every line through

    // Total lines of the investigation, whatever the filter.
    std::uint64_t totalRows() const { return m_logStart.empty() ? 0 : m_logStart.back(); }

    // File and line of a row, for "jump to" and evidence; the row of a file:line, -1 when filtered out.
    SourceLocation locationOf(int row) const;
    int rowOf(const SourceLocation &where) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        std::uint32_t log;     // high bit set: error log
        std::uint32_t event;
        bool operator<(const Row &o) const { return log != o.log ? log < o.log : event < o.event; }
    };
    static constexpr std::uint32_t kErrorLogBit = 0x8000'0000u;

public:
    // The rows of a filter. select() only reads the investigation and the model's lookup tables, so a worker
    // thread may run it (the model must not be given another investigation meanwhile); apply() then swaps
    // the rows in on the model's thread, and ignores a selection made before the last setInvestigation().
    // setFilter() is the two in one go.
    struct Selection
    {
        LogFilter filter;
        std::vector<Row> rows;
        bool all = true; // no filter: rows stay implicit (row i is the i-th line)
        std::uint64_t generation = 0;
    };
    std::optional<Selection> select(const LogFilter &filter, const std::atomic_bool *cancel = nullptr) const;
    void apply(Selection selection);

private:
    void rebuild(const std::atomic_bool *cancel);
    Row rowAt(int row) const;
    int logIndexOf(Row r) const // index into m_failureOfEvent, m_logStart, m_sourceNames
    {
        return r.log & kErrorLogBit ? int(m_inv->accessLogs.size() + (r.log & ~kErrorLogBit)) : int(r.log);
    }
    std::int32_t failureOf(Row r) const;
    Cause causeOf(Row r) const;
    QByteArrayView textOf(Row r) const;
    const QString &sourceOf(Row r) const;
    using Cancel = const std::atomic_bool *;
    void selectAccess(const LogFilter &f, std::uint32_t log, std::vector<Row> &out, Cancel cancel) const;
    void selectError(const LogFilter &f, std::uint32_t log, std::vector<Row> &out, Cancel cancel) const;
    void keepText(const LogFilter &f, std::vector<Row> &rows, std::size_t first, Cancel cancel) const;
    void textOnly(const LogFilter &f, std::uint32_t log, std::vector<Row> &out, Cancel cancel) const;
    bool failurePasses(const LogFilter &f, std::int32_t failure, Cause cause) const;
    void indexFailures();
    const Investigation *m_inv = nullptr;
    const DiagnosisResult *m_result = nullptr;
    LogFilter m_filter;
    std::vector<Row> m_rows;
    // (source, offset) → failure, for the cause column and failure filters
    std::vector<std::vector<std::int32_t>> m_failureOfEvent; // per log (access logs, then error logs)
    // (empty for a log without failures, else one entry per event: index into failures or -1)
    std::vector<std::uint64_t> m_logStart;  // first row of each log when unfiltered, then the total
    std::vector<QString> m_sourceNames;     // per log, file name for the source column
    bool m_all = true;                      // unfiltered: m_rows is empty and row i is line i
    std::uint64_t m_generation = 0;         // counts setInvestigation() calls, for stale selections
};

} // namespace gwb
