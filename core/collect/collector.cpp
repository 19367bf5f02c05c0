#include "collect/collector.h"

#include "collect/logcollect.h"
#include "collect/nginxlocator.h"
#include "nginx/configmodel.h"
#include "nginx/configparser.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace gwb {

namespace {

struct HostClock
{
    qint64 utcMs = 0;
    int offsetMinutes = 0;
};

Result<HostClock> readHostClock(Transport &t, const CollectOptions &o)
{
    auto out = t.run(RemoteCommand::hostClock(), o.commandTimeout, o.cancel);
    if (!out)
        return out.error();
    const QList<QByteArray> f = out->out.trimmed().split(' ');
    bool ok = false;
    HostClock c;
    if (f.size() == 2 && f[1].size() == 5) {
        c.utcMs = f[0].toLongLong(&ok) * 1000;
        const int hh = f[1].mid(1, 2).toInt(), mm = f[1].mid(3, 2).toInt();
        c.offsetMinutes = (f[1][0] == '-' ? -1 : 1) * (hh * 60 + mm);
    }
    if (!ok)
        return Error::parse(QStringLiteral("unexpected output of date on %1: \"%2\"")
                                .arg(t.describe(), QString::fromUtf8(out->out.left(100)).trimmed()));
    return c;
}

RemoteIdentity readIdentity(Transport &t, const CollectOptions &o)
{
    RemoteIdentity who;
    auto out = t.run(RemoteCommand::id(), o.commandTimeout, o.cancel);
    if (!out || out->exitCode != 0)
        return who;
    const QList<QByteArray> lines = out->out.split('\n');
    who.user = QString::fromUtf8(lines.value(0)).trimmed();
    who.groups = QString::fromUtf8(lines.value(1)).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return who;
}

Result<CollectedFile> writeLocal(const Collection &c, CollectedFile::Role role, const QString &original,
                                 const QString &localName, const QByteArray &bytes)
{
    const QString path = QDir(c.directory).filePath(localName);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        return Error::io(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    CollectedFile out;
    out.role = role;
    out.originalPath = original;
    out.localName = localName;
    out.bytes = quint64(bytes.size());
    out.wireBytes = out.bytes;
    out.sha256 = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
    return out;
}

} // namespace

QString hostLabelFor(const QString &description)
{
    QString s = description;
    if (s.startsWith(QLatin1StringView("ssh ")))
        s = s.mid(4);
    s = s.mid(s.indexOf(QLatin1Char('@')) + 1);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    s.replace(unsafe, QStringLiteral("_"));
    return s.isEmpty() ? QStringLiteral("host") : s;
}

Result<std::pair<QByteArray, quint64>> hashFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::io(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!h.addData(&f))
        return Error::io(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return std::pair{h.result().toHex(), quint64(f.size())};
}

Result<Collection> Collector::collect(const CollectOptions &o)
{
    Collection c;
    c.target = m_transport.describe();
    auto clock = readHostClock(m_transport, o); // also the first command: connects and checks the host key
    if (!clock)
        return clock.error();
    c.target = m_transport.describe(); // after connecting, it names the user and port
    c.hostLabel = o.hostLabel.isEmpty() ? hostLabelFor(c.target) : o.hostLabel;
    c.directory = QDir(o.outputDir).absolutePath();
    if (!QDir().mkpath(c.directory))
        return Error::io(QStringLiteral("cannot create the directory %1").arg(c.directory));
    c.collectedAtUtcMs = clock->utcMs;
    c.hostUtcOffsetMinutes = clock->offsetMinutes;
    const TimeMs hostNow = clock->utcMs + clock->offsetMinutes * 60'000LL;
    c.window = o.window.resolvedAt(hostNow); // "--since 30m" is the host's last 30 minutes
    if (c.window.since == kNoTime && !o.allTime)
        c.window.since = hostNow - o.defaultSpan.count();

    SudoUse sudo = o.sudo;
    if (sudo == SudoUse::Allowed) {
        auto check = m_transport.run(RemoteCommand::sudoCheck(), o.commandTimeout, o.cancel);
        if (!check)
            return check.error();
        if (check->exitCode != 0) {
            c.diagnostics.push_back({Diagnostic::Severity::Warning, {},
                                     QStringLiteral("--sudo was given but sudo -n does not work for this user on %1 (%2); "
                                                    "continuing without sudo")
                                         .arg(c.target, QString::fromUtf8(check->err).trimmed())});
            sudo = SudoUse::No;
        }
    }

    auto nginx = locateNginx(m_transport, o.commandTimeout, o.cancel, c.diagnostics, o.nginxConf);
    if (!nginx)
        return nginx.error();
    c.nginx = *nginx;
    auto dump = dumpNginxConfig(m_transport, c.nginx, sudo, o.commandTimeout, o.cancel);
    if (!dump)
        return dump.error();
    auto dumpFile = writeLocal(c, CollectedFile::Role::ConfigDump, c.nginx.binary + QStringLiteral(" -T"),
                               QStringLiteral("nginx-T.txt"), dump->out);
    if (!dumpFile)
        return dumpFile.error();
    c.files.push_back(*dumpFile);
    const ParsedConfig parsed = ConfigParser::parseDump(dump->out, QStringLiteral("nginx-T.txt"));
    const ConfigModel config = ConfigModel::build(parsed);

    LogCollectContext ctx{m_transport, o, c, sudo, readIdentity(m_transport, o)};
    ctx.config = &config;
    std::vector<std::pair<LogTarget, LogFileOnHost>> work;
    for (const LogTarget &target : logTargets(config)) {
        auto files = filesForTarget(ctx, target);
        if (!files)
            return files.error();
        for (const LogFileOnHost &f : *files)
            work.emplace_back(target, f);
    }
    ctx.filesTotal = int(work.size());
    for (std::size_t i = 0; i < work.size(); ++i) {
        if (auto done = collectLogFile(ctx, work[i].first, work[i].second, int(i) + 1); !done)
            return done.error();
    }
    return c;
}

} // namespace gwb
