#include "checks/pluginloader.h"

#include "checks/checkengine.h"
#include "gwb/checkplugin.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>
#include <QRegularExpression>
#include <exception>
#include <map>
#include <set>
#include <unistd.h>

namespace gwb {

namespace {

const QString kIid = QStringLiteral(GwbCheckPlugin_iid);

bool validId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9.-]*$"));
    return re.match(id).hasMatch();
}

// The metadata of a plugin file, checked field by field. Returns the problem, empty when all is well.
QString readMetadata(const QJsonObject &raw, PluginInfo &info)
{
    if (raw.isEmpty())
        return QStringLiteral("not a Qt plugin (the file carries no Qt plugin metadata); remove it from the "
                              "plugin directory");
    const QString iid = raw.value(QLatin1StringView("IID")).toString();
    if (iid != kIid) {
        const QString family = kIid.section(QLatin1Char('/'), 0, 0) + QLatin1Char('/');
        if (iid.startsWith(family))
            return QStringLiteral(
                       "built for check plugin interface \"%1\", this Gateway Workbench provides \"%2\" "
                       "(API version %3); rebuild the plugin against this release's gwb/checkplugin.h")
                .arg(iid, kIid)
                .arg(kCheckPluginApiVersion);
        return QStringLiteral("a Qt plugin of another kind (IID \"%1\", expected \"%2\"); remove it from the "
                              "plugin directory")
            .arg(iid.isEmpty() ? QStringLiteral("none") : iid, kIid);
    }
    const QJsonValue metaValue = raw.value(QLatin1StringView("MetaData"));
    if (!metaValue.isObject() || metaValue.toObject().isEmpty())
        return QStringLiteral("has no \"MetaData\" object; give Q_PLUGIN_METADATA a JSON file "
                              "(FILE \"plugin.json\") with id, version, apiVersion and checks");
    const QJsonObject meta = metaValue.toObject();
    const auto fix = [](const QString &what) {
        return QStringLiteral("%1; fix the plugin's JSON metadata and rebuild it").arg(what);
    };

    const QJsonValue id = meta.value(QLatin1StringView("id"));
    if (!id.isString() || id.toString().isEmpty())
        return fix(QStringLiteral("the metadata has no \"id\" string"));
    info.id = id.toString();
    if (!validId(info.id))
        return fix(
            QStringLiteral("the id \"%1\" is not valid (lower-case letters, digits, '.' and '-', starting "
                           "with a letter or digit)")
                .arg(info.id));

    info.name = meta.value(QLatin1StringView("name")).toString();
    info.description = meta.value(QLatin1StringView("description")).toString();

    const QJsonValue api = meta.value(QLatin1StringView("apiVersion"));
    if (api.isUndefined())
        return fix(
            QStringLiteral("the metadata has no \"apiVersion\" (this Gateway Workbench provides version %1)")
                .arg(kCheckPluginApiVersion));
    const double apiNumber = api.toDouble(-1);
    if (!api.isDouble() || apiNumber != double(qint64(apiNumber)))
        return fix(QStringLiteral("\"apiVersion\" is not an integer"));
    info.apiVersion = int(apiNumber);
    if (info.apiVersion != kCheckPluginApiVersion)
        return QStringLiteral(
                   "built for check plugin API version %1, this Gateway Workbench provides version %2; "
                   "install a release of the plugin made for API version %2, or rebuild it against "
                   "this release's gwb/checkplugin.h")
            .arg(info.apiVersion)
            .arg(kCheckPluginApiVersion);

    const QJsonValue version = meta.value(QLatin1StringView("version"));
    if (!version.isString() || version.toString().isEmpty())
        return fix(QStringLiteral("the metadata has no \"version\" string"));
    info.version = version.toString();

    const QJsonValue checks = meta.value(QLatin1StringView("checks"));
    if (!checks.isArray() || checks.toArray().isEmpty())
        return fix(QStringLiteral("\"checks\" must be a non-empty array of check ids"));
    for (const QJsonValue &c : checks.toArray()) {
        if (!c.isString() || !validId(c.toString()))
            return fix(QStringLiteral("\"checks\" holds an entry that is not a valid check id"));
        if (info.checks.contains(c.toString()))
            return fix(QStringLiteral("\"checks\" names \"%1\" twice").arg(c.toString()));
        info.checks << c.toString();
    }
    return {};
}

// A plugin is code we run: a directory or file that someone else could have put there or may change is
// refused. Returns why, empty when it is safe.
QString unsafeOwnership(const QFileInfo &fi)
{
    const uint owner = fi.ownerId();
    if (owner != 0 && owner != ::getuid())
        return QStringLiteral("is owned by another user (uid %1)").arg(owner);
    if (fi.permissions() & QFileDevice::WriteOther)
        return QStringLiteral("is writable by every user");
    return {};
}

