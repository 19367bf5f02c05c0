// A plugin the loader must refuse from its metadata alone: createChecks() would abort the test if it ran.

#include "gwb/checkplugin.h"

#include <QObject>

namespace {

class NoApiPlugin final : public QObject, public gwb::CheckPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID GwbCheckPlugin_iid FILE "noapi.json")
    Q_INTERFACES(gwb::CheckPlugin)

public:
    gwb::CheckList createChecks() const override { qFatal("the loader ran a plugin it should have refused"); }
};

} // namespace

#include "noapiplugin.moc"
