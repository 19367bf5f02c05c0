#pragma once

// Finds check plugins on disk and adds their checks to a CheckRegistry. A plugin's JSON metadata is read
// and validated before its library is loaded, so a plugin built for another API version, or one with
// broken metadata, never runs a line of code: it becomes a warning in the registry and the engine goes on.

#include <QString>
#include <QStringList>
#include <vector>

namespace gwb {

class CheckRegistry;

// What the loader learned about one file in a plugin directory.
struct PluginInfo
{
    QString file;        // absolute path of the library
    QString id;          // metadata "id" ("php-fpm"), empty when the metadata had none
    QString version;     // metadata "version" ("1.0.0")
    QString name;        // metadata "name", for people
    QString description; // metadata "description"
    int apiVersion = 0;  // metadata "apiVersion", 0 when missing or not an integer
    QStringList checks;  // metadata "checks": the ids of the checks it declares
    bool loaded = false; // its checks are in the registry
    QString problem;     // why it was not loaded (the same text as the registry's warning, without the file)
};

// Loads every *.so in `dirs` (in that order; missing directories are skipped silently) and adds the
// checks of valid plugins to `registry` with the origin "plugin ID VERSION". Every problem is added to the
// registry as a warning "plugin FILE: what is wrong; what to do". A plugin id seen twice is loaded once:
// the first directory wins. A directory or file owned by another user (not root, not us) or writable by
// every user is refused with a warning: a plugin is code that runs with the user's rights.
std::vector<PluginInfo> loadCheckPlugins(const QStringList &dirs, CheckRegistry &registry);

// Where plugins are looked for, in this order: each directory of $GWB_PLUGIN_PATH (colon-separated), the
// build tree's plugin directory (only for a binary that runs from that build tree), the directory
// ../lib/gateway-workbench/plugins next to the application binary, and the installed plugin directory.
// Duplicates (after resolving symlinks) are listed once.
QStringList defaultPluginDirs();

} // namespace gwb
