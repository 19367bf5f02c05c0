#pragma once

// The public interface of check plugins. A plugin is a Qt plugin (a shared library built with
// Q_PLUGIN_METADATA) that implements CheckPlugin and carries JSON metadata:
//
//   { "id": "php-fpm", "version": "1.0.0", "apiVersion": 1, "name": "php-fpm pool checks",
//     "description": "...", "checks": ["php-fpm-pool", "php-fpm-max-children"] }
//
// The loader reads the metadata before it loads the library: a plugin whose metadata is missing or
// malformed, or whose apiVersion is not kCheckPluginApiVersion, is not loaded and becomes a warning.
// Checks from plugins run exactly like built-in ones: through CheckContext::run(), so they can only issue
// the read-only command templates of RemoteCommand.

#include "checks/check.h"

#include <QtPlugin>

namespace gwb {

inline constexpr int kCheckPluginApiVersion = 1;

class CheckPlugin
{
public:
    virtual ~CheckPlugin() = default;
    // New check objects; the engine owns them. Their ids must match the metadata's "checks" list.
    virtual CheckList createChecks() const = 0;
};

} // namespace gwb

#define GwbCheckPlugin_iid "org.gatewayworkbench.CheckPlugin/1"
Q_DECLARE_INTERFACE(gwb::CheckPlugin, GwbCheckPlugin_iid)
