// The check plugin loader against real plugin files: a valid one, broken metadata, a future API version,
// files that are no plugins at all, and the php-fpm plugin the project ships.

#include "checks/checkengine.h"
#include "checks/pluginloader.h"
#include "gwb/checkplugin.h"
#include "transport/localtransport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace gwb;

namespace {

const QString kTestDir = QStringLiteral(GWB_TEST_PLUGIN_DIR);
const QString kRealDir = QStringLiteral(GWB_REAL_PLUGIN_DIR);

const PluginInfo *infoFor(const std::vector<PluginInfo> &infos, const QString &fileName)
{
    const auto it = std::find_if(infos.begin(), infos.end(), [&](const PluginInfo &i) {
        return QFileInfo(i.file).fileName() == fileName;
    });
    return it == infos.end() ? nullptr : &*it;
}

// The one warning about `file`, or an empty string.
QString warningFor(const CheckRegistry &registry, const QString &file)
{
    QString found;
    for (const QString &w : registry.warnings())
        if (w.startsWith(QStringLiteral("plugin %1: ").arg(file))) {
            if (!found.isEmpty())
                return QStringLiteral("(more than one warning)");
            found = w;
        }
    return found;
}

} // namespace

class TestPluginLoader final : public QObject
{
    Q_OBJECT

private slots:
    void goodPluginAddsItsCheck()
    {
        CheckRegistry registry;
        const std::vector<PluginInfo> infos = loadCheckPlugins({kTestDir}, registry);
        const PluginInfo *good = infoFor(infos, QStringLiteral("good.so"));
        QVERIFY(good);
        QVERIFY2(good->loaded, qPrintable(good->problem));
        QCOMPARE(good->id, QStringLiteral("test-good"));
        QCOMPARE(good->version, QStringLiteral("0.1.0"));
        QCOMPARE(good->apiVersion, kCheckPluginApiVersion);
        QCOMPARE(good->name, QStringLiteral("Test plugin"));
        QCOMPARE(good->checks, QStringList{QStringLiteral("test-echo")});
        QVERIFY(good->problem.isEmpty());
        QVERIFY(warningFor(registry, good->file).isEmpty());

        const Check *check = registry.find(u"test-echo");
        QVERIFY(check);
        QCOMPARE(registry.originOf(u"test-echo"), QStringLiteral("plugin test-good 0.1.0"));
        QCOMPARE(check->step(), GuidedStep::Probe);

        // The plugin's check runs through the engine's context, on this machine, like a built-in one.
        LocalTransport local;
        CheckContext context(&local, nullptr, nullptr, CheckOptions{});
        const CheckResult result = check->run(CheckSubject{}, context);
        QCOMPARE(result.checkId, QStringLiteral("test-echo"));
        QCOMPARE(result.verdict, Verdict::Pass);
        QCOMPARE(result.commands.size(), size_t(1));
        QVERIFY(result.commands.front().text.contains(QStringLiteral("command -v")));
        QCOMPARE(result.commands.front().exitCode, 0);
    }

    void badMetadataIsAWarningAndTheRestLoads()
    {
        CheckRegistry registry;
        const std::vector<PluginInfo> infos = loadCheckPlugins({kTestDir}, registry);

        const PluginInfo *noApi = infoFor(infos, QStringLiteral("badmeta_noapi.so"));
        QVERIFY(noApi);
        QVERIFY(!noApi->loaded);
        QCOMPARE(noApi->id, QStringLiteral("test-noapi"));
        QVERIFY2(noApi->problem.contains(QStringLiteral("no \"apiVersion\"")), qPrintable(noApi->problem));
        const QString w1 = warningFor(registry, noApi->file);
        QVERIFY2(w1.contains(QStringLiteral("apiVersion")) && w1.contains(QStringLiteral("rebuild")),
                 qPrintable(w1));
        QVERIFY(!registry.find(u"test-noapi-check"));

        const PluginInfo *badId = infoFor(infos, QStringLiteral("badmeta_badid.so"));
        QVERIFY(badId);
        QVERIFY(!badId->loaded);
        QVERIFY2(badId->problem.contains(QStringLiteral("\"Not A Valid Id!\" is not valid")),
                 qPrintable(badId->problem));
        QVERIFY(!warningFor(registry, badId->file).isEmpty());
        QVERIFY(!registry.find(u"test-badid-check"));

        // The engine went on: the valid plugin in the same directory is there.
        QVERIFY(registry.find(u"test-echo"));
    }

