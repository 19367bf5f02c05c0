#pragma once

#include <QString>
#include <QStringList>

namespace gwb::ConfigGlob {

// nginx treats an include argument as a glob when it holds any of "*?[".
bool hasWildcards(QStringView pattern);

// fnmatch(3) on one path component: * ? [a-z] [!x] and backslash escapes; a leading "." in the name must
// be matched by a literal "." (glob(3) without GLOB_PERIOD, which is how nginx calls it).
bool matchComponent(QStringView pattern, QStringView name);

// The whole path, component by component ("*" never crosses a "/").
bool matchPath(QStringView pattern, QStringView path);

// Sorts like glob(3) in the C locale nginx runs in: by the bytes of the path.
void sortLikeGlob(QStringList &paths);

struct Expansion
{
    QStringList files;
    QStringList directories; // matched, but nginx would fail to read them as configuration
};

// Expands an absolute pattern against the local file system.
Expansion expandOnDisk(const QString &pattern);

// The paths of `candidates` (e.g. the files of an nginx -T dump) that the pattern matches, sorted.
QStringList matchAmong(const QString &pattern, const QStringList &candidates);

} // namespace gwb::ConfigGlob
