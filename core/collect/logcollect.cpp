#include "collect/logcollect.h"

#include "collect/collector.h"
#include "collect/logpuller.h"
#include "collect/windowfinder.h"
#include "diagnosis/investigation.h"
#include "nginx/accessstreamparser.h"

#include <QDir>
#include <QFileInfo>

namespace gwb {

namespace {

QByteArray dirOf(const QByteArray &path)
{
    const qsizetype slash = path.lastIndexOf('/');
    return slash <= 0 ? QByteArray("/") : path.left(slash);
}

QByteArray baseOf(const QByteArray &path)
{
    return path.mid(path.lastIndexOf('/') + 1);
}

void warn(Collection &c, const QString &file, const QString &message)
{
    c.diagnostics.push_back({Diagnostic::Severity::Warning, {file, LineNumber(0)}, message});
}

std::optional<RemoteFileStat> statOf(LogCollectContext &ctx, const QByteArray &path)
{
    auto out = ctx.transport.run(RemoteCommand::statFile(path).withSudo(ctx.sudo), ctx.options.commandTimeout,
                                 ctx.options.cancel);
    if (!out || out->exitCode != 0)
        return std::nullopt;
    auto st = parseStatOutput(out->out);
    return st ? std::optional<RemoteFileStat>(*st) : std::nullopt;
}

} // namespace

QString unreadableAdvice(const QString &path, const RemoteIdentity &who, const std::optional<RemoteFileStat> &stat,
                         bool sudoAllowed, bool sudoRefused)
{
    const QString user = who.user.isEmpty() ? QStringLiteral("the login user") : who.user;
    QString what;
    QString fix;
    if (!stat) {
        what = QStringLiteral("cannot read %1 as %2: it does not exist or a directory above it is not searchable")
                   .arg(path, user);
        fix = QStringLiteral("check the path the configuration names and the directory permissions");
    } else {
        what = QStringLiteral("cannot read %1 as %2: it is owned by %3:%4 with mode %5, which gives %2 no read "
                              "permission")
                   .arg(path, user, stat->owner, stat->group, QString::number(stat->mode, 8).rightJustified(4, QLatin1Char('0')));
        const bool groupCanRead = (stat->mode & 040) != 0;
        if (groupCanRead && !who.groups.contains(stat->group))
            fix = QStringLiteral("add %1 to the %2 group (on Debian: sudo usermod -aG %2 %1, then log in again)")
                      .arg(user, stat->group);
        else
            fix = QStringLiteral("give %1 read access (e.g. a group that may read the nginx logs, like adm on Debian)")
                      .arg(user);
    }
    if (sudoRefused)
        fix += QStringLiteral(", or let %1 run sudo -n without a password on this host (--sudo was given, but "
                              "sudo -n asked for one)")
                   .arg(user);
    else if (!sudoAllowed)
        fix += QStringLiteral(", or pass --sudo if sudo -n is allowed for %1 on this host").arg(user);
    return what + QStringLiteral("; ") + fix + QStringLiteral("; the other logs were collected");
}

Result<std::vector<LogFileOnHost>> filesForTarget(LogCollectContext &ctx, const LogTarget &target)
{
    std::vector<LogFileOnHost> found;
    auto listed = ctx.transport.run(RemoteCommand::listRotated(dirOf(target.path), baseOf(target.path)).withSudo(ctx.sudo),
                                    ctx.options.commandTimeout, ctx.options.cancel);
    if (!listed && listed.error().kind == Error::Kind::Cancelled)
        return listed.error();
    QByteArrayList paths;
    if (listed && listed->exitCode == 0)
        paths = splitNulList(listed->out);
    if (!paths.contains(target.path))
        paths.prepend(target.path); // an unlistable directory still lets us try the file itself
    for (const QByteArray &p : paths) {
        if (!isRotationOf(baseOf(p), baseOf(target.path)))
            continue;
        LogFileOnHost f;
        f.path = p;
        f.gzip = p.endsWith(".gz");
        if (auto st = statOf(ctx, p))
            f.stat = *st;
        else if (p != target.path)
            continue;
        found.push_back(f);
    }
    if (ctx.options.cancel.isCancelled())
        return Error{Error::Kind::Cancelled, QStringLiteral("collection cancelled")};
    return overlappingFiles(std::move(found), ctx.collection.window, ctx.collection.hostUtcOffsetMinutes,
                            std::chrono::duration_cast<std::chrono::milliseconds>(ctx.options.slack).count());
}

Result<void> collectLogFile(LogCollectContext &ctx, const LogTarget &target, const LogFileOnHost &file, int index)
{
    const QString path = QString::fromUtf8(file.path);
    const CancelToken &cancel = ctx.options.cancel;
    auto readable = ctx.transport.run(RemoteCommand::testReadable(file.path).withSudo(ctx.sudo),
                                      ctx.options.commandTimeout, cancel);
    if (!readable && readable.error().kind == Error::Kind::Cancelled)
        return readable.error();
    if (!readable || readable->exitCode != 0) {
        warn(ctx.collection, path,
             readable ? unreadableAdvice(path, ctx.identity, statOf(ctx, file.path), ctx.sudo == SudoUse::Allowed,
                                               ctx.options.sudo == SudoUse::Allowed && ctx.sudo != SudoUse::Allowed)
                      : readable.error().message);
        return {};
    }
    const auto stat = statOf(ctx, file.path);
    if (!stat) {
        warn(ctx.collection, path, QStringLiteral("cannot stat %1; skipped").arg(path));
        return {};
    }

    CollectedFile out;
    out.role = target.role;
    out.originalPath = path;
    out.formatName = target.formatName;
    out.compressed = file.gzip;
    out.remoteSize = stat->size;
    QByteArray localBase = baseOf(file.path);
    if (file.gzip)
        localBase.chop(3); // stored decompressed
    out.localName = QStringLiteral("logs/%1/%2").arg(index).arg(QString::fromUtf8(localBase));
    const QString local = QDir(ctx.collection.directory).filePath(out.localName);
    if (!QDir().mkpath(QFileInfo(local).path()))
        return Error::io(QStringLiteral("cannot create %1").arg(QFileInfo(local).path()));

    PullRequest req;
    req.path = file.path;
    req.end = stat->size;
    req.gzip = file.gzip;
    req.sudo = ctx.sudo;
    req.spoolPath = local;
    const CollectWindow w = ctx.collection.window;
    const TimeMs slack = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.options.slack).count();
    if (!file.gzip && (w.since != kNoTime || w.until != kNoTime) && stat->size > ctx.options.probeSlice) {
        WindowSearch s;
        s.path = file.path;
        s.fileSize = stat->size;
        s.sudo = ctx.sudo;
        s.since = w.since == kNoTime ? kNoTime : w.since - slack;
        s.until = w.until == kNoTime ? kNoTime : w.until + slack;
        s.utcOffsetMinutes = ctx.collection.hostUtcOffsetMinutes;
        s.slice = ctx.options.probeSlice;
        s.timeout = ctx.options.commandTimeout;
        auto range = findByteWindow(ctx.transport, s, cancel);
        if (!range && range.error().kind == Error::Kind::Cancelled)
            return range.error();
        if (range) {
            req.begin = range->begin;
            req.end = range->end;
            out.windowed = req.begin != 0 || req.end != stat->size;
        } else {
            warn(ctx.collection, path,
                 QStringLiteral("could not locate the time window in %1 (%2); pulling the whole file")
                     .arg(path, range.error().message));
        }
    }

