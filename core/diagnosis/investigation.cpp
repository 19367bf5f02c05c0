#include "investigation.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentMap>

namespace gwb {

namespace {

QString stripRotation(const QString &path)
{
    static const QRegularExpression rotated(QStringLiteral(R"((\.\d+)?(\.gz)?$)"));
    QString base = path;
    base.remove(rotated);
    return base;
}

Diagnostic skipped(const QString &path, const QString &why)
{
    return {Diagnostic::Severity::Warning, {path, LineNumber(0)}, why};
}

bool isFileTarget(const QString &path)
{
    return !path.startsWith(QLatin1StringView("syslog:")) && !path.startsWith(QLatin1StringView("memory:")) &&
           path != QLatin1StringView("stderr") && path != QLatin1StringView("/dev/null");
}

} // namespace

Result<LogFormat> accessLogFormat(const ConfigModel *config, const QString &name)
{
    if (name == QLatin1StringView("combined") || !config)
        return LogFormat::combined();
    const LogFormatDefinition *def = config->logFormat(name);
    if (!def)
        return Error::input(QStringLiteral("log_format \"%1\" is not defined in the configuration").arg(name));
    const auto escape = def->escape == QLatin1StringView("json")   ? LogFormat::Escape::Json
                        : def->escape == QLatin1StringView("none") ? LogFormat::Escape::None
                                                                   : LogFormat::Escape::Default;
    return LogFormat::compile(def->name, def->format, escape);
}

QString accessFormatKey(const ConfigModel *config, const QString &name)
{
    if (name == QLatin1StringView("combined") || !config)
        return QStringLiteral("combined");
    const LogFormatDefinition *def = config->logFormat(name);
    if (!def)
        return QString();
    return def->name + QLatin1Char('\n') + def->escape + QLatin1Char('\n') + def->format;
}

std::optional<AccessLogResult> PreparsedAccessLog::take(const std::shared_ptr<TextSource> &text, SourceId source,
                                                        const QString &formatKey, TimeMs since, TimeMs until)
{
    const std::lock_guard lock(m_mutex);
    // Anything that would make the second parse differ from the first: another format, another window,
    // other bytes (a file changed or decompressed on open), or a parse that did not run to the end.
    if (!m_result || m_result->cancelled || formatKey.isEmpty() || formatKey != m_formatKey || since != m_since ||
        until != m_until || !text || text->wasCompressed() || static_cast<std::uint64_t>(text->bytes().size()) != m_bytes)
        return std::nullopt;
    AccessLogResult result = std::move(*m_result);
    m_result.reset();
    result.text = text;
    if (result.source != source) {
        // Source ids are handed out by the investigation, in its order of files.
        result.source = source;
        for (AccessEvent &ev : result.events)
            ev.source = source.value;
    }
    return result;
}

QString formatNameForLog(const ConfigModel *config, const QString &path)
{
    if (!config)
        return QStringLiteral("combined");
    const QString base = stripRotation(path);
    const QString baseName = QFileInfo(base).fileName();
    QString byName;
    for (const AccessLogTarget &t : config->allAccessLogs()) {
        if (t.off)
            continue;
        if (t.path == base || t.path == path)
            return t.formatName;
        if (byName.isEmpty() && QFileInfo(t.path).fileName() == baseName)
            byName = t.formatName; // a copied log (bundle, fixtures) keeps its name but not its directory
    }
    return byName.isEmpty() ? QStringLiteral("combined") : byName;
}

Result<Investigation> Investigation::loadLocal(const LocalInputs &in, const std::atomic_bool *cancel)
{
    Investigation inv;
    inv.since = in.since;
    inv.until = in.until;

    if (!in.configDump.isEmpty()) {
        auto src = TextSource::open(in.configDump);
        if (!src)
            return src.error();
        inv.parsedConfig = ConfigParser::parseDump(src.value()->bytes(), in.configDump);
    } else if (!in.configFile.isEmpty()) {
        if (!QFileInfo(in.configFile).isReadable())
            return Error::input(QStringLiteral("cannot read %1: %2").arg(in.configFile,
                QFileInfo::exists(in.configFile) ? QStringLiteral("permission denied") : QStringLiteral("no such file")));
        inv.parsedConfig = ConfigParser::parseFile(in.configFile, in.prefix);
    }
    if (!in.configDump.isEmpty() || !in.configFile.isEmpty()) {
        inv.config = ConfigModel::build(inv.parsedConfig);
        inv.diagnostics.insert(inv.diagnostics.end(), inv.config->diagnostics.begin(), inv.config->diagnostics.end());
    }
    const ConfigModel *config = inv.config ? &*inv.config : nullptr;

    // Which files: explicit ones must be readable; ones named by the config are best effort.
    struct Wanted
    {
        QString path;
        bool explicitlyNamed;
    };
    std::vector<Wanted> accessWanted, errorWanted;
    for (const QString &p : in.accessLogs)
        accessWanted.push_back({p, true});
    for (const QString &p : in.errorLogs)
        errorWanted.push_back({p, true});
    if (config && in.accessLogs.isEmpty() && in.errorLogs.isEmpty()) {
        for (const AccessLogTarget &t : config->allAccessLogs())
            if (!t.off && isFileTarget(t.path))
                accessWanted.push_back({t.path, false});
        for (const ErrorLogTarget &t : config->allErrorLogs())
            if (isFileTarget(t.path))
                errorWanted.push_back({t.path, false});
    }

    auto openAll = [&](const std::vector<Wanted> &wanted,
                       std::vector<std::shared_ptr<TextSource>> &out) -> std::optional<Error> {
        for (const Wanted &w : wanted) {
            auto src = TextSource::open(w.path);
            if (!src) {
                if (w.explicitlyNamed)
                    return src.error();
                inv.diagnostics.push_back(skipped(w.path, src.error().message + QStringLiteral(" (named in the configuration; skipped)")));
                continue;
            }
            if (!src.value()->warning().isEmpty())
                inv.diagnostics.push_back(skipped(w.path, src.value()->warning()));
            out.push_back(src.value());
        }
        return std::nullopt;
    };
    std::vector<std::shared_ptr<TextSource>> accessSources, errorSources;
    if (auto e = openAll(accessWanted, accessSources))
        return *e;
    if (auto e = openAll(errorWanted, errorSources))
        return *e;

    LogParseOptions opts;
    opts.since = in.since;
    opts.until = in.until;
    opts.threads = in.threads;
    opts.cancel = cancel;

    std::uint16_t nextSource = 1;
    for (const auto &src : accessSources) {
        const QString name = in.accessFormat.isEmpty() ? formatNameForLog(config, src->path()) : in.accessFormat;
        auto format = accessLogFormat(config, name);
        if (!format)
            return Error::input(QStringLiteral("%1: %2").arg(src->path(), format.error().message));
        const SourceId source(nextSource++);
        std::optional<AccessLogResult> parsed;
        if (const auto pre = in.preparsed.find(src->path()); pre != in.preparsed.end() && pre->second)
            parsed = pre->second->take(src, source, accessFormatKey(config, name), in.since, in.until);
        if (!parsed)
            parsed = AccessLogParser::parse(src, source, format.value(), opts);
        inv.accessLogs.push_back(std::move(*parsed));
        inv.accessFormats.push_back(std::move(format.value()));
    }
    // Error logs are smaller; parse them side by side.
    std::vector<std::pair<std::shared_ptr<TextSource>, SourceId>> jobs;
    for (const auto &src : errorSources)
        jobs.emplace_back(src, SourceId(nextSource++));
    inv.errorLogs = QtConcurrent::blockingMapped<std::vector<ErrorLogResult>>(
        jobs, [opts](const std::pair<std::shared_ptr<TextSource>, SourceId> &job) {
            return ErrorLogParser::parse(job.first, job.second, opts);
        });
    return inv;
}

} // namespace gwb
