#pragma once

#include "gwb/checkplugin.h"

#include <QObject>

namespace gwb::phpfpm {

// The plugin object Qt instantiates; it only hands out the two php-fpm checks.
class PhpFpmPlugin final : public QObject, public CheckPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID GwbCheckPlugin_iid FILE "phpfpm.json")
    Q_INTERFACES(gwb::CheckPlugin)

public:
    CheckList createChecks() const override;
};

} // namespace gwb::phpfpm
