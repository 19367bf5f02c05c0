// Request routing as nginx does it: which server block takes a Host on a port, which location takes a URI.

#include "configmodel.h"
#include "configregexcache.h"

#include <QMutexLocker>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace gwb {

std::shared_ptr<ConfigRegexCache> makeConfigRegexCache()
{
    return std::make_shared<ConfigRegexCache>();
}

QRegularExpression ConfigRegexCache::get(const QString &pattern, bool caseInsensitive)
{
    const QString key = (caseInsensitive ? u"i:"_s : u"s:"_s) + pattern;
    QMutexLocker lock(&m_mutex);
    if (const auto it = m_compiled.constFind(key); it != m_compiled.cend())
        return *it;
    QRegularExpression re(pattern, caseInsensitive ? QRegularExpression::CaseInsensitiveOption
                                                   : QRegularExpression::NoPatternOption);
    re.optimize();
    m_compiled.insert(key, re);
    return re;
}

namespace {

// "Shop.Example.com:8080" → "shop.example.com"; "[::1]:80" → "[::1]". nginx lowercases and drops a
// trailing dot before looking the name up.
QString normalizeHost(QStringView host)
{
    QStringView h = host.trimmed();
    if (h.startsWith(QLatin1Char('['))) {
        const qsizetype close = h.indexOf(QLatin1Char(']'));
        if (close >= 0)
            h = h.left(close + 1);
    } else if (h.count(QLatin1Char(':')) == 1) {
        h = h.left(h.indexOf(QLatin1Char(':')));
    }
    while (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    return h.toString().toLower();
}

bool isWildcardOrRegex(const QString &name)
{
    return name.startsWith(QLatin1Char('~')) || name.startsWith(u"*.") || name.endsWith(u".*");
}

bool listensOn(const Server &s, int port)
{
    if (port == 0)
        return true;
    for (const ListenAddress &l : s.listens)
        if (l.port == port)
            return true;
    return false;
}

// nginx matches locations against the normalised URI: no query string, %XX decoded, "//" merged.
QString normalizeUri(QStringView uri)
{
    QStringView path = uri;
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    if (query >= 0)
        path = path.left(query);
    QString decoded =
        path.contains(QLatin1Char('%')) ? QUrl::fromPercentEncoding(path.toUtf8()) : path.toString();
    while (decoded.contains(u"//"))
        decoded.replace(u"//"_s, u"/"_s);
    return decoded;
}

struct Found
{
    int location = -1;
    bool final = false; // nginx's NGX_OK: stop looking
};

} // namespace

int ConfigModel::findServer(QStringView host, int port) const
{
    std::vector<int> candidates;
    for (std::size_t i = 0; i < servers.size(); ++i)
        if (listensOn(servers[i], port))
            candidates.push_back(static_cast<int>(i));
    if (candidates.empty())
        return -1;
    const QString h = normalizeHost(host);
    auto names = [this](int s) -> const QStringList & {
        return servers[static_cast<std::size_t>(s)].serverNames;
    };
    for (int s : candidates)
        for (const QString &name : names(s))
            if (!isWildcardOrRegex(name) &&
                (name.startsWith(QLatin1Char('.')) ? name.mid(1) : name).toLower() == h)
                return s;
    // Wildcards: the longest match wins, leading ("*.example.com", ".example.com") before trailing.
    for (const bool leading : {true, false}) {
        int best = -1;
        qsizetype bestLength = 0;
        for (int s : candidates) {
            for (const QString &name : names(s)) {
                QString fixed;
                if (leading && (name.startsWith(u"*.") || name.startsWith(QLatin1Char('.'))))
                    fixed = name.mid(name.indexOf(QLatin1Char('.'))).toLower();
                else if (!leading && name.endsWith(u".*"))
                    fixed = name.chopped(1).toLower();
                const bool hit = leading ? h.endsWith(fixed) : h.startsWith(fixed);
                if (!fixed.isEmpty() && hit && h.size() > fixed.size() && fixed.size() > bestLength) {
                    best = s;
                    bestLength = fixed.size();
                }
            }
        }
        if (best >= 0)
            return best;
    }
    for (int s : candidates)
        for (const QString &name : names(s))
            if (name.startsWith(QLatin1Char('~')) && regexCache->get(name.mid(1), true).match(h).hasMatch())
                return s;
    for (int s : candidates)
        for (const ListenAddress &l : servers[static_cast<std::size_t>(s)].listens)
            if (l.defaultServer && (port == 0 || l.port == port))
                return s;
    return candidates.front();
}

namespace {

// ngx_http_core_find_location(): exact match ends the search; otherwise the longest prefix, then its nested
// locations; then, unless that prefix is ^~, the regexes of this level in order, first match wins (and its
// nested locations are searched in turn).
Found findLocation(const ConfigModel &m, const std::vector<int> &level, const QString &uri)
{
    int prefix = -1;
    qsizetype prefixLength = -1;
    for (int i : level) {
        const Location &l = m.locations[static_cast<std::size_t>(i)];
        if (l.modifier == u"=") {
            if (l.pattern == uri)
                return {i, true};
        } else if ((l.modifier.isEmpty() || l.modifier == u"^~") && uri.startsWith(l.pattern) &&
                   l.pattern.size() > prefixLength) {
            prefix = i;
            prefixLength = l.pattern.size();
        }
    }
    Found found;
    bool noRegex = false;
    if (prefix >= 0) {
        const Location &p = m.locations[static_cast<std::size_t>(prefix)];
        noRegex = p.modifier == u"^~";
        const Found nested = findLocation(m, p.children, uri);
        found.location = nested.location >= 0 ? nested.location : prefix;
        if (nested.final)
            return {found.location, true};
    }
    if (noRegex)
        return found;
    for (int i : level) {
        const Location &l = m.locations[static_cast<std::size_t>(i)];
        if (l.modifier != u"~" && l.modifier != u"~*")
            continue;
        if (!m.regexCache->get(l.pattern, l.modifier == u"~*").match(uri).hasMatch())
            continue;
        const Found nested = findLocation(m, l.children, uri);
        return {nested.location >= 0 ? nested.location : i, true};
    }
    return found;
}

} // namespace

int ConfigModel::matchLocation(int server, QStringView uri) const
{
    if (server < 0 || static_cast<std::size_t>(server) >= servers.size())
        return -1;
    return findLocation(*this, servers[static_cast<std::size_t>(server)].locations, normalizeUri(uri))
        .location;
}

} // namespace gwb
