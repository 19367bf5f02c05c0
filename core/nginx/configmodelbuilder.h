#pragma once

#include "configinheritance.h"
#include "configmodel.h"
#include "configvalues.h"

#include <vector>

namespace gwb {

// Walks a parsed tree (includes transparently) and fills a ConfigModel: main → http → server → location,
// upstream groups, log formats; then ties pass targets to upstream groups, which may be defined anywhere
// in http, before or after their use.
class ConfigModelBuilder final
{
public:
    ConfigModelBuilder(const ParsedConfig &parsed, ConfigModel &model) : m_parsed(parsed), m_model(model) {}
    void run();

private:
    using Directives = std::vector<const ConfigDirective *>;
    static Directives flatten(const std::vector<ConfigDirective> &children);

    void walkHttp(const ConfigDirective &http, const ConfigLevel &root);
    void walkServer(const ConfigDirective &server, const ConfigLevel &http);
    int walkLocation(const ConfigDirective &d, int server, int parent, const ConfigLevel &parentLevel);
    void setLocationPattern(Location &loc, const ConfigDirective &d);
    void checkNesting(const Location &loc, int parent);
    void findPass(int location, const Directives &own);
    void walkUpstream(const ConfigDirective &d);
    void addLogFormat(const ConfigDirective &d);
    void resolvePasses();
    void checkLogFormatUse();
    void checkRegexes();

    void report(Diagnostic::Severity s, const SourceLocation &where, QString message);

    const ParsedConfig &m_parsed;
    ConfigModel &m_model;
    bool m_sawHttp = false;
    std::vector<std::pair<int, ConfigValues::PassParse>> m_passes; // location index → parsed pass
};

} // namespace gwb
