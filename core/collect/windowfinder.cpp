#include "collect/windowfinder.h"

#include "collect/linetime.h"

#include <vector>

namespace gwb {

namespace {

class Prober
{
public:
    Prober(Transport &t, const WindowSearch &s, const CancelToken &c) : m_transport(t), m_search(s), m_cancel(c) {}

    Result<QByteArray> read(quint64 offset)
    {
        ++m_probes;
        auto out = m_transport.run(
            RemoteCommand::readRange(m_search.path, ByteOffset(offset), m_search.slice).withSudo(m_search.sudo),
            m_search.timeout, m_cancel);
        if (!out)
            return out.error();
        if (out->exitCode != 0 || (out->out.isEmpty() && !out->err.isEmpty()))
            return Error::io(QStringLiteral("cannot read %1 at byte %2: %3")
                                 .arg(QString::fromUtf8(m_search.path))
                                 .arg(offset)
                                 .arg(QString::fromUtf8(out->err).trimmed()));
        return out->out;
    }

    // The first line starting at or after `offset` that carries a time (offset of that line in the file).
    Result<std::optional<TimedLine>> timedLineAt(quint64 offset)
    {
        auto bytes = read(offset);
        if (!bytes)
            return bytes.error();
        auto found = firstTimedLine(*bytes, offset > 0, m_search.utcOffsetMinutes);
        if (found) {
            found->offset += static_cast<qsizetype>(offset);
            m_seen.push_back(*found);
        }
        return found;
    }

    // The first line start in [lo, hi] whose time passes the test, from one slice read just before lo; hi
    // when none in that slice does (lines without a time count as passing: never lose lines).
    Result<quint64> refine(quint64 lo, quint64 hi, TimeMs target, bool after)
    {
        if (lo == 0 && hi == 0)
            return quint64(0);
        const quint64 from = lo == 0 ? 0 : lo - 1;
        auto bytes = read(from);
        if (!bytes)
            return bytes.error();
        qsizetype pos = 0;
        if (lo > 0) {
            const qsizetype nl = bytes->indexOf('\n');
            if (nl < 0)
                return hi;
            pos = nl + 1;
        }
        while (pos < bytes->size() && from + quint64(pos) < hi) {
            const qsizetype nl = bytes->indexOf('\n', pos);
            if (nl < 0)
                break;
            const auto t = lineTime(QByteArrayView(*bytes).sliced(pos, nl - pos), m_search.utcOffsetMinutes);
            if (t && !(after ? *t <= target : *t < target))
                return from + quint64(pos);
            pos = nl + 1;
        }
        return qMin(hi, from + quint64(pos));
    }

    // Smallest line start whose time is not before `target` (inclusive = false) or after it (true).
    Result<quint64> bound(TimeMs target, bool after)
    {
        quint64 lo = 0, hi = m_search.fileSize;
        // What earlier probes (of the other bound) learnt narrows this search: each probe is a round trip.
        for (const TimedLine &seen : m_seen) {
            const bool before = after ? seen.time <= target : seen.time < target;
            if (before)
                lo = qMax(lo, quint64(seen.offset) + 1);
            else
                hi = qMin(hi, quint64(seen.offset));
        }
        hi = qMax(lo, hi);
        while (hi - lo > m_search.slice) {
            const quint64 mid = lo + (hi - lo) / 2;
            auto probe = timedLineAt(mid);
            if (!probe)
                return probe.error();
            const auto &p = probe.value();
            if (!p || quint64(p->offset) >= hi) {
                hi = mid; // nothing readable between mid and hi: keep the bytes, never lose lines
                continue;
            }
            const bool before = after ? p->time <= target : p->time < target;
            if (before)
                lo = quint64(p->offset) + 1;
            else
                hi = quint64(p->offset);
        }
        return refine(lo, hi, target, after);
    }

    int probes() const { return m_probes; }

private:
    Transport &m_transport;
    const WindowSearch &m_search;
    const CancelToken &m_cancel;
    int m_probes = 0;
    std::vector<TimedLine> m_seen;
};

} // namespace

Result<ByteWindow> findByteWindow(Transport &transport, const WindowSearch &search, const CancelToken &cancel)
{
    Prober prober(transport, search, cancel);
    ByteWindow w;
    w.end = search.fileSize;
    if (search.since != kNoTime) {
        auto begin = prober.bound(search.since, false);
        if (!begin)
            return begin.error();
        w.begin = *begin;
    }
    if (search.until != kNoTime) {
        auto end = prober.bound(search.until, true);
        if (!end)
            return end.error();
        w.end = qMax(w.begin, *end);
    }
    w.probes = prober.probes();
    return w;
}

} // namespace gwb
