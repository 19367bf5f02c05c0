#pragma once

#include "configmodel.h"

#include <vector>

namespace gwb {

// What one context (http, server, location) ends up with after nginx merged it with its parent.
struct ConfigLevel
{
    struct Header
    {
        QString name;
        QStringList value;
        SourceLocation where;
    };

    EffectiveSettings effective;
    std::vector<Header> proxyHeaders; // proxy_set_header in force here
    std::vector<AccessLogTarget> accessLogs;
    std::vector<ErrorLogTarget> errorLogs;
};

namespace ConfigInheritance {

// Directive names tracked in EffectiveSettings, with nginx's documented defaults.
struct Tracked
{
    QString name;
    QStringList defaultArgs;
};
const std::vector<Tracked> &tracked();

// The level above http: every tracked directive at its default, nginx's default access log, and the
// error logs of the main context.
ConfigLevel rootLevel(const QString &prefix, std::vector<ErrorLogTarget> mainErrorLogs);

// Merges the directives written directly in a context (`own`, includes already flattened, nested blocks
// not descended into) onto its parent, the way nginx's merge_loc_conf handlers do:
//  - a simple directive set here replaces the parent's value;
//  - proxy_set_header, access_log and error_log are all-or-nothing: one of them here and none of the
//    parent's apply.
ConfigLevel inherit(const ConfigLevel &parent, const std::vector<const ConfigDirective *> &own,
                    const QString &prefix, std::vector<Diagnostic> &diagnostics);

// The derived "proxy_set_header X" keys of a level: Connection and Host always (with nginx's defaults),
// plus every header set in force.
void deriveHeaderKeys(ConfigLevel &level);

} // namespace ConfigInheritance

} // namespace gwb