    std::unique_ptr<AccessStreamParser> streaming;
    QString formatKey;
    if (ctx.options.parseWhilePulling && target.role == CollectedFile::Role::AccessLog) {
        // The format and window the investigation will pick for this spool file, so that it can take the
        // result instead of parsing the file again (without a config, as there: combined).
        const QString name = formatNameForLog(ctx.config, local);
        formatKey = accessFormatKey(ctx.config, name);
        auto format = accessLogFormat(ctx.config, name);
        if (format && !formatKey.isEmpty()) {
            LogParseOptions parse;
            parse.since = w.since;
            parse.until = w.until;
            parse.threads = ctx.options.parseThreads;
            streaming = std::make_unique<AccessStreamParser>(*format, SourceId(1), local, parse,
                                                             file.gzip ? 0 : req.end - req.begin);
        }
    }
    auto pulled = pullRange(
        ctx.transport, req,
        [&](quint64 bytes) {
            if (ctx.options.onProgress)
                ctx.options.onProgress({ctx.collection.hostLabel, path, bytes, ctx.totalBytes + bytes, ctx.filesDone,
                                        ctx.filesTotal});
        },
        cancel,
        [&](QByteArrayView bytes, quint64 spoolOffset) {
            if (!streaming)
                return;
            // The parser only takes bytes in order; anything else leaves the file to the investigation.
            if (spoolOffset != streaming->bytesFed()) {
                streaming.reset();
                return;
            }
            streaming->feed(bytes);
        });
    if (!pulled)
        return pulled.error();
    ctx.totalBytes += pulled->wireBytes;
    ++ctx.filesDone;
    out.wireBytes = pulled->wireBytes;
    out.partial = pulled->partial;
    for (const QString &note : pulled->notes)
        ctx.collection.diagnostics.push_back({Diagnostic::Severity::Note, {path, LineNumber(0)}, note});
    if (!pulled->message.isEmpty())
        warn(ctx.collection, path, pulled->message);
    auto hash = hashFile(local);
    if (!hash)
        return hash.error();
    out.sha256 = hash->first;
    out.bytes = hash->second;
    if (streaming && streaming->bytesFed() == out.bytes) {
        AccessLogResult parsed = streaming->finish(nullptr); // the investigation opens the spool file
        if (!parsed.cancelled)
            out.preparsed = std::make_shared<PreparsedAccessLog>(std::move(parsed), formatKey, w.since, w.until, out.bytes);
    }
    streaming.reset();
    ctx.collection.files.push_back(std::move(out));
    if (ctx.options.onProgress)
        ctx.options.onProgress({ctx.collection.hostLabel, path, pulled->wireBytes, ctx.totalBytes, ctx.filesDone,
                                ctx.filesTotal});
    return {};
}

} // namespace gwb