// Loads a plugin whose metadata passed and adds its declared checks. Returns the problem, empty on success.
QString loadChecks(QPluginLoader &loader, PluginInfo &info, CheckRegistry &registry)
{
    // Its checks live in the registry after the loader is gone: the library must stay mapped.
    loader.setLoadHints(loader.loadHints() | QLibrary::PreventUnloadHint);
    if (!loader.load())
        return QStringLiteral(
                   "cannot be loaded: %1; rebuild it against this Gateway Workbench and its Qt version")
            .arg(loader.errorString());
    auto *plugin = qobject_cast<CheckPlugin *>(loader.instance());
    if (!plugin)
        return QStringLiteral("its metadata promises a check plugin but the library does not implement "
                              "gwb::CheckPlugin (Q_INTERFACES missing?); fix and rebuild the plugin");
    CheckList checks;
    try {
        checks = plugin->createChecks();
    } catch (const std::exception &e) {
        return QStringLiteral("createChecks() threw (%1); report it to the plugin's author")
            .arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        return QStringLiteral("createChecks() threw; report it to the plugin's author");
    }

    const QString origin = QStringLiteral("plugin %1 %2").arg(info.id, info.version);
    QStringList provided;
    int added = 0;
    for (auto &check : checks) {
        if (!check)
            continue;
        const QString checkId = check->id();
        provided << checkId;
        if (!info.checks.contains(checkId)) {
            registry.addWarning(
                QStringLiteral("plugin %1: provides the check \"%2\" that its metadata does not "
                               "declare, so it was left out; add it to \"checks\" in the metadata")
                    .arg(info.file, checkId));
            continue;
        }
        if (registry.add(std::move(check), origin))
            ++added;
    }
    for (const QString &declared : std::as_const(info.checks))
        if (!provided.contains(declared))
            registry.addWarning(
                QStringLiteral("plugin %1: declares the check \"%2\" but does not provide it; "
                               "remove it from \"checks\" or implement it")
                    .arg(info.file, declared));
    if (added == 0)
        return QStringLiteral("none of its checks could be added; see the warnings above");
    return {};
}

} // namespace

std::vector<PluginInfo> loadCheckPlugins(const QStringList &dirs, CheckRegistry &registry)
{
    std::vector<PluginInfo> out;
    std::map<QString, QString> loadedIds; // id → file that provided it
    std::set<QString> seenFiles;
    for (const QString &dirPath : dirs) {
        const QDir dir(dirPath);
        if (dirPath.isEmpty() || !dir.exists())
            continue;
        if (const QString unsafe = unsafeOwnership(QFileInfo(dir.absolutePath())); !unsafe.isEmpty()) {
            registry.addWarning(
                QStringLiteral("plugin directory %1: %2, so none of its plugins were loaded; make it "
                               "owned by root (or you) and writable only by its owner")
                    .arg(dir.absolutePath(), unsafe));
            continue;
        }
        const QFileInfoList files =
            dir.entryInfoList({QStringLiteral("*.so")}, QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &fi : files) {
            const QString canonical = fi.canonicalFilePath();
            if (!seenFiles.insert(canonical.isEmpty() ? fi.absoluteFilePath() : canonical).second)
                continue;
            PluginInfo info;
            info.file = fi.absoluteFilePath();
            QPluginLoader loader(info.file);
            if (const QString unsafe = unsafeOwnership(fi); !unsafe.isEmpty())
                info.problem =
                    QStringLiteral("%1, so it was not loaded; make it owned by root (or you) and writable "
                                   "only by its owner")
                        .arg(unsafe);
            else if (!fi.isReadable())
                info.problem =
                    QStringLiteral("cannot be read (permissions); make it readable for this user or "
                                   "remove it from the plugin directory");
            else
                info.problem = readMetadata(loader.metaData(), info);
            if (info.problem.isEmpty()) {
                if (const auto it = loadedIds.find(info.id); it != loadedIds.end())
                    info.problem =
                        QStringLiteral("a plugin with the id \"%1\" was loaded already from %2; remove "
                                       "one of the two")
                            .arg(info.id, it->second);
            }
            if (info.problem.isEmpty())
                info.problem = loadChecks(loader, info, registry);
            info.loaded = info.problem.isEmpty();
            if (info.loaded)
                loadedIds.emplace(info.id, info.file);
            else
                registry.addWarning(QStringLiteral("plugin %1: %2").arg(info.file, info.problem));
            out.push_back(std::move(info));
        }
    }
    return out;
}

QStringList defaultPluginDirs()
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("GWB_PLUGIN_PATH");
    candidates << env.split(QLatin1Char(':'), Qt::SkipEmptyParts);

    QString appDir;
    if (QCoreApplication::instance())
        appDir = QCoreApplication::applicationDirPath();
#if defined(GWB_BUILD_ROOT) && defined(GWB_BUILD_PLUGIN_DIR)
    // The build tree's directory is only trusted by binaries that run from that tree: an installed binary
    // must not execute whatever someone placed at the path where it was once built.
    const QString buildRoot = QDir::cleanPath(QStringLiteral(GWB_BUILD_ROOT));
    if (!appDir.isEmpty() &&
        QString(QDir::cleanPath(appDir) + QLatin1Char('/')).startsWith(QString(buildRoot + QLatin1Char('/'))))
        candidates << QStringLiteral(GWB_BUILD_PLUGIN_DIR);
#endif
    if (!appDir.isEmpty())
        candidates << appDir + QStringLiteral("/../lib/gateway-workbench/plugins");
#ifdef GWB_INSTALL_PLUGIN_DIR
    candidates << QStringLiteral(GWB_INSTALL_PLUGIN_DIR);
#endif

    QStringList out;
    QStringList seen;
    for (const QString &c : std::as_const(candidates)) {
        const QString clean = QDir::cleanPath(c);
        const QString canonical = QFileInfo(clean).canonicalFilePath(); // empty when it does not exist
        const QString key = canonical.isEmpty() ? clean : canonical;
        if (seen.contains(key))
            continue;
        seen << key;
        out << clean;
    }
    return out;
}

} // namespace gwb
