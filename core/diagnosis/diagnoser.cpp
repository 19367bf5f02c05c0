#include "diagnoser.h"

#include "failures.h"
#include "findingbuilder.h"
#include "lint.h"
#include "requestclassifier.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

namespace gwb {

namespace detail {

QByteArrayView accessLineText(const AccessLogResult &log, const AccessEvent &e)
{
    const QByteArrayView all = log.text->bytes();
    const auto start = static_cast<qsizetype>(e.offset);
    if (start >= all.size())
        return {};
    const void *nl = std::memchr(all.data() + start, '\n', static_cast<std::size_t>(all.size() - start));
    qsizetype end = nl ? static_cast<const char *>(nl) - all.data() : all.size();
    if (end > start && all[end - 1] == '\r')
        --end;
    return all.sliced(start, end - start);
}

QByteArrayView errorEntryText(const ErrorLogResult &log, const ErrorEvent &e)
{
    const QByteArrayView all = log.text->bytes();
    const auto start = static_cast<qsizetype>(e.offset);
    if (start >= all.size())
        return {};
    return all.sliced(start, std::min<qsizetype>(e.length, all.size() - start));
}

bool connectionsReusable(const ConfigModel &config, int location)
{
    if (location < 0)
        return false;
    const Location &loc = config.locations[static_cast<std::size_t>(location)];
    if (!loc.pass || loc.pass->upstreamIndex < 0)
        return false;
    if (config.upstreams[static_cast<std::size_t>(loc.pass->upstreamIndex)].keepalive <= 0)
        return false;
    if (loc.pass->module != PassModule::Proxy)
        return true;
    auto text = [&](const char *key) {
        auto it = loc.effective.find(QString::fromLatin1(key));
        return it == loc.effective.end() ? QString() : it->second.text();
    };
    return text("proxy_http_version") == QLatin1StringView("1.1") && text("proxy_set_header Connection").isEmpty();
}

} // namespace detail

namespace {

using detail::FailedRequest;
using detail::UpstreamError;
using detail::stopRequested;
using detail::stopRequestedAt;

void summariseInputs(const Investigation &inv, DiagnosisResult &res)
{
    if (!inv.parsedConfig.mainFile.isEmpty())
        res.inputs.push_back({QStringLiteral("config"), inv.parsedConfig.mainFile, {}, 0,
                              static_cast<std::uint64_t>(inv.parsedConfig.files.size()), 0, 0, false});
    for (std::size_t i = 0; i < inv.accessLogs.size(); ++i) {
        const AccessLogResult &a = inv.accessLogs[i];
        res.inputs.push_back({QStringLiteral("access-log"), a.text->path(), inv.accessFormats[i].name(), a.lineCount,
                              a.events.size(), a.malformed.total(), a.outsideWindow, a.text->wasCompressed()});
    }
    for (const ErrorLogResult &e : inv.errorLogs)
        res.inputs.push_back({QStringLiteral("error-log"), e.text->path(), {}, e.lineCount, e.events.size(),
                              e.malformed.total(), e.outsideWindow, e.text->wasCompressed()});
}

void addMalformed(const MalformedLines &m, std::vector<Diagnostic> &out)
{
    for (const MalformedLines::Reason &r : m.reasons()) {
        for (const SourceLocation &where : r.examples)
            out.push_back({Diagnostic::Severity::Warning, where,
                           QStringLiteral("malformed line: %1 (%2 such lines in this file)").arg(r.reason).arg(r.count)});
    }
}

void collectDiagnostics(const Investigation &inv, DiagnosisResult &res)
{
    res.diagnostics = inv.diagnostics;
    for (const AccessLogResult &a : inv.accessLogs) {
        addMalformed(a.malformed, res.diagnostics);
        if (a.cancelled)
            res.diagnostics.push_back({Diagnostic::Severity::Warning, {a.text->path(), LineNumber(0)},
                                       QStringLiteral("parsing was cancelled; the results are partial")});
    }
    for (const ErrorLogResult &e : inv.errorLogs)
        addMalformed(e.malformed, res.diagnostics);
}

void totalRequests(const Investigation &inv, DiagnosisResult &res, const std::atomic_bool *cancel)
{
    TimeMs first = std::numeric_limits<TimeMs>::max(), last = std::numeric_limits<TimeMs>::min();
    for (const AccessLogResult &a : inv.accessLogs) {
        std::array<std::uint64_t, 1000> byStatus{};
        for (std::size_t i = 0; i < a.events.size(); ++i) {
            if (stopRequestedAt(i, cancel))
                return;
            const AccessEvent &e = a.events[i];
            ++byStatus[std::min<std::size_t>(e.status.value, byStatus.size() - 1)];
            if (e.time != kNoTime) {
                first = std::min(first, e.time);
                last = std::max(last, e.time);
            }
        }
        for (std::size_t s = 0; s < byStatus.size(); ++s)
            if (byStatus[s])
                res.requestsByStatus[static_cast<int>(s)] += byStatus[s];
        res.requests += a.events.size();
        if (!a.events.empty()) {
            res.tzOffsetMinutes = a.tzOffsetMinutes;
            res.tzKnown = true;
        }
    }
    for (const ErrorLogResult &e : inv.errorLogs) {
        res.errorEntries += e.events.size();
        for (const ErrorEvent &ev : e.events) {
            if (ev.time != kNoTime) {
                first = std::min(first, ev.time);
                last = std::max(last, ev.time);
            }
        }
    }
    if (first <= last) {
        res.firstMs = first;
        res.lastMs = last;
    }
    res.sinceMs = inv.since == kNoTime ? 0 : inv.since;
    res.untilMs = inv.until == kNoTime ? 0 : inv.until;
}

std::vector<FailedRequest> collectFailedRequests(const Investigation &inv, const ConfigModel *config,
                                                 FindingBuilder &router, const std::atomic_bool *cancel)
{
    std::vector<FailedRequest> out;
    for (std::size_t li = 0; li < inv.accessLogs.size(); ++li) {
        const AccessLogResult &log = inv.accessLogs[li];
        const LogFormat &format = inv.accessFormats[li];
        for (std::size_t i = 0; i < log.events.size(); ++i) {
            if (stopRequestedAt(i, cancel))
                return out;
            const AccessEvent &e = log.events[i];
            if (!RequestClassifier::isInteresting(e.status.value, e.upstreamStatus.value, static_cast<int>(e.attempts)))
                continue;
            FailedRequest f;
            f.log = static_cast<int>(li);
            f.event = i;
            if (!format.parseLine(detail::accessLineText(log, e), f.record))
                continue; // the fast path accepted it, so this cannot happen unless the file changed under us
            f.failing = RequestClassifier::failingAttempt(f.record);
            const int st = f.record.status.value;
            f.clientFailed = st == 499 || st == 502 || st == 504 || (st > 0 && st < 100) ||
                             ((st == 500 || st == 503) && !f.record.attempts.empty());
            if (!f.clientFailed && f.failing < 0)
                continue; // e.g. an internal redirect that ended well
            bool groupName = false;
            if (config) {
                const bool haveUri = !f.record.uri.isEmpty();
                std::tie(f.server, f.location) = router.route(f.record.host, haveUri ? f.record.uri : f.record.request, !haveUri);
                f.reusable = detail::connectionsReusable(*config, f.location);
                if (f.failing >= 0)
                    groupName = config->findUpstream(QString::fromUtf8(f.record.attempts[static_cast<std::size_t>(f.failing)].address)) >= 0;
            }
            const AttemptVerdict v = RequestClassifier::classifyAttempt(f.record, f.failing, groupName, f.reusable);
            f.cause = v.cause;
            f.phase = v.phase;
            out.push_back(std::move(f));
        }
    }
    return out;
}

QString markerKind(const ErrorEntry &entry)
{
    const QByteArray &m = entry.message;
    if (m.contains("reconfiguring"))
        return QStringLiteral("reload");
    if (m.contains("start worker processes") && !m.contains("gracefully"))
        return QStringLiteral("start");
    if (m.startsWith("exit") || m.contains("exiting"))
        return entry.level == LogLevel::Notice && m == "exit" ? QStringLiteral("stop") : QString();
    return {};
}

std::vector<UpstreamError> collectUpstreamErrors(const Investigation &inv, DiagnosisResult &res,
                                                 const std::atomic_bool *cancel)
{
    std::vector<UpstreamError> out;
    for (std::size_t li = 0; li < inv.errorLogs.size(); ++li) {
        const ErrorLogResult &log = inv.errorLogs[li];
        for (std::size_t i = 0; i < log.events.size(); ++i) {
            if (stopRequestedAt(i, cancel))
                return out;
            const ErrorEvent &e = log.events[i];
            const bool notice = e.level == static_cast<std::uint8_t>(LogLevel::Notice);
            if (e.cause == Cause::None && !notice)
                continue;
            ErrorEntry entry;
            const QByteArrayView text = detail::errorEntryText(log, e);
            if (!ErrorLogParser::parseEntry(text, entry))
                continue;
            const SourceLocation where{log.text->path(), log.lines.lineAt(log.text->bytes(), ByteOffset(e.offset))};
            const QByteArray peer = log.peers.value(e.peer.value);
            if (e.cause == Cause::PeerDisabled) {
                res.markers.push_back({QStringLiteral("peer-disabled"), e.time, QString::fromUtf8(peer),
                                       {where, QString::fromUtf8(text.first(text.indexOf('\n') < 0 ? text.size() : text.indexOf('\n')))}});
                continue;
            }
            if (e.cause == Cause::None) {
                const QString kind = markerKind(entry);
                if (!kind.isEmpty())
                    res.markers.push_back({kind, e.time, {}, {where, QString::fromUtf8(text)}});
                continue;
            }
            if (e.cause == Cause::ConfigError) {
                res.diagnostics.push_back({Diagnostic::Severity::Error, where,
                                           QStringLiteral("nginx reported a configuration error while serving: %1")
                                               .arg(QString::fromUtf8(entry.message))});
                continue;
            }
            out.push_back({static_cast<int>(li), i, std::move(entry), peer, e.cause, -1});
        }
    }
    return out;
}

QByteArray joinKey(const QByteArray &client, const QByteArray &request)
{
    return client + '\x1f' + request;
}

bool hasAttemptAt(const AccessRecord &r, const QByteArray &peer)
{
    if (peer.isEmpty())
        return true;
    return std::any_of(r.attempts.begin(), r.attempts.end(), [&](const UpstreamAttempt &a) { return a.address == peer; });
}

// An error line is written while the request is in flight; its access line when the request ends. So the
// request to join is the first one of the same client and request line that ended at or after the error,
// within its own duration, preferring one that tried the peer the error names.
void join(const Investigation &inv, std::vector<FailedRequest> &failed, std::vector<UpstreamError> &errors,
          const DiagnoseOptions &opt)
{
    QHash<QByteArray, std::vector<int>> byKey;
    for (int i = 0; i < static_cast<int>(failed.size()); ++i) {
        const AccessRecord &r = failed[static_cast<std::size_t>(i)].record;
        if (!r.remoteAddr.isEmpty() && !r.request.isEmpty())
            byKey[joinKey(r.remoteAddr, r.request)].push_back(i);
    }
    for (int ei = 0; ei < static_cast<int>(errors.size()); ++ei) {
        if (stopRequestedAt(static_cast<std::size_t>(ei), opt.cancel))
            return;
        UpstreamError &err = errors[static_cast<std::size_t>(ei)];
        if (err.entry.client.isEmpty() || err.entry.request.isEmpty())
            continue;
        const auto it = byKey.constFind(joinKey(err.entry.client, err.entry.request));
        if (it == byKey.constEnd())
            continue;
        const TimeMs errTime = inv.errorLogs[static_cast<std::size_t>(err.log)].events[err.event].time;
        // One best request per access log: nginx often writes each request to several access logs (formats for
        // different consumers), and the error explains the request in every one of them.
        using Score = std::tuple<bool, bool, bool, bool, qint64>;
        std::map<int, std::pair<int, Score>> bestPerLog;
        for (int fi : *it) {
            const FailedRequest &f = failed[static_cast<std::size_t>(fi)];
            const qint64 delta = f.record.time - errTime;
            const qint64 allowed = f.record.requestMs >= 0 ? f.record.requestMs + 2000 : opt.joinSlackMs;
            if (delta < -1000 || delta > allowed)
                continue; // -1 s: both clocks have second resolution in the default formats
            const bool takenForPeer = std::any_of(f.errors.begin(), f.errors.end(), [&](int other) {
                return errors[static_cast<std::size_t>(other)].peer == err.peer;
            });
            // Without $upstream_addr the attempts are unknown: lines of one request share nginx's connection
            // number, so a request already explained by lines of another connection is a worse match.
            const bool otherConnection = f.record.attempts.empty() && !f.errors.empty() &&
                std::none_of(f.errors.begin(), f.errors.end(), [&](int other) {
                    return errors[static_cast<std::size_t>(other)].entry.connection == err.entry.connection;
                });
            // Lower is better: the peer it tried, not yet explained for that peer, the same client connection,
            // logged after the error, closest in time.
            const Score score{!hasAttemptAt(f.record, err.peer), takenForPeer, otherConnection, delta < 0,
                              delta < 0 ? -delta : delta};
            const auto found = bestPerLog.find(f.log);
            if (found == bestPerLog.end() || score < found->second.second)
                bestPerLog[f.log] = {fi, score};
        }
        for (const auto &[log, best] : bestPerLog) {
            if (err.request < 0)
                err.request = best.first; // the first access log's request counts the error line once
            failed[static_cast<std::size_t>(best.first)].errors.push_back(ei);
        }
    }
}

void decideCauses(std::vector<FailedRequest> &failed, const std::vector<UpstreamError> &errors)
{
    for (FailedRequest &f : failed) {
        if (f.record.status.value == 499) {
            f.cause = Cause::ClientClosed;
            continue;
        }
        if (f.errors.empty())
            continue;
        const UpstreamError *chosen = nullptr;
        const QByteArray failingPeer =
            f.failing >= 0 ? f.record.attempts[static_cast<std::size_t>(f.failing)].address : QByteArray();
        for (int ei : f.errors) {
            const UpstreamError &e = errors[static_cast<std::size_t>(ei)];
            if (e.entry.level < LogLevel::Error && chosen)
                continue;
            if (!chosen || e.peer == failingPeer)
                chosen = &e;
        }
        const Cause c = chosen->cause;
        f.cause = f.failing >= 0 ? RequestClassifier::refine(c, f.record.attempts[static_cast<std::size_t>(f.failing)], f.reusable) : c;
        f.phase = chosen->entry.phase;
    }
}

} // namespace

namespace {

// What a run stopped by its cancel flag returns: what the inputs were and that the rest is missing. Partial
// findings would look like a diagnosis of less traffic than there was, so none are kept.
DiagnosisResult cancelledResult(DiagnosisResult res)
{
    res.cancelled = true;
    res.findings.clear();
    res.failures.clear();
    res.markers.clear();
    res.lint.clear();
    res.upstreamFailures = 0;
    res.diagnostics.push_back({Diagnostic::Severity::Warning, {},
                               QStringLiteral("the diagnosis was cancelled; no findings were made")});
    return res;
}

} // namespace

DiagnosisResult Diagnoser::run(const Investigation &inv, const DiagnoseOptions &opt)
{
    DiagnosisResult res;
    const ConfigModel *config = inv.config ? &*inv.config : nullptr;
    summariseInputs(inv, res);
    collectDiagnostics(inv, res);
    totalRequests(inv, res, opt.cancel);
    if (stopRequested(opt.cancel))
        return cancelledResult(std::move(res));
    FindingBuilder builder(inv, opt);
    std::vector<FailedRequest> failed = collectFailedRequests(inv, config, builder, opt.cancel);
    if (stopRequested(opt.cancel))
        return cancelledResult(std::move(res));
    std::vector<UpstreamError> errors = collectUpstreamErrors(inv, res, opt.cancel);
    if (stopRequested(opt.cancel))
        return cancelledResult(std::move(res));
    join(inv, failed, errors, opt);
    if (stopRequested(opt.cancel))
        return cancelledResult(std::move(res));
    decideCauses(failed, errors);
    for (const FailedRequest &f : failed)
        if (f.clientFailed && f.cause != Cause::ClientClosed)
            ++res.upstreamFailures;
    res.findings = builder.build(failed, errors, &res.failures);
    if (stopRequested(opt.cancel))
        return cancelledResult(std::move(res));
    res.lint = Lint::run(inv, failed, res.findings, opt.cancel);
    if (stopRequested(opt.cancel))
        return cancelledResult(std::move(res));
    std::sort(res.markers.begin(), res.markers.end(), [](const Marker &a, const Marker &b) { return a.timeMs < b.timeMs; });
    return res;
}

} // namespace gwb