    void wrongApiVersionNamesBothVersions()
    {
        CheckRegistry registry;
        const std::vector<PluginInfo> infos = loadCheckPlugins({kTestDir}, registry);
        const PluginInfo *wrong = infoFor(infos, QStringLiteral("wrongapi.so"));
        QVERIFY(wrong);
        QVERIFY(!wrong->loaded);
        QCOMPARE(wrong->apiVersion, 99);
        const QString w = warningFor(registry, wrong->file);
        QVERIFY2(w.contains(QStringLiteral("API version 99")), qPrintable(w));
        QVERIFY2(w.contains(QStringLiteral("provides version %1").arg(kCheckPluginApiVersion)),
                 qPrintable(w));
        QVERIFY(!registry.find(u"test-wrongapi-check"));
    }

    void filesThatAreNoPluginsAreWarnings()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile garbage(dir.filePath(QStringLiteral("garbage.so")));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        QByteArray bytes;
        for (int i = 0; i < 4096; ++i)
            bytes.append(char((i * 131 + 7) & 0xff));
        garbage.write(bytes);
        garbage.close();
        QFile empty(dir.filePath(QStringLiteral("empty.so")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QVERIFY(QFile::copy(QDir(kTestDir).filePath(QStringLiteral("notaplugin.so")),
                            dir.filePath(QStringLiteral("notaplugin.so"))));
        QFile readme(dir.filePath(QStringLiteral("README.txt"))); // not *.so: not even looked at
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.close();

        CheckRegistry registry;
        const std::vector<PluginInfo> infos = loadCheckPlugins({dir.path()}, registry);
        QCOMPARE(infos.size(), size_t(3));
        for (const PluginInfo &info : infos) {
            QVERIFY(!info.loaded);
            const QString w = warningFor(registry, info.file);
            QVERIFY2(w.contains(QStringLiteral("not a Qt plugin")), qPrintable(w));
        }
        QCOMPARE(registry.warnings().size(), 3);
        QVERIFY(registry.all().empty());
    }

    void missingDirectoryIsSkippedSilently()
    {
        CheckRegistry registry;
        const auto infos =
            loadCheckPlugins({QStringLiteral("/nonexistent/gwb-plugins"), QString()}, registry);
        QVERIFY(infos.empty());
        QVERIFY(registry.warnings().isEmpty());
    }

    void samePluginIdTwiceLoadsOnce()
    {
        QTemporaryDir first, second;
        QVERIFY(first.isValid() && second.isValid());
        const QString good = QDir(kTestDir).filePath(QStringLiteral("good.so"));
        QVERIFY(QFile::copy(good, first.filePath(QStringLiteral("good.so"))));
        QVERIFY(QFile::copy(good, second.filePath(QStringLiteral("good-copy.so"))));
        CheckRegistry registry;
        const auto infos = loadCheckPlugins({first.path(), second.path()}, registry);
        QCOMPARE(infos.size(), size_t(2));
        QVERIFY(infos[0].loaded);
        QVERIFY(!infos[1].loaded);
        QVERIFY2(infos[1].problem.contains(QStringLiteral("was loaded already from %1").arg(infos[0].file)),
                 qPrintable(infos[1].problem));
        QCOMPARE(registry.all().size(), size_t(1));
        QCOMPARE(registry.warnings().size(), 1);
    }

    void writableByEveryoneIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QStringLiteral("good.so"));
        QVERIFY(QFile::copy(QDir(kTestDir).filePath(QStringLiteral("good.so")), copy));
        QFile file(copy);
        QVERIFY(file.setPermissions(file.permissions() | QFileDevice::WriteOther));
        CheckRegistry registry;
        auto infos = loadCheckPlugins({dir.path()}, registry);
        QCOMPARE(infos.size(), size_t(1));
        QVERIFY(!infos[0].loaded);
        QVERIFY2(warningFor(registry, copy).contains(QStringLiteral("writable by every user")),
                 qPrintable(registry.warnings().join(QLatin1Char('\n'))));

