#pragma once

#include "common/diagnostic.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace gwb {

// One directive as written, with where it was written. `include` directives are kept in the tree
// (so file:line of the include itself is known) and the included files' directives become their children.
struct ConfigDirective
{
    QString name;
    QStringList args; // quotes removed, escapes resolved as nginx does; variables kept as text ("$host")
    SourceLocation where;
    bool hasBlock = false;
    std::vector<ConfigDirective> children;
    QString rawBlock; // body of *_by_lua_block and other blocks nginx hands to a module verbatim
    bool isInclude() const { return name == QLatin1StringView("include"); }
};

struct ConfigFileText
{
    QString path;
    QByteArray text;
};

struct ParsedConfig
{
    std::vector<ConfigDirective> directives; // top level of the main file
    std::vector<ConfigFileText> files;       // every file read, main file first
    std::vector<Diagnostic> diagnostics;     // located problems; the rest was still parsed
    QString mainFile;
    QString prefix; // directory relative paths (include, log files) are resolved against
};

namespace ConfigParser {

// Output of `nginx -T`: the files it lists after "# configuration file PATH:" markers, includes resolved
// against those files (globs too). Text before the first marker (nginx's own "syntax is ok" lines) is ignored.
ParsedConfig parseDump(QByteArrayView dump, const QString &label);

// A configuration on disk: the main file plus every `include`, resolved relative to `prefix` (default:
// the main file's directory), globs expanded in sorted order as nginx does.
ParsedConfig parseFile(const QString &path, const QString &prefix = {});

// One file's text alone; includes are kept as directives but not resolved.
ParsedConfig parseText(QByteArrayView text, const QString &fileName);

} // namespace ConfigParser

} // namespace gwb
