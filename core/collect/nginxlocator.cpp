#include "collect/nginxlocator.h"

#include <QRegularExpression>

namespace gwb {

std::vector<RunningMaster> parseRunningMasters(QByteArrayView psOutput)
{
    std::vector<RunningMaster> out;
    for (const QByteArray &raw : psOutput.toByteArray().split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        const qsizetype at = line.indexOf(QLatin1StringView("nginx: master process"));
        if (at < 0)
            continue;
        const QStringList words = line.mid(at + 21).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.isEmpty())
            continue;
        RunningMaster m;
        m.binary = words.first();
        for (qsizetype i = 1; i + 1 < words.size(); ++i) {
            if (words[i] == QLatin1StringView("-p"))
                m.prefix = words[++i];
            else if (words[i] == QLatin1StringView("-c"))
                m.confPath = words[++i];
        }
        out.push_back(m);
    }
    return out;
}

Result<NginxInstall> locateNginx(Transport &transport, std::chrono::milliseconds timeout, const CancelToken &cancel,
                                 std::vector<Diagnostic> &notes, const QString &confHint)
{
    NginxInstall nginx;
    auto ps = transport.run(RemoteCommand::runningMasters(), timeout, cancel);
    if (!ps)
        return ps.error();
    auto masters = parseRunningMasters(ps->out);
    if (!confHint.isEmpty()) {
        std::erase_if(masters, [&](const RunningMaster &m) { return m.confPath != confHint; });
        if (masters.empty())
            return Error::input(QStringLiteral("no nginx master started with -c %1 runs on %2")
                                    .arg(confHint, transport.describe()));
    }
    if (!masters.empty()) {
        nginx.binary = masters.front().binary;
        nginx.prefix = masters.front().prefix;
        nginx.confPath = masters.front().confPath;
        if (masters.size() > 1)
            notes.push_back({Diagnostic::Severity::Note, {},
                             QStringLiteral("%1 nginx masters run on %2; collected the first (%3%4)")
                                 .arg(masters.size())
                                 .arg(transport.describe(), nginx.binary,
                                      nginx.confPath.isEmpty() ? QString() : QStringLiteral(" -c ") + nginx.confPath)});
    }
    // The master may show a bare name ("nginx: master process nginx") or a path we would not run.
    if (!nginx.binary.startsWith(QLatin1Char('/'))) {
        auto found = transport.run(RemoteCommand::findNginx(), timeout, cancel);
        if (!found)
            return found.error();
        const QList<QByteArray> candidates = found->out.split('\n');
        for (const QByteArray &c : candidates) {
            if (c.startsWith('/')) {
                nginx.binary = QString::fromUtf8(c.trimmed());
                break;
            }
        }
        if (!nginx.binary.startsWith(QLatin1Char('/')))
            return Error{Error::Kind::Input,
                         QStringLiteral("no nginx found on %1 (not running, not in PATH, not in /usr/sbin or "
                                        "/usr/local/nginx/sbin); is nginx installed there?")
                             .arg(transport.describe())};
    }
    auto version = transport.run(RemoteCommand::nginxVersion(nginx.binary.toUtf8()), timeout, cancel);
    if (!version)
        return version.error();
    static const QRegularExpression versionRe(QStringLiteral("version: (\\S+)"));
    static const QRegularExpression confRe(QStringLiteral("--conf-path=(\\S+)"));
    const QString text = QString::fromUtf8(version->err + version->out);
    nginx.version = versionRe.match(text).captured(1);
    if (nginx.confPath.isEmpty())
        nginx.confPath = confRe.match(text).captured(1);
    return nginx;
}

Result<CommandOutput> dumpNginxConfig(Transport &transport, const NginxInstall &nginx, SudoUse sudo,
                                      std::chrono::milliseconds timeout, const CancelToken &cancel)
{
    auto dump = transport.run(
        RemoteCommand::nginxDump(nginx.binary.toUtf8(), nginx.prefix.toUtf8(), nginx.confPath.toUtf8()).withSudo(sudo),
        timeout, cancel);
    if (!dump)
        return dump.error();
    if (dump->exitCode != 0) {
        QString err = QString::fromUtf8(dump->err).trimmed();
        err.replace(QLatin1Char('\n'), QStringLiteral("; "));
        return Error{sudo == SudoUse::Allowed || !err.contains(QLatin1StringView("Permission denied"))
                         ? Error::Kind::Input
                         : Error::Kind::Permission,
                     QStringLiteral("%1 -T failed on %2: %3%4")
                         .arg(nginx.binary, transport.describe(), err.isEmpty() ? QStringLiteral("no message") : err,
                              sudo == SudoUse::No && err.contains(QLatin1StringView("ermission denied"))
                                  ? QStringLiteral(" (nginx -T usually needs root: pass --sudo if sudo -n is allowed)")
                                  : QString())};
    }
    return dump;
}

} // namespace gwb
