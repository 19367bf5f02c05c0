#include "collect/followclassifier.h"

#include "diagnosis/requestclassifier.h"
#include "nginx/errorlogparser.h"

namespace gwb {

void FollowClassifier::errorLine(QByteArrayView line, const FollowLineRef &where, qint64 nowMs)
{
    ErrorEntry entry;
    if (!ErrorLogParser::parseEntry(line, entry))
        return; // a continuation line (Lua traceback, FastCGI stderr): its entry was classified already
    const Cause cause = ErrorLogParser::classify(entry);
    // A disabled peer is a consequence announced in advance, not a failed request: the requests it affects
    // show up as no-live-upstreams entries of their own.
    if (cause == Cause::None || cause == Cause::PeerDisabled)
        return;
    Pending p;
    p.arrivedMs = nowMs;
    FollowFailure &f = p.failure;
    f.time = entry.time;
    f.cause = cause;
    f.phase = entry.phase;
    f.peer = ErrorLogParser::peerAddress(entry.upstream).toByteArray();
    f.request = entry.request;
    f.requestHost = entry.host;
    f.message = entry.message;
    f.where = where;
    f.error = where;
    m_pending.push_back(std::move(p));
}

bool FollowClassifier::accessLine(QByteArrayView line, const LogFormat &format, const FollowLineRef &where, int log)
{
    AccessRecord r;
    if (!format.parseLine(line, r))
        return false;
    const int attempts = int(r.attempts.size());
    const int upstreamStatus = attempts > 0 ? r.attempts.back().status.value : 0;
    if (!RequestClassifier::isInteresting(r.status.value, upstreamStatus, attempts))
        return true;
    const int st = r.status.value;
    const int failing = RequestClassifier::failingAttempt(r);
    // The same test the diagnosis applies: a retry that ended well still counts when an attempt failed.
    const bool clientFailed =
        st == 499 || st == 502 || st == 504 || (st > 0 && st < 100) || ((st == 500 || st == 503) && attempts > 0);
    if (!clientFailed && failing < 0)
        return true;

    // Claim the waiting error entries of this request: one per failed attempt, oldest first, by request line
    // and peer (any peer when the format records no $upstream_addr).
    const FollowFailure *decisive = nullptr;
    std::vector<FollowFailure> claimed;
    auto claim = [&](const QByteArray *peer) -> const FollowFailure * {
        for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
            if (it->failure.request != r.request || (peer && it->failure.peer != *peer))
                continue;
            claimed.push_back(std::move(it->failure));
            m_pending.erase(it);
            return &claimed.back();
        }
        return nullptr;
    };
    claimed.reserve(std::size_t(std::max(attempts, 1)));
    // A format without $upstream_addr cannot tell two requests with the same request line apart: it claims
    // nothing here, and its copy of the request takes the entry a detailed copy claimed (endRound).
    if (attempts > 0) {
        for (int i = 0; i < attempts; ++i) {
            if (!RequestClassifier::attemptFailed(r, i))
                continue;
            const FollowFailure *got = claim(&r.attempts[std::size_t(i)].address);
            if (i == failing && got)
                decisive = got;
        }
    }

    FollowFailure f;
    f.time = r.time;
    f.status = st;
    f.request = r.request;
    f.requestHost = r.host;
    f.where = where;
    if (failing >= 0)
        f.peer = r.attempts[std::size_t(failing)].address;
    const AttemptVerdict verdict = RequestClassifier::classifyAttempt(r, failing, false, false);
    f.cause = verdict.cause;
    f.phase = verdict.phase;
    if (decisive && st != 499) {
        // The error log names what happened on the wire; the access log only what it looked like.
        f.cause = failing >= 0 ? RequestClassifier::refine(decisive->cause, r.attempts[std::size_t(failing)], false)
                               : decisive->cause;
        f.phase = decisive->phase;
    }
    if (decisive) {
        f.message = decisive->message;
        f.error = decisive->error;
        if (f.peer.isEmpty())
            f.peer = decisive->peer;
        if (f.requestHost.isEmpty())
            f.requestHost = decisive->requestHost;
    }
    Held held;
    held.key = r.request + ' ' + QByteArray::number(st);
    held.failure = std::move(f);
    held.log = log;
    held.round = m_round;
    m_held.push_back(std::move(held));
    return true;
}

void FollowClassifier::endRound(std::vector<FollowFailure> &out)
{
    for (std::size_t i = 0; i < m_held.size(); ++i) {
        if (m_held[i].done || m_held[i].round >= m_round)
            continue;
        // The copies of this request in the other access logs: one per log, oldest first.
        std::vector<Held *> copies{&m_held[i]};
        for (std::size_t j = i + 1; j < m_held.size(); ++j) {
            Held &h = m_held[j];
            if (h.done || h.key != m_held[i].key)
                continue;
            if (std::none_of(copies.begin(), copies.end(), [&](const Held *c) { return c->log == h.log; }))
                copies.push_back(&h);
        }
        const Held *best = copies.front();
        for (const Held *c : copies) {
            const bool joined = !c->failure.error.file.isEmpty(), bestJoined = !best->failure.error.file.isEmpty();
            if ((joined && !bestJoined) || (joined == bestJoined && best->failure.peer.isEmpty() && !c->failure.peer.isEmpty()))
                best = c;
        }
        FollowFailure f = best->failure;
        for (Held *c : copies)
            c->done = true;
        if (f.error.file.isEmpty() && f.status != 499) {
            // Its entry was read after its line: take it now.
            for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
                const FollowFailure &e = it->failure;
                if (e.request != f.request || (!f.peer.isEmpty() && e.peer != f.peer))
                    continue;
                f.cause = e.cause;
                f.phase = e.phase;
                f.message = e.message;
                f.error = e.error;
                if (f.peer.isEmpty())
                    f.peer = e.peer;
                m_pending.erase(it);
                break;
            }
        }
        out.push_back(std::move(f));
    }
    std::erase_if(m_held, [](const Held &h) { return h.done; });
    ++m_round;
}

void FollowClassifier::expire(qint64 nowMs, std::vector<FollowFailure> &out, bool all)
{
    if (all) {
        for (Held &h : m_held)
            h.round = 0;
        m_round = std::max<quint64>(m_round, 1);
        endRound(out);
    }
    while (!m_pending.empty() && (all || nowMs - m_pending.front().arrivedMs >= m_joinWindow.count())) {
        out.push_back(std::move(m_pending.front().failure));
        m_pending.pop_front();
    }
}

} // namespace gwb
