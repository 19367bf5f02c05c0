#include "logtablemodel.h"

#include "common/wallclock.h"
#include "diagnosis/failures.h"

#include <QFileInfo>
#include <algorithm>

namespace gwb {

namespace {

// A painted cell never needs more; a multi-megabyte line would only stall the view.
constexpr qsizetype kMaxCellBytes = 4096;
constexpr qsizetype kMaxToolTipBytes = 16384;

QString cellText(QByteArrayView text, qsizetype limit)
{
    const bool cut = text.size() > limit;
    QString s = QString::fromUtf8(text.first(std::min(text.size(), limit)));
    if (cut)
        s += QStringLiteral(" …");
    return s;
}

// The event whose line (or, for an error entry, one of its continuation lines) is `line`; -1 when none.
template <typename Log> std::ptrdiff_t eventAtLine(const Log &log, LineNumber line)
{
    const QByteArrayView text = log.text->bytes();
    auto lineOf = [&](std::size_t i) { return log.lines.lineAt(text, ByteOffset(log.events[i].offset)); };
    std::size_t lo = 0, hi = log.events.size();
    while (lo < hi) { // lineAt counts from a checkpoint: a few dozen look-ups, not one per event
        const std::size_t mid = lo + (hi - lo) / 2;
        if (lineOf(mid) <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -1;
    const std::size_t i = lo - 1;
    const LineNumber first = lineOf(i);
    if (first == line)
        return std::ptrdiff_t(i);
    if constexpr (std::is_same_v<Log, ErrorLogResult>) {
        const QByteArrayView entry =
            text.sliced(qsizetype(log.events[i].offset))
                .first(std::min<qsizetype>(qsizetype(log.events[i].length),
                                           text.size() - qsizetype(log.events[i].offset)));
        if (line.value < first.value + 1 + std::uint32_t(entry.count('\n')))
            return std::ptrdiff_t(i);
    }
    return -1;
}

bool samePath(const QString &a, const QString &b)
{
    return a == b || QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath();
}

} // namespace

LogTableModel::LogTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void LogTableModel::setInvestigation(const Investigation *inv, const DiagnosisResult *result)
{
    beginResetModel();
    ++m_generation;
    m_inv = inv;
    m_result = result;
    m_filter = {};
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_all = true;
    m_logStart.clear();
    m_sourceNames.clear();
    m_failureOfEvent.clear();
    if (m_inv) {
        m_logStart.push_back(0);
        for (const AccessLogResult &log : m_inv->accessLogs) {
            m_logStart.push_back(m_logStart.back() + log.events.size());
            m_sourceNames.push_back(log.text ? QFileInfo(log.text->path()).fileName() : QString());
        }
        for (const ErrorLogResult &log : m_inv->errorLogs) {
            m_logStart.push_back(m_logStart.back() + log.events.size());
            m_sourceNames.push_back(log.text ? QFileInfo(log.text->path()).fileName() : QString());
        }
        indexFailures();
    }
    endResetModel();
}

// (source, offset) of every failure → its event: logs are in file order, so a binary search on the offset.
void LogTableModel::indexFailures()
{
    const std::size_t logs = m_inv->accessLogs.size() + m_inv->errorLogs.size();
    m_failureOfEvent.assign(logs, {});
    if (!m_result)
        return;
    std::vector<int> logOfSource(0x10000 * 2, -1); // [fromErrorLog][source]
    for (std::size_t i = 0; i < m_inv->accessLogs.size(); ++i)
        logOfSource[m_inv->accessLogs[i].source.value] = int(i);
    for (std::size_t i = 0; i < m_inv->errorLogs.size(); ++i)
        logOfSource[0x10000 + m_inv->errorLogs[i].source.value] = int(m_inv->accessLogs.size() + i);

    auto mark = [&](int log, std::size_t event, std::size_t failure) {
        std::vector<std::int32_t> &map = m_failureOfEvent[std::size_t(log)];
        if (map.empty())
            map.assign(m_logStart[std::size_t(log) + 1] - m_logStart[std::size_t(log)], -1);
        map[event] = static_cast<std::int32_t>(failure);
    };
    for (std::size_t k = 0; k < m_result->failures.size(); ++k) {
        const FailureEvent &f = m_result->failures[k];
        const int log = logOfSource[(f.fromErrorLog ? 0x10000 : 0) + f.source];
        if (log < 0)
            continue;
        auto find = [&](const auto &events) -> std::ptrdiff_t {
            const auto it = std::lower_bound(
                events.begin(), events.end(), f.offset,
                [](const auto &e, std::uint64_t off) { return std::uint64_t(e.offset) < off; });
            return it != events.end() && std::uint64_t(it->offset) == f.offset ? it - events.begin() : -1;
        };
        const std::ptrdiff_t event =
            f.fromErrorLog ? find(m_inv->errorLogs[std::size_t(log) - m_inv->accessLogs.size()].events)
                           : find(m_inv->accessLogs[std::size_t(log)].events);
        if (event >= 0)
            mark(log, std::size_t(event), k);
    }
}

LogTableModel::Row LogTableModel::rowAt(int row) const
{
    if (!m_all)
        return m_rows[std::size_t(row)];
    const auto it = std::upper_bound(m_logStart.begin(), m_logStart.end(), std::uint64_t(row));
    const auto log = static_cast<std::uint32_t>(it - m_logStart.begin() - 1);
    const auto event = static_cast<std::uint32_t>(std::uint64_t(row) - m_logStart[log]);
    const auto accessLogs = static_cast<std::uint32_t>(m_inv->accessLogs.size());
    return log < accessLogs ? Row{log, event} : Row{(log - accessLogs) | kErrorLogBit, event};
}

std::int32_t LogTableModel::failureOf(Row r) const
{
    const auto &map = m_failureOfEvent[std::size_t(logIndexOf(r))];
    return map.empty() ? -1 : map[r.event];
}

Cause LogTableModel::causeOf(Row r) const
{
    const std::int32_t f = failureOf(r);
    if (f >= 0)
        return m_result->failures[std::size_t(f)].cause;
    // An error line joined to a failed request has no failure of its own: its message still names a cause.
    if (r.log & kErrorLogBit)
        return m_inv->errorLogs[r.log & ~kErrorLogBit].events[r.event].cause;
    return Cause::None;
}

QByteArrayView LogTableModel::textOf(Row r) const
{
    if (r.log & kErrorLogBit) {
        const ErrorLogResult &log = m_inv->errorLogs[r.log & ~kErrorLogBit];
        return detail::errorEntryText(log, log.events[r.event]);
    }
    const AccessLogResult &log = m_inv->accessLogs[r.log];
    return detail::accessLineText(log, log.events[r.event]);
}

const QString &LogTableModel::sourceOf(Row r) const
{
    return m_sourceNames[std::size_t(logIndexOf(r))];
}

int LogTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_inv)
        return 0;
    const std::uint64_t n = m_all ? totalRows() : m_rows.size();
    return static_cast<int>(std::min<std::uint64_t>(n, std::uint64_t(std::numeric_limits<int>::max())));
}

int LogTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_inv)
        return {};
    const Row r = rowAt(index.row());
    const bool isError = r.log & kErrorLogBit;
    switch (role) {
    case LocationRole:
        return locationOf(index.row()).toString();
    case CauseRole:
        return static_cast<int>(causeOf(r));
    case FindingRole: {
        const std::int32_t f = failureOf(r);
        return f >= 0 ? m_result->failures[std::size_t(f)].finding : -1;
    }
    case IsErrorLogRole:
        return isError;
    case Qt::ToolTipRole:
        if (index.column() == TextColumn)
            return cellText(textOf(r), kMaxToolTipBytes);
        if (index.column() == CauseColumn && causeOf(r) != Cause::None)
            return causeInfo(causeOf(r)).title;
        if (index.column() == SourceColumn)
            return locationOf(index.row()).toString();
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const ErrorEvent *ee = isError ? &m_inv->errorLogs[r.log & ~kErrorLogBit].events[r.event] : nullptr;
    const AccessEvent *ae = isError ? nullptr : &m_inv->accessLogs[r.log].events[r.event];
    switch (index.column()) {
    case TimeColumn:
        return formatWallClock(isError ? ee->time : ae->time);
    case SourceColumn:
        return sourceOf(r);
    case StatusColumn:
        if (isError)
            return QString(ErrorLogParser::levelName(static_cast<LogLevel>(ee->level)));
        return QStringLiteral("%1").arg(ae->status.value, 3, 10, QLatin1Char('0'));
    case CauseColumn: {
        const Cause c = causeOf(r);
        return c == Cause::None ? QString() : QString(causeId(c));
    }
    case PeerColumn:
        return QString::fromUtf8(isError ? m_inv->errorLogs[r.log & ~kErrorLogBit].peers.value(ee->peer.value)
                                         : m_inv->accessLogs[r.log].peers.value(ae->peer.value));
    case TextColumn: {
        QByteArrayView text = textOf(r);
        if (const qsizetype nl = text.indexOf('\n'); nl >= 0) // continuation lines: in the tool tip
            return QString(cellText(text.first(nl), kMaxCellBytes) + QStringLiteral(" ⏎ …"));
        return cellText(text, kMaxCellBytes);
    }
    default:
        return {};
    }
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const names[ColumnCount] = {"Time", "Source", "Status", "Cause", "Peer", "Line"};
    return QString::fromLatin1(names[section]);
}

