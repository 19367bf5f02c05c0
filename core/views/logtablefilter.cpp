// LogTableModel's filter: which lines are rows. Cheap tests run over the compact events, the text test last
// and over the mapped bytes; nothing is allocated per line, and an unfiltered model keeps no rows at all.

#include "diagnosis/failures.h"
#include "logtablemodel.h"
#include "textfinder.h"

namespace gwb {

namespace {

constexpr std::uint32_t kCancelCheckMask = 0xFFFF; // look at the cancel flag every 64 Ki lines

bool cancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

bool statusPasses(std::optional<int> wanted, int status)
{
    if (!wanted)
        return true;
    if (*wanted >= 1 && *wanted <= 5) // a class: 5 = 5xx (9 stays exact: nginx logs 009 for HTTP/0.9)
        return status / 100 == *wanted;
    return status == *wanted;
}

bool timePasses(const LogFilter &f, TimeMs t)
{
    if (f.from != kNoTime && (t == kNoTime || t < f.from))
        return false;
    return f.to == kNoTime || (t != kNoTime && t < f.to);
}

std::uint16_t findId(const Interner &in, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    const std::uint16_t id = in.find(utf8);
    return id != Interner::kAbsent ? id : in.find(utf8.toLower());
}

// Per finding: does its peer (or its group, when nginx had no live peer to name) match the peer filter.
std::vector<char> findingsOfPeer(const DiagnosisResult *result, const QString &peer)
{
    std::vector<char> out;
    if (!result || peer.isEmpty())
        return out;
    for (const Finding &f : result->findings)
        out.push_back(f.peer == peer || (f.peer.isEmpty() && f.upstream == peer));
    return out;
}

} // namespace

bool LogTableModel::isEmpty(const LogFilter &f)
{
    return !f.cause && f.finding < 0 && !f.status && f.peer.isEmpty() && f.location < 0 && f.host.isEmpty() &&
           f.from == kNoTime && f.to == kNoTime && f.text.isEmpty() && !f.failuresOnly;
}

void LogTableModel::setFilter(const LogFilter &filter, const std::atomic_bool *cancel)
{
    if (std::optional<Selection> s = select(filter, cancel)) // nullopt when cancelled: nothing changes
        apply(std::move(*s));
}

void LogTableModel::rebuild(const std::atomic_bool *cancel)
{
    if (std::optional<Selection> s = select(m_filter, cancel))
        apply(std::move(*s));
}

void LogTableModel::apply(Selection selection)
{
    if (selection.generation != m_generation)
        return; // rows of another investigation
    beginResetModel();
    m_filter = std::move(selection.filter);
    m_all = selection.all || !m_inv;
    m_rows = std::move(selection.rows);
    if (m_all)
        std::vector<Row>().swap(m_rows);
    endResetModel();
}

std::optional<LogTableModel::Selection> LogTableModel::select(const LogFilter &filter,
                                                              const std::atomic_bool *cancel) const
{
    Selection s;
    s.filter = filter;
    s.generation = m_generation;
    if (!m_inv || isEmpty(filter))
        return s;
    s.all = false;
    for (std::uint32_t i = 0; i < m_inv->accessLogs.size(); ++i)
        selectAccess(filter, i, s.rows, cancel);
    for (std::uint32_t i = 0; i < m_inv->errorLogs.size(); ++i)
        selectError(filter, i | kErrorLogBit, s.rows, cancel);
    if (cancelled(cancel))
        return std::nullopt;
    return s;
}

bool LogTableModel::failurePasses(const LogFilter &f, std::int32_t failure, Cause cause) const
{
    if (f.cause && cause != *f.cause)
        return false;
    if (f.failuresOnly && cause == Cause::None)
        return false;
    if (f.finding < 0 && f.location < 0)
        return true;
    if (failure < 0)
        return false;
    const int finding = m_result->failures[std::size_t(failure)].finding;
    if (f.finding >= 0 && finding != f.finding)
        return false;
    return f.location < 0 || (finding >= 0 && std::size_t(finding) < m_result->findings.size() &&
                              m_result->findings[std::size_t(finding)].locationIndex == f.location);
}

void LogTableModel::selectAccess(const LogFilter &f, std::uint32_t log, std::vector<Row> &out,
                                 const std::atomic_bool *cancel) const
{
    const AccessLogResult &alog = m_inv->accessLogs[log];
    const std::vector<std::int32_t> &failures = m_failureOfEvent[log];
    const bool needsFailure = f.cause || f.finding >= 0 || f.location >= 0 || f.failuresOnly;
    if (needsFailure && failures.empty())
        return; // an access line has a cause only through a failure
    const std::uint16_t host = f.host.isEmpty() ? 0 : findId(alog.hosts, f.host);
    if (!f.host.isEmpty() && host == Interner::kAbsent)
        return;
    const std::uint16_t peer = f.peer.isEmpty() ? 0 : findId(alog.peers, f.peer);
    const std::vector<char> peerFindings = findingsOfPeer(m_result, f.peer);
    const bool cheap = needsFailure || f.status || !f.host.isEmpty() || !f.peer.isEmpty() ||
                       f.from != kNoTime || f.to != kNoTime;

    const std::size_t first = out.size();
    const auto n = static_cast<std::uint32_t>(alog.events.size());
    for (std::uint32_t i = 0; i < n && cheap; ++i) {
        if ((i & kCancelCheckMask) == 0 && cancelled(cancel))
            return;
        const AccessEvent &e = alog.events[i];
        if (!timePasses(f, e.time) || !statusPasses(f.status, e.status.value) ||
            (host && e.host.value != host))
            continue;
        const std::int32_t failure = failures.empty() ? -1 : failures[i];
        if (needsFailure &&
            (failure < 0 || !failurePasses(f, failure, m_result->failures[std::size_t(failure)].cause)))
            continue;
        if (!f.peer.isEmpty() && !(peer && e.peer.value == peer)) {
            const int finding = failure < 0 ? -1 : m_result->failures[std::size_t(failure)].finding;
            if (finding < 0 || std::size_t(finding) >= peerFindings.size() ||
                !peerFindings[std::size_t(finding)])
                continue;
        }
        out.push_back({log, i});
    }
    if (!f.text.isEmpty()) {
        if (cheap)
            keepText(f, out, first, cancel);
        else
            textOnly(f, log, out, cancel);
    }
}

void LogTableModel::selectError(const LogFilter &f, std::uint32_t log, std::vector<Row> &out,
                                const std::atomic_bool *cancel) const
{
    if (f.status)
        return; // a status is what a client got: error lines have none
    const std::uint32_t index = log & ~kErrorLogBit;
    const ErrorLogResult &elog = m_inv->errorLogs[index];
    const std::vector<std::int32_t> &failures = m_failureOfEvent[m_inv->accessLogs.size() + index];
    const std::uint16_t peer = f.peer.isEmpty() ? 0 : findId(elog.peers, f.peer);
    const std::vector<char> peerFindings = findingsOfPeer(m_result, f.peer);
    // The Host header is not among the compact fields of an error entry: its text says `host: "..."`.
    const QByteArray hostNeedle =
        f.host.isEmpty() ? QByteArray() : QByteArray("host: \"") + f.host.toUtf8() + '"';
    const TextFinder hostFinder(hostNeedle, {});

    const std::size_t first = out.size();
    const auto n = static_cast<std::uint32_t>(elog.events.size());
    for (std::uint32_t i = 0; i < n; ++i) {
        if ((i & kCancelCheckMask) == 0 && cancelled(cancel))
            return;
        const ErrorEvent &e = elog.events[i];
        if (!timePasses(f, e.time))
            continue;
        const std::int32_t failure = failures.empty() ? -1 : failures[i];
        const Cause cause = failure >= 0 ? m_result->failures[std::size_t(failure)].cause : e.cause;
        if (!failurePasses(f, failure, cause))
            continue;
        if (!f.peer.isEmpty() && !(peer && e.peer.value == peer)) {
            const int finding = failure < 0 ? -1 : m_result->failures[std::size_t(failure)].finding;
            if (finding < 0 || std::size_t(finding) >= peerFindings.size() ||
                !peerFindings[std::size_t(finding)])
                continue;
        }
        if (!hostFinder.isEmpty() && !hostFinder.contains(detail::errorEntryText(elog, e)))
            continue;
        out.push_back({log, i});
    }
    if (!f.text.isEmpty())
        keepText(f, out, first, cancel);
}

} // namespace gwb
