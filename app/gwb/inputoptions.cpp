#include "inputoptions.h"

#include "cli.h"

#include "common/wallclock.h"

namespace gwb::cli {

InputOptions::InputOptions()
    : m_dump(QStringLiteral("config-dump"), QStringLiteral("Output of `nginx -T`."), QStringLiteral("FILE")),
      m_conf(QStringLiteral("config"), QStringLiteral("nginx.conf on disk (includes are followed)."), QStringLiteral("FILE")),
      m_prefix(QStringLiteral("prefix"), QStringLiteral("nginx prefix for relative paths (default: the directory of --config)."),
               QStringLiteral("DIR")),
      m_access(QStringLiteral("access-log"), QStringLiteral("Access log to read (repeatable; .gz allowed)."), QStringLiteral("FILE")),
      m_errorLog(QStringLiteral("error-log"), QStringLiteral("Error log to read (repeatable; .gz allowed)."), QStringLiteral("FILE")),
      m_logFormat(QStringLiteral("log-format"),
                  QStringLiteral("log_format name for every access log (default: the one the config declares for the "
                                 "file, else combined)."),
                  QStringLiteral("NAME")),
      m_since(QStringLiteral("since"),
              QStringLiteral("Start of the window: \"2026-11-24 10:00\" or a duration back from now (30m, 2h, 1d). Log "
                             "times are the nginx host's wall clock; a duration counts back from the host's clock "
                             "(--ssh/--local) or from when a --bundle was collected."),
              QStringLiteral("TIME")),
      m_until(QStringLiteral("until"), QStringLiteral("End of the window, same forms as --since."), QStringLiteral("TIME")),
      m_evidence(QStringLiteral("evidence"), QStringLiteral("Evidence lines per finding (default 5)."), QStringLiteral("N"),
                 QStringLiteral("5")),
      m_threads(QStringLiteral("threads"), QStringLiteral("Parser threads (default: one per core)."), QStringLiteral("N"),
                QStringLiteral("0"))
{
}

void InputOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({m_dump, m_conf, m_prefix, m_access, m_errorLog, m_logFormat, m_since, m_until, m_evidence, m_threads});
}

bool InputOptions::anyInputSet(const QCommandLineParser &p) const
{
    return p.isSet(m_dump) || p.isSet(m_conf) || p.isSet(m_access) || p.isSet(m_errorLog);
}

bool InputOptions::anyFileOptionSet(const QCommandLineParser &p) const
{
    return anyInputSet(p) || p.isSet(m_prefix) || p.isSet(m_logFormat);
}

std::optional<int> InputOptions::read(const QCommandLineParser &p, LocalInputs &inputs, int &evidencePerFinding) const
{
    if (p.isSet(m_dump) && p.isSet(m_conf)) {
        error(QStringLiteral("give either --config-dump or --config, not both"));
        return Usage;
    }
    bool ok = false;
    evidencePerFinding = p.value(m_evidence).toInt(&ok);
    if (!ok || evidencePerFinding < 0) {
        error(QStringLiteral("--evidence takes a whole number, not \"%1\"").arg(p.value(m_evidence)));
        return Usage;
    }
    inputs.threads = p.value(m_threads).toInt(&ok);
    if (!ok || inputs.threads < 0) {
        error(QStringLiteral("--threads takes a whole number, not \"%1\"").arg(p.value(m_threads)));
        return Usage;
    }
    const TimeMs now = nowWallClockMs();
    for (const auto &[opt, target, ago] : {std::tuple{&m_since, &inputs.since, &inputs.sinceAgoMs},
                                           std::tuple{&m_until, &inputs.until, &inputs.untilAgoMs}}) {
        if (!p.isSet(*opt))
            continue;
        auto t = readWindowBound(p.value(*opt));
        if (!t) {
            error(QStringLiteral("--%1: %2").arg(opt->names().first(), t.error().message));
            return Usage;
        }
        *target = t->resolve(now);
        *ago = t->agoMs;
    }
    inputs.configDump = p.value(m_dump);
    inputs.configFile = p.value(m_conf);
    inputs.prefix = p.value(m_prefix);
    inputs.accessLogs = p.values(m_access);
    inputs.errorLogs = p.values(m_errorLog);
    inputs.accessFormat = p.value(m_logFormat);
    return std::nullopt;
}

} // namespace gwb::cli
