#include "phpfpmchecks.h"

namespace gwb::phpfpm {

bool appliesToSubject(const CheckSubject &s)
{
    const bool unixSocket = s.kind == CheckSubject::Kind::UnixSocket;
    if (s.scheme == QLatin1StringView("fastcgi"))
        return unixSocket || (s.kind == CheckSubject::Kind::Peer && s.isLocalAddress());
    if (!unixSocket)
        return false;
    switch (s.cause) {
    case Cause::SocketMissing:
    case Cause::SocketPermission:
    case Cause::BackendRefused:
    case Cause::FastcgiError:
        return true;
    default:
        return false;
    }
}

FoundFiles findOnHost(CheckContext &context, CheckResult &record, const std::vector<SearchSpot> &spots)
{
    FoundFiles found;
    for (const SearchSpot &spot : spots) {
        found.searched << QStringLiteral("%1 (%2)").arg(QString::fromUtf8(spot.dir),
                                                        QString::fromUtf8(spot.pattern));
        auto out = context.run(RemoteCommand::findFiles(spot.dir, spot.pattern, spot.depth), record, true);
        if (!out) {
            found.problems << out.error().message;
            continue;
        }
        for (const QByteArray &raw : splitNulList(out->out)) {
            const QString path = QString::fromUtf8(raw);
            if (!spot.mustContain.isEmpty() && !path.contains(spot.mustContain))
                continue;
            if (!found.files.contains(path))
                found.files << path;
        }
        // A directory that does not exist is the normal case on most hosts; anything else is worth telling.
        for (const QByteArray &line : out->err.split('\n')) {
            const QString text = QString::fromUtf8(line).trimmed();
            if (!text.isEmpty() && !text.contains(QLatin1StringView("No such file or directory")))
                found.problems << text;
        }
    }
    found.files.sort();
    return found;
}

QStringList plannedFinds(const std::vector<SearchSpot> &spots, SudoUse sudo)
{
    QStringList out;
    for (const SearchSpot &spot : spots)
        out << commandText(RemoteCommand::findFiles(spot.dir, spot.pattern, spot.depth), sudo);
    return out;
}

CheckResult noHostResult(CheckResult r)
{
    return couldNotRun(
        std::move(r),
        QStringLiteral("no host to look at: the investigation was opened from files or a bundle"),
        QStringLiteral("open the target with --ssh HOST or --local to read php-fpm's files on the "
                       "nginx host"));
}

} // namespace gwb::phpfpm
