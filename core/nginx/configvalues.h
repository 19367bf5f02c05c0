#pragma once

#include "configmodel.h"

#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace gwb {

// What is wrong with a directive's arguments, as sentences without location (the caller knows the
// directive's file:line). Errors are what nginx refuses to start with; warnings are legal but suspicious.
struct ValueProblems
{
    QStringList errors;
    QStringList warnings;
    void reportTo(std::vector<Diagnostic> &diagnostics, const SourceLocation &where) const;
};

// Turns the arguments of single directives into model values.
namespace ConfigValues {

ListenAddress parseListen(const ConfigDirective &d, ValueProblems &problems);

UpstreamServer parseUpstreamServer(const ConfigDirective &d, ValueProblems &problems);

// A pass target before upstream names are known: `hostHasPort` tells whether the host part named a port.
struct PassParse
{
    PassTarget target;
    QString host;
    bool hostHasPort = false;
};
PassParse parsePass(PassModule module, const ConfigDirective &d, ValueProblems &problems);
std::optional<PassModule> passModuleOf(QStringView directiveName);

// Log files: relative paths are resolved against the prefix, special targets (syslog:, stderr, memory:,
// paths starting with a variable) are kept as written.
QString resolveLogPath(const QString &path, const QString &prefix);
AccessLogTarget parseAccessLog(const ConfigDirective &d, const QString &prefix, ValueProblems &problems);
ErrorLogTarget parseErrorLog(const ConfigDirective &d, const QString &prefix, ValueProblems &problems);
LogFormatDefinition parseLogFormat(const ConfigDirective &d, ValueProblems &problems);

} // namespace ConfigValues

} // namespace gwb
