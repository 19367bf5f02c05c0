#include "configparser.h"

#include "configglob.h"
#include "configlexer.h"
#include "configtreereader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>
#include <iterator>
#include <optional>

using namespace Qt::StringLiterals;

namespace gwb {

namespace {

// nginx has no limit, it would recurse until it runs out of file descriptors; these bounds turn include
// cycles and include bombs into a diagnostic instead of a hang.
constexpr int kMaxIncludeDepth = 32;
constexpr int kMaxIncludedFiles = 20000;

QString absoluteClean(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

// Where the texts of included files come from: the local disk, or the files of an nginx -T dump.
class ConfigLoader final
{
public:
    explicit ConfigLoader(ParsedConfig &out) : m_out(out) {}

    void addDumpFile(const QString &path, QByteArray text);
    bool isDump() const { return m_dump; }
    // Reads and parses one file (once; later calls return a copy of the cached tree).
    std::optional<std::vector<ConfigDirective>> load(const QString &path, const SourceLocation &from);
    void resolveIncludes(std::vector<ConfigDirective> &directives, int depth);
    // The main file's tree with every include resolved; empty when the main file cannot be read.
    std::vector<ConfigDirective> loadMain(const QString &path);
    void noteUnreachableDumpFiles();
    // nginx -T output cut short ends inside a block of its last file.
    void noteTruncatedDump(const QString &label);

private:
    void resolveInclude(ConfigDirective &include, int depth);
    QStringList includeTargets(const ConfigDirective &include);
    std::optional<QByteArray> readText(const QString &path, const SourceLocation &from);
    void report(Diagnostic::Severity s, const SourceLocation &where, QString message)
    {
        m_out.diagnostics.push_back({s, where, std::move(message)});
    }

    ParsedConfig &m_out;
    bool m_dump = false;
    QHash<QString, qsizetype> m_fileIndex; // path → m_out.files
    QHash<QString, std::vector<ConfigDirective>> m_trees;
    QStringList m_chain; // files being included right now, to catch cycles
    QSet<QString> m_reached;
    QSet<QString> m_endedInside; // files whose text ends inside a block or directive
    int m_includedFiles = 0;
};

void ConfigLoader::addDumpFile(const QString &path, QByteArray text)
{
    m_dump = true;
    if (m_fileIndex.contains(path))
        return; // older nginx versions list a file once per include; the texts are identical
    m_fileIndex.insert(path, static_cast<qsizetype>(m_out.files.size()));
    m_out.files.push_back({path, std::move(text)});
}

std::optional<QByteArray> ConfigLoader::readText(const QString &path, const SourceLocation &from)
{
    if (const auto it = m_fileIndex.constFind(path); it != m_fileIndex.cend())
        return m_out.files[static_cast<std::size_t>(*it)].text;
    if (m_dump) {
        report(Diagnostic::Severity::Error, from,
               u"included file \"%1\" is not in this nginx -T output (the dump may be truncated or edited): "
               u"its directives are missing from the analysis; collect the dump again"_s.arg(path));
        return std::nullopt;
    }
    QFile file(path);
    if (QFileInfo(path).isDir() || !file.open(QIODevice::ReadOnly)) {
        const QString why = QFileInfo(path).isDir() ? u"it is a directory"_s : file.errorString();
        report(
            Diagnostic::Severity::Error, from,
            u"cannot read \"%1\": %2; check the path (relative paths are resolved against \"%3\") and that "
            u"this user may read it"_s.arg(path, why, m_out.prefix));
        return std::nullopt;
    }
    QByteArray text = file.readAll();
    m_fileIndex.insert(path, static_cast<qsizetype>(m_out.files.size()));
    m_out.files.push_back({path, text});
    return text;
}

std::optional<std::vector<ConfigDirective>> ConfigLoader::load(const QString &path,
                                                               const SourceLocation &from)
{
    m_reached.insert(path);
    if (const auto it = m_trees.constFind(path); it != m_trees.cend())
        return *it;
    const std::optional<QByteArray> text = readText(path, from);
    if (!text)
        return std::nullopt;
    bool endedInside = false;
    std::vector<ConfigDirective> tree = ConfigTreeReader::read(*text, path, m_out.diagnostics, &endedInside);
    if (endedInside)
        m_endedInside.insert(path);
    m_trees.insert(path, tree);
    return tree;
}

QStringList ConfigLoader::includeTargets(const ConfigDirective &include)
{
    QString pattern = include.args.front();
    if (QDir::isRelativePath(pattern))
        pattern = m_out.prefix + QLatin1Char('/') + pattern;
    pattern = QDir::cleanPath(pattern);
    if (!ConfigGlob::hasWildcards(pattern))
        return {pattern};
    // An empty glob is fine for nginx (conf.d/*.conf with nothing in it).
    if (m_dump) {
        QStringList known;
        for (const ConfigFileText &f : m_out.files)
            known.append(f.path);
        return ConfigGlob::matchAmong(pattern, known);
    }
    const ConfigGlob::Expansion found = ConfigGlob::expandOnDisk(pattern);
    for (const QString &dir : found.directories)
        report(Diagnostic::Severity::Warning, include.where,
               u"\"%1\" matches the directory \"%2\"; nginx would fail to read it as a file: narrow the "
               u"pattern"_s.arg(include.args.front(), dir));
    return found.files;
}

void ConfigLoader::resolveInclude(ConfigDirective &include, int depth)
{
    if (include.args.size() != 1 || include.hasBlock) {
        report(Diagnostic::Severity::Error, include.where,
               u"\"include\" takes exactly one file name or pattern and no block; this one was skipped"_s);
        return;
    }
    if (depth >= kMaxIncludeDepth) {
        report(
            Diagnostic::Severity::Error, include.where,
            u"includes are nested more than %1 levels deep here; \"%2\" was not read"_s.arg(kMaxIncludeDepth)
                .arg(include.args.front()));
        return;
    }
    for (const QString &path : includeTargets(include)) {
        if (m_chain.contains(path)) {
            report(Diagnostic::Severity::Error, include.where,
                   u"\"%1\" includes itself (through %2): nginx would loop; remove one of the includes"_s.arg(
                       path, m_chain.join(u" → "_s)));
            continue;
        }
        if (++m_includedFiles > kMaxIncludedFiles) {
            if (m_includedFiles == kMaxIncludedFiles + 1)
                report(Diagnostic::Severity::Error, include.where,
                       u"more than %1 files were included; the remaining includes were not read"_s.arg(
                           kMaxIncludedFiles));
            return;
        }
        std::optional<std::vector<ConfigDirective>> tree = load(path, include.where);
        if (!tree)
            continue;
        m_chain.append(path);
        resolveIncludes(*tree, depth + 1);
        m_chain.removeLast();
        std::move(tree->begin(), tree->end(), std::back_inserter(include.children));
    }
}

void ConfigLoader::resolveIncludes(std::vector<ConfigDirective> &directives, int depth)
{
    for (ConfigDirective &d : directives) {
        if (d.isInclude())
            resolveInclude(d, depth);
        else if (d.hasBlock)
            resolveIncludes(d.children, depth);
    }
}

std::vector<ConfigDirective> ConfigLoader::loadMain(const QString &path)
{
    std::optional<std::vector<ConfigDirective>> tree = load(path, {path, LineNumber(0)});
    if (!tree)
        return {};
    m_chain = {path};
    resolveIncludes(*tree, 0);
    m_chain.clear();
    return std::move(*tree);
}

void ConfigLoader::noteUnreachableDumpFiles()
{
    for (const ConfigFileText &f : m_out.files)
        if (!m_reached.contains(f.path))
            report(Diagnostic::Severity::Note, {f.path, LineNumber(1)},
                   u"this file is in the nginx -T output but no include of the main file reaches it; it was "
                   u"not analysed"_s);
}

void ConfigLoader::noteTruncatedDump(const QString &label)
{
    const QString &last = m_out.files.back().path;
    if (!m_endedInside.contains(last))
        return;
    const auto lines = static_cast<std::uint32_t>(QByteArrayView(m_out.files.back().text).count('\n') + 1);
    report(
        Diagnostic::Severity::Warning, {last, LineNumber(lines)},
        u"the nginx -T output \"%1\" ends here, inside a block of its last file: it looks truncated; collect "
        u"it again, the rest of the configuration is missing"_s.arg(label));
}

// Diagnostics of a file included from several places are reported once.
void removeDuplicateDiagnostics(std::vector<Diagnostic> &diagnostics)
{
    std::vector<Diagnostic> unique;
    QSet<QString> seen;
    for (Diagnostic &d : diagnostics) {
        const QString key = d.where.toString() + QLatin1Char('\n') + d.message;
        if (!seen.contains(key)) {
            seen.insert(key);
            unique.push_back(std::move(d));
        }
    }
    diagnostics = std::move(unique);
}

void loadMain(ParsedConfig &out, ConfigLoader &loader)
{
    out.directives = loader.loadMain(out.mainFile);
    if (loader.isDump())
        loader.noteUnreachableDumpFiles();
    removeDuplicateDiagnostics(out.diagnostics);
}

struct DumpMarker
{
    qsizetype lineStart = 0; // where the marker line starts
    qsizetype textStart = 0; // where the file's text starts (after the marker line)
    QString path;
};

// nginx -T prints each file as "# configuration file PATH:\n", the file's bytes, then one extra "\n".
std::vector<DumpMarker> findDumpMarkers(QByteArrayView dump)
{
    static constexpr QByteArrayView kMarker = "# configuration file ";
    std::vector<DumpMarker> markers;
    qsizetype pos = 0;
    while (pos < dump.size()) {
        qsizetype eol = dump.indexOf('\n', pos);
        const qsizetype next = eol < 0 ? dump.size() : eol + 1;
        if (eol < 0)
            eol = dump.size();
        QByteArrayView line = dump.sliced(pos, eol - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith(kMarker) && line.endsWith(':') && line.size() > kMarker.size() + 1)
            markers.push_back({pos, next, decodeConfigBytes(line.sliced(kMarker.size()).chopped(1))});
        pos = next;
    }
    return markers;
}

// nginx's own messages before the dump ("[emerg] ..." when -T failed) are worth showing.
void reportPreamble(QByteArrayView preamble, const QString &label, std::vector<Diagnostic> &diagnostics)
{
    std::uint32_t lineNo = 0;
    for (const QByteArrayView line : QByteArray(preamble.toByteArray()).split('\n')) {
        ++lineNo;
        const bool failed = line.contains("[emerg]") || line.contains("[alert]") || line.contains("[crit]") ||
                            line.contains("test failed");
        if (failed || line.contains("[warn]"))
            diagnostics.push_back({failed ? Diagnostic::Severity::Error : Diagnostic::Severity::Warning,
                                   {label, LineNumber(lineNo)},
                                   u"nginx -T reported: %1"_s.arg(decodeConfigBytes(line).trimmed())});
    }
}

} // namespace

namespace ConfigParser {

ParsedConfig parseText(QByteArrayView text, const QString &fileName)
{
    ParsedConfig out;
    out.mainFile = fileName;
    out.prefix = fileName.contains(QLatin1Char('/')) ? QFileInfo(fileName).path() : QString();
    out.files.push_back({fileName, text.toByteArray()});
    out.directives = ConfigTreeReader::read(text, fileName, out.diagnostics);
    return out;
}

ParsedConfig parseFile(const QString &path, const QString &prefix)
{
    ParsedConfig out;
    out.mainFile = absoluteClean(path);
    out.prefix = prefix.isEmpty() ? QFileInfo(out.mainFile).path() : absoluteClean(prefix);
    ConfigLoader loader(out);
    loadMain(out, loader);
    return out;
}

ParsedConfig parseDump(QByteArrayView dump, const QString &label)
{
    ParsedConfig out;
    const std::vector<DumpMarker> markers = findDumpMarkers(dump);
    reportPreamble(dump.first(markers.empty() ? dump.size() : markers.front().lineStart), label,
                   out.diagnostics);
    if (markers.empty()) {
        out.diagnostics.push_back(
            {Diagnostic::Severity::Warning,
             {label, LineNumber(1)},
             u"no \"# configuration file ...:\" line found: this is not nginx -T output; "
             u"it was read as one configuration file"_s});
        ParsedConfig single = parseText(dump, label);
        std::move(single.diagnostics.begin(), single.diagnostics.end(), std::back_inserter(out.diagnostics));
        single.diagnostics = std::move(out.diagnostics);
        return single;
    }
    ConfigLoader loader(out);
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const qsizetype end = i + 1 < markers.size() ? markers[i + 1].lineStart : dump.size();
        QByteArrayView text = dump.sliced(markers[i].textStart, end - markers[i].textStart);
        if (text.endsWith('\n'))
            text.chop(1); // the newline nginx adds after each file
        loader.addDumpFile(QDir::cleanPath(markers[i].path), text.toByteArray());
    }
    out.mainFile = out.files.front().path;
    out.prefix = QFileInfo(out.mainFile).path();
    loadMain(out, loader);
    loader.noteTruncatedDump(label);
    return out;
}

} // namespace ConfigParser

} // namespace gwb
