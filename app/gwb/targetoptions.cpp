#include "targetoptions.h"

#include "cli.h"
#include "collect/bundle.h"
#include "collect/collector.h"
#include "collect/multicollect.h"
#include "transport/localtransport.h"
#include "transport/sshtransport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <set>

namespace gwb::cli {

void TargetOptions::addTo(QCommandLineParser &parser, bool withBundle) const
{
    parser.addOptions({ssh, identity, knownHosts, acceptNew, sudo, local, allTime, nginxConf});
    if (withBundle)
        parser.addOption(bundle);
}

std::optional<int> readTargetChoice(const QCommandLineParser &p, const TargetOptions &o, TargetChoice &out)
{
    out.ssh = p.values(o.ssh);
    out.identities = p.values(o.identity);
    out.knownHosts = p.value(o.knownHosts);
    out.acceptNew = p.isSet(o.acceptNew);
    out.sudo = p.isSet(o.sudo);
    out.local = p.isSet(o.local);
    out.allTime = p.isSet(o.allTime);
    out.nginxConf = p.value(o.nginxConf);
    out.bundle = p.optionNames().contains(o.bundle.names().first()) ? p.value(o.bundle) : QString();
    const int kinds = int(!out.ssh.isEmpty()) + int(out.local) + int(!out.bundle.isEmpty());
    if (kinds > 1) {
        error(QStringLiteral("give one of --ssh, --local and --bundle"));
        return Usage;
    }
    if (out.ssh.isEmpty() && (!out.identities.isEmpty() || !out.knownHosts.isEmpty() || out.acceptNew)) {
        error(QStringLiteral("--identity, --known-hosts and --accept-new-host-key go with --ssh"));
        return Usage;
    }
    if (!out.collects() && (out.sudo || out.allTime)) {
        error(QStringLiteral("--sudo and --all go with --ssh or --local"));
        return Usage;
    }
    for (const QString &spec : out.ssh) {
        if (auto parsed = parseSshTarget(spec); !parsed) {
            error(parsed.error().message);
            return Usage;
        }
    }
    return std::nullopt;
}

Result<SshOptions> parseSshTarget(const QString &spec)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$)"));
    const auto m = re.match(spec);
    const uint port = m.captured(3).toUInt();
    if (!m.hasMatch() || port > 65535)
        return Error{Error::Kind::Usage,
                     QStringLiteral("--ssh takes [user@]host[:port], not \"%1\"").arg(spec)};
    SshOptions o;
    o.user = m.captured(1);
    o.host = m.captured(2);
    if (o.host.startsWith(QLatin1Char('[')))
        o.host = o.host.mid(1, o.host.size() - 2);
    o.port = quint16(port);
    return o;
}

Result<QString> unpackBundle(const QString &path, CollectedTargets &keep)
{
    if (!QFileInfo(path).isFile())
        return path;
    keep.spool = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("gwb-bundle-XXXXXX")));
    QProcess tar;
    // --no-same-owner/-permissions: the archive's metadata is data too; members stay inside the directory
    // (GNU tar refuses names with .. and strips the leading /).
    tar.start(QStringLiteral("tar"), {QStringLiteral("-xzf"), path, QStringLiteral("--no-same-owner"),
                                      QStringLiteral("--no-same-permissions"), QStringLiteral("-C"), keep.spool->path()});
    if (!keep.spool->isValid() || !tar.waitForFinished(-1) || tar.exitStatus() != QProcess::NormalExit ||
        tar.exitCode() != 0)
        return Error::input(QStringLiteral("cannot unpack the bundle %1: %2")
                                .arg(path, QString::fromLocal8Bit(tar.readAllStandardError()).trimmed()));
    return keep.spool->path();
}

