#include "configglob.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

namespace gwb::ConfigGlob {

namespace {

// Parses the bracket expression starting at pattern[at] == '['. Returns the index after its "]", or -1
// when it is not closed (glob then treats "[" as an ordinary character). `matched` tells whether c is in it.
qsizetype matchBracket(QStringView pattern, qsizetype at, QChar c, bool &matched)
{
    qsizetype i = at + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == QLatin1Char('!') || pattern[i] == QLatin1Char('^'))) {
        negate = true;
        ++i;
    }
    bool found = false;
    bool first = true;
    while (i < pattern.size()) {
        QChar lo = pattern[i];
        if (lo == QLatin1Char(']') && !first) {
            matched = found != negate;
            return i + 1;
        }
        first = false;
        if (lo == QLatin1Char('\\') && i + 1 < pattern.size())
            lo = pattern[++i];
        QChar hi = lo;
        if (i + 2 < pattern.size() && pattern[i + 1] == QLatin1Char('-') &&
            pattern[i + 2] != QLatin1Char(']')) {
            hi = pattern[i + 2];
            i += 2;
        }
        if (c >= lo && c <= hi)
            found = true;
        ++i;
    }
    return -1;
}

QStringList components(QStringView path)
{
    return path.toString().split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

} // namespace

bool hasWildcards(QStringView pattern)
{
    for (QChar c : pattern)
        if (c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('['))
            return true;
    return false;
}

bool matchComponent(QStringView pattern, QStringView name)
{
    if (name.startsWith(QLatin1Char('.')) && !pattern.startsWith(QLatin1Char('.')))
        return false;
    qsizetype p = 0, n = 0, starP = -1, starN = 0;
    while (n < name.size()) {
        if (p < pattern.size()) {
            const QChar pc = pattern[p];
            if (pc == QLatin1Char('*')) {
                starP = ++p;
                starN = n;
                continue;
            }
            if (pc == QLatin1Char('?')) {
                ++p;
                ++n;
                continue;
            }
            bool matched = false;
            const qsizetype after = pc == QLatin1Char('[') ? matchBracket(pattern, p, name[n], matched) : -1;
            if (after >= 0 && matched) {
                p = after;
                ++n;
                continue;
            }
            if (after < 0) {
                QChar literal = pc;
                qsizetype width = 1;
                if (pc == QLatin1Char('\\') && p + 1 < pattern.size()) {
                    literal = pattern[p + 1];
                    width = 2;
                }
                if (literal == name[n]) {
                    p += width;
                    ++n;
                    continue;
                }
            }
        }
        if (starP < 0)
            return false;
        p = starP; // let the last "*" swallow one more character and retry
        n = ++starN;
    }
    while (p < pattern.size() && pattern[p] == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

bool matchPath(QStringView pattern, QStringView path)
{
    const QStringList pc = components(pattern);
    const QStringList nc = components(path);
    if (pc.size() != nc.size() || pattern.startsWith(QLatin1Char('/')) != path.startsWith(QLatin1Char('/')))
        return false;
    for (qsizetype i = 0; i < pc.size(); ++i)
        if (!matchComponent(pc[i], nc[i]))
            return false;
    return true;
}

void sortLikeGlob(QStringList &paths)
{
    std::sort(paths.begin(), paths.end(),
              [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
}

Expansion expandOnDisk(const QString &pattern)
{
    const QStringList parts = components(pattern);
    QStringList current{pattern.startsWith(QLatin1Char('/')) ? QStringLiteral("/") : QString()};
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const bool last = i + 1 == parts.size();
        QStringList next;
        for (const QString &base : std::as_const(current)) {
            const QString prefix =
                base.isEmpty() || base.endsWith(QLatin1Char('/')) ? base : base + QLatin1Char('/');
            if (!hasWildcards(parts[i])) {
                next.append(prefix + parts[i]);
                continue;
            }
            const QStringList entries =
                QDir(base.isEmpty() ? QStringLiteral(".") : base)
                    .entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
            for (const QString &e : entries)
                if (matchComponent(parts[i], e) && (last || QFileInfo(prefix + e).isDir()))
                    next.append(prefix + e);
        }
        current = std::move(next);
    }
    Expansion out;
    for (const QString &path : std::as_const(current)) {
        const QFileInfo fi(path);
        if (fi.isDir())
            out.directories.append(path);
        else if (fi.exists())
            out.files.append(path);
    }
    sortLikeGlob(out.files);
    sortLikeGlob(out.directories);
    return out;
}

QStringList matchAmong(const QString &pattern, const QStringList &candidates)
{
    QStringList out;
    for (const QString &c : candidates)
        if (matchPath(pattern, c))
            out.append(c);
    sortLikeGlob(out);
    return out;
}

} // namespace gwb::ConfigGlob