        QVERIFY(file.setPermissions(file.permissions() & ~QFileDevice::WriteOther));
        QFile dirEntry(dir.path());
        QVERIFY(dirEntry.setPermissions(dirEntry.permissions() | QFileDevice::WriteOther |
                                        QFileDevice::ExeOther | QFileDevice::ReadOther));
        CheckRegistry second;
        infos = loadCheckPlugins({dir.path()}, second);
        QVERIFY(infos.empty()); // the directory is not even listed
        QCOMPARE(second.warnings().size(), 1);
        QVERIFY2(second.warnings().front().startsWith(
                     QStringLiteral("plugin directory %1: is writable by every user")
                         .arg(QDir(dir.path()).absolutePath())),
                 qPrintable(second.warnings().front()));
        QVERIFY(second.all().empty());
    }

    void phpFpmPluginProvidesBothChecks()
    {
        CheckRegistry registry = CheckRegistry::withBuiltins();
        const size_t builtins = registry.all().size();
        const auto infos = loadCheckPlugins({kRealDir}, registry);
        const PluginInfo *php = infoFor(infos, QStringLiteral("phpfpm.so"));
        QVERIFY(php);
        QVERIFY2(php->loaded, qPrintable(php->problem));
        QCOMPARE(php->id, QStringLiteral("php-fpm"));
        QCOMPARE(php->version, QStringLiteral("1.0.0"));
        QCOMPARE(php->checks,
                 (QStringList{QStringLiteral("php-fpm-pool"), QStringLiteral("php-fpm-max-children")}));
        QVERIFY2(registry.warnings().isEmpty(), qPrintable(registry.warnings().join(QLatin1Char('\n'))));
        QCOMPARE(registry.all().size(), builtins + 2);
        for (const char16_t *id : {u"php-fpm-pool", u"php-fpm-max-children"}) {
            const Check *check = registry.find(QStringView(id));
            QVERIFY(check);
            QCOMPARE(registry.originOf(QStringView(id)), QStringLiteral("plugin php-fpm 1.0.0"));
            QVERIFY(!check->title().isEmpty());
            QVERIFY(!check->whyItMatters().isEmpty());
        }
        QCOMPARE(registry.find(u"php-fpm-pool")->step(), GuidedStep::Config);
        QCOMPARE(registry.find(u"php-fpm-max-children")->step(), GuidedStep::Probe);
    }

    void defaultDirsHonourTheEnvironmentAndTheBuildTree()
    {
        const QByteArray saved = qgetenv("GWB_PLUGIN_PATH");
        qputenv("GWB_PLUGIN_PATH", QByteArray("/opt/a/plugins::/opt/b/plugins/:") + kRealDir.toUtf8());
        const QStringList dirs = defaultPluginDirs();
        if (saved.isNull())
            qunsetenv("GWB_PLUGIN_PATH");
        else
            qputenv("GWB_PLUGIN_PATH", saved);

        QVERIFY(dirs.size() >= 4);
        QCOMPARE(dirs.value(0), QStringLiteral("/opt/a/plugins"));
        QCOMPARE(dirs.value(1), QStringLiteral("/opt/b/plugins"));
        // The build tree's directory came through the environment already: listed once, in that place.
        QCOMPARE(dirs.value(2), QDir::cleanPath(kRealDir));
        QCOMPARE(dirs.count(QDir::cleanPath(kRealDir)), 1);
        QVERIFY(dirs.contains(QDir::cleanPath(QCoreApplication::applicationDirPath() +
                                              QStringLiteral("/../lib/gateway-workbench/plugins"))));
        QVERIFY(std::any_of(dirs.begin(), dirs.end(), [](const QString &d) {
            return d.endsWith(QStringLiteral("/lib/gateway-workbench/plugins")) &&
                   !d.startsWith(
                       QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/..")));
        }));
    }

    void defaultDirsFindTheBuiltPlugins()
    {
        const QByteArray saved = qgetenv("GWB_PLUGIN_PATH");
        qunsetenv("GWB_PLUGIN_PATH");
        const QStringList dirs = defaultPluginDirs();
        if (!saved.isNull())
            qputenv("GWB_PLUGIN_PATH", saved);
        // This test runs from the build tree, which is what lets the build tree's directory in.
        QVERIFY(dirs.contains(QDir::cleanPath(kRealDir)));
        CheckRegistry registry;
        const auto infos = loadCheckPlugins(dirs, registry);
        QVERIFY(registry.find(u"php-fpm-pool"));
        QVERIFY(std::any_of(infos.begin(), infos.end(),
                            [](const PluginInfo &i) { return i.id == QLatin1StringView("php-fpm"); }));
    }
};

QTEST_GUILESS_MAIN(TestPluginLoader)
#include "tst_pluginloader.moc"