SourceLocation LogTableModel::locationOf(int row) const
{
    if (!m_inv || row < 0 || row >= rowCount())
        return {};
    const Row r = rowAt(row);
    if (r.log & kErrorLogBit) {
        const ErrorLogResult &log = m_inv->errorLogs[r.log & ~kErrorLogBit];
        const auto offset = ByteOffset(log.events[r.event].offset);
        return {log.text->path(), log.lines.lineAt(log.text->bytes(), offset)};
    }
    const AccessLogResult &log = m_inv->accessLogs[r.log];
    return {log.text->path(), log.lines.lineAt(log.text->bytes(), ByteOffset(log.events[r.event].offset))};
}

int LogTableModel::rowOf(const SourceLocation &where) const
{
    if (!m_inv || !where.isValid() || where.line.value == 0)
        return -1;
    std::optional<Row> found;
    for (std::size_t i = 0; i < m_inv->accessLogs.size() && !found; ++i) {
        const AccessLogResult &log = m_inv->accessLogs[i];
        if (log.text && samePath(log.text->path(), where.file))
            if (const auto e = eventAtLine(log, where.line); e >= 0)
                found = Row{std::uint32_t(i), std::uint32_t(e)};
    }
    for (std::size_t i = 0; i < m_inv->errorLogs.size() && !found; ++i) {
        const ErrorLogResult &log = m_inv->errorLogs[i];
        if (log.text && samePath(log.text->path(), where.file))
            if (const auto e = eventAtLine(log, where.line); e >= 0)
                found = Row{std::uint32_t(i) | kErrorLogBit, std::uint32_t(e)};
    }
    if (!found)
        return -1;
    std::uint64_t row = 0;
    if (m_all) {
        row = m_logStart[std::size_t(logIndexOf(*found))] + found->event;
    } else {
        const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), *found);
        if (it == m_rows.end() || it->log != found->log || it->event != found->event)
            return -1;
        row = std::uint64_t(it - m_rows.begin());
    }
    return row < std::uint64_t(rowCount()) ? int(row) : -1;
}

} // namespace gwb