std::variant<CollectedTargets, int> collectTargets(const TargetChoice &choice, CollectWindow window,
                                                   const QString &outputDir, bool parseWhilePulling, int parseThreads)
{
    CollectedTargets out;
    QString dir = outputDir;
    if (dir.isEmpty()) {
        out.spool = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("gwb-collect-XXXXXX")));
        if (!out.spool->isValid()) {
            error(QStringLiteral("cannot create a temporary directory for the collected logs: %1")
                      .arg(out.spool->errorString()));
            return InputUnreadable;
        }
        dir = out.spool->path();
    }
    CollectOptions options;
    options.window = window;
    options.allTime = choice.allTime;
    options.sudo = choice.sudo ? SudoUse::Allowed : SudoUse::No;
    options.outputDir = dir;
    options.nginxConf = choice.nginxConf;
    options.parseWhilePulling = parseWhilePulling;
    options.parseThreads = parseThreads;

    std::vector<CollectTarget> targets;
    std::set<QString> labels;
    auto uniqueLabel = [&](QString label) {
        QString candidate = label;
        for (int n = 2; !labels.insert(candidate).second; ++n)
            candidate = label + QStringLiteral("-%1").arg(n);
        return candidate;
    };
    if (choice.local)
        targets.push_back({[] { return std::make_unique<LocalTransport>(); }, uniqueLabel(QStringLiteral("local"))});
    for (const QString &spec : choice.ssh) {
        SshOptions ssh = parseSshTarget(spec).value();
        ssh.identityFiles = choice.identities;
        ssh.knownHostsPath = choice.knownHosts;
        const bool acceptNew = choice.acceptNew;
        targets.push_back({[ssh, acceptNew]() -> std::unique_ptr<Transport> {
                               return std::make_unique<SshTransport>(
                                   ssh, acceptNew ? HostKeyPolicy::acceptNew() : HostKeyPolicy::refuseUnknown());
                           },
                           uniqueLabel(hostLabelFor(spec))});
    }
    auto results = collectAll(targets, options);
    int failures = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i]) {
            out.collections.push_back(std::move(results[i]).value());
            continue;
        }
        ++failures;
        error(results.size() == 1 ? results[i].error().message
                                  : QStringLiteral("%1: %2").arg(targets[i].hostLabel, results[i].error().message));
    }
    if (out.collections.empty())
        return results.size() == 1 && results.front().error().kind == Error::Kind::Cancelled ? Failure
                                                                                            : InputUnreadable;
    return out;
}

Result<Investigation> loadInvestigation(const TargetChoice &choice, const LocalInputs &inputs, CollectedTargets &keep,
                                        std::optional<int> &reported)
{
    CollectWindow window{inputs.since, inputs.until};
    window.sinceAgoMs = inputs.sinceAgoMs;
    window.untilAgoMs = inputs.untilAgoMs;
    if (!choice.bundle.isEmpty()) {
        auto unpacked = unpackBundle(choice.bundle, keep);
        if (!unpacked)
            return unpacked.error();
        auto loaded = Bundle::load(*unpacked);
        if (!loaded)
            return loaded.error();
        // "--since 30m" of a bundle: the last 30 minutes before it was collected, on the host's clock.
        if (window.isRelative() && !loaded->empty() && loaded->front().collectedAtUtcMs != 0)
            window = window.resolvedAt(loaded->front().collectedAtUtcMs +
                                       loaded->front().hostUtcOffsetMinutes * 60'000LL);
        return investigationFrom(*loaded, window, inputs.threads);
    }
    if (!choice.collects())
        return Investigation::loadLocal(inputs);
    // The access logs are parsed as they arrive; investigationFrom takes those results.
    // Relative bounds stay relative for the collector, which ties them to each host's clock.
    if (window.sinceAgoMs >= 0)
        window.since = kNoTime;
    if (window.untilAgoMs >= 0)
        window.until = kNoTime;
    auto got = collectTargets(choice, window, QString(), true, inputs.threads);
    if (const int *code = std::get_if<int>(&got)) {
        reported = *code;
        return Error::io(QString());
    }
    keep = std::move(std::get<CollectedTargets>(got));
    // Open sides (relative bounds included) are taken from the collections, resolved on the host.
    return investigationFrom(keep.collections, CollectWindow{window.since, window.until}, inputs.threads);
}

} // namespace gwb::cli
