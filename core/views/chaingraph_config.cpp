#include "chainbuilder.h"

namespace gwb::detail {

namespace {

QString serverLabel(const Server &s)
{
    QString name;
    for (const QString &n : s.serverNames)
        if (!n.isEmpty() && n != QLatin1StringView("_")) {
            name = n;
            break;
        }
    if (s.listens.empty())
        return name.isEmpty() ? QStringLiteral("server") : name;
    const ListenAddress &l = s.listens.front();
    if (name.isEmpty())
        return l.raw;
    if (l.address.startsWith(QLatin1StringView("unix:")) || l.raw.startsWith(QLatin1StringView("unix:")))
        return name + QLatin1Char(' ') + l.raw;
    return name + QLatin1Char(':') + QString::number(l.port);
}

QString serverDetail(const Server &s)
{
    QStringList listens;
    for (const ListenAddress &l : s.listens)
        listens << l.raw + (l.ssl ? QStringLiteral(" ssl") : QString()) +
                       (l.defaultServer ? QStringLiteral(" default_server") : QString());
    return QStringLiteral("server_name %1 · listen %2")
        .arg(s.serverNames.isEmpty() ? QStringLiteral("\"\"") : s.serverNames.join(QLatin1Char(' ')),
             listens.isEmpty() ? QStringLiteral("*:80 (default)") : listens.join(QStringLiteral(", ")));
}

QString peerDetail(const UpstreamServer &s)
{
    QStringList parts;
    parts << QStringLiteral("weight=%1").arg(s.weight) << QStringLiteral("max_fails=%1").arg(s.maxFails)
          << QStringLiteral("fail_timeout=%1s").arg(s.failTimeoutSec);
    if (s.maxConns > 0)
        parts << QStringLiteral("max_conns=%1").arg(s.maxConns);
    if (s.backup)
        parts << QStringLiteral("backup");
    if (s.down)
        parts << QStringLiteral("down");
    if (s.resolve)
        parts << QStringLiteral("resolve");
    return parts.join(QLatin1Char(' '));
}

// What $upstream_addr writes for a pass target that is not a group: "host:port" or "unix:/path".
QString addressOf(const PassTarget &p)
{
    return p.kind == PassTarget::Kind::UnixSocket ? QStringLiteral("unix:") + p.target : p.target;
}

} // namespace

int ChainBuilder::serverNode(int configIndex)
{
    int &node = m_serverNodeOfConfig[std::size_t(configIndex)];
    if (node >= 0)
        return node;
    const Server &s = m_config->servers[std::size_t(configIndex)];
    ChainNode n;
    n.kind = ChainNode::Kind::Server;
    n.label = serverLabel(s);
    n.detail = serverDetail(s);
    n.configIndex = configIndex;
    n.where = s.where;
    node = addNode(std::move(n));
    edge(0, node);
    return node;
}

int ChainBuilder::locationNode(int configIndex)
{
    int &node = m_locationNodeOfConfig[std::size_t(configIndex)];
    if (node >= 0)
        return node;
    const Location &loc = m_config->locations[std::size_t(configIndex)];
    ChainNode n;
    n.kind = ChainNode::Kind::Location;
    n.label = loc.displayName();
    n.configIndex = configIndex;
    n.where = loc.where;
    if (loc.pass)
        n.detail = passModuleName(loc.pass->module) + QStringLiteral("_pass ") + loc.pass->raw +
                   QStringLiteral(" · ") + timeoutsOf(configIndex);
    const int parent = loc.server >= 0 ? serverNode(loc.server) : namedServerNode(QString());
    const int created = addNode(std::move(n));
    m_locationNodeOfConfig[std::size_t(configIndex)] = created; // the reference may dangle after serverNode()
    edge(parent, created);
    return created;
}

int ChainBuilder::upstreamNode(const QString &name)
{
    const auto key = NodeKey(-2, name);
    if (const auto it = m_nodeIndex.find(key); it != m_nodeIndex.end())
        return it->second;
    ChainNode n;
    n.kind = ChainNode::Kind::Upstream;
    n.label = QStringLiteral("upstream ") + name;
    if (m_config) {
        n.configIndex = m_config->findUpstream(name);
        if (n.configIndex >= 0) {
            const UpstreamGroup &g = m_config->upstreams[std::size_t(n.configIndex)];
            n.where = g.where;
            n.detail = g.balancing.isEmpty() ? QStringLiteral("round-robin") : g.balancing;
            if (g.keepalive > 0)
                n.detail += QStringLiteral(" · keepalive %1 (timeout %2)")
                                .arg(g.keepalive)
                                .arg(g.keepaliveTimeout.text());
        }
    }
    const int node = addNode(std::move(n));
    m_nodeIndex.emplace(key, node);
    return node;
}

int ChainBuilder::peerNode(int parent, const QString &address, const UpstreamServer *configured)
{
    const auto key = NodeKey(parent, QStringLiteral("peer:") + address);
    if (const auto it = m_nodeIndex.find(key); it != m_nodeIndex.end())
        return it->second;
    ChainNode n;
    n.kind = ChainNode::Kind::Peer;
    n.label = address;
    if (configured) {
        n.detail = peerDetail(*configured);
        n.backup = configured->backup;
        n.configuredDown = configured->down;
        n.where = configured->where;
        const ChainNode &group = m_graph.nodes[std::size_t(parent)];
        if (group.kind == ChainNode::Kind::Upstream && group.configIndex >= 0) {
            const auto &servers = m_config->upstreams[std::size_t(group.configIndex)].servers;
            for (std::size_t i = 0; i < servers.size(); ++i)
                if (&servers[i] == configured)
                    n.configIndex = static_cast<int>(i); // index inside its group
        }
    }
    const int node = addNode(std::move(n));
    m_nodeIndex.emplace(key, node);
    edge(parent, node);
    return node;
}

void ChainBuilder::addRoute(const QString &address, int server, int location, int upstream, int peer)
{
    std::vector<int> &routes = m_routesOfAddress[address];
    for (int r : routes) {
        const Route &x = m_routes[std::size_t(r)];
        if (x.server == server && x.location == location && x.upstream == upstream && x.peer == peer)
            return;
    }
    Route route;
    route.server = server;
    route.location = location;
    route.upstream = upstream;
    route.peer = peer;
    if (peer >= 0)
        route.headerTimes = std::make_unique<LatencyHistogram>();
    routes.push_back(static_cast<int>(m_routes.size()));
    m_routes.push_back(std::move(route));
}

QString ChainBuilder::timeoutsOf(int location) const
{
    const Location &loc = m_config->locations[std::size_t(location)];
    const QString prefix = passModuleName(loc.pass ? loc.pass->module : PassModule::Proxy) + QLatin1Char('_');
    auto value = [&](const char *name) {
        const auto it = loc.effective.find(prefix + QLatin1StringView(name));
        return it == loc.effective.end() ? QStringLiteral("60s") : it->second.text(); // nginx's default
    };
    return QStringLiteral("connect %1 · read %2").arg(value("connect_timeout"), value("read_timeout"));
}

// Every server, and under it every location that passes requests on, with where they go.
void ChainBuilder::addConfig()
{
    m_serverNodeOfConfig.assign(m_config->servers.size(), -1);
    m_locationNodeOfConfig.assign(m_config->locations.size(), -1);
    for (std::size_t s = 0; s < m_config->servers.size(); ++s)
        serverNode(static_cast<int>(s));
    for (std::size_t l = 0; l < m_config->locations.size(); ++l) {
        const Location &loc = m_config->locations[l];
        if (!loc.pass)
            continue;
        const int ln = locationNode(static_cast<int>(l));
        const int sn = loc.server >= 0 ? serverNode(loc.server) : -1;
        const PassTarget &p = *loc.pass;
        if (p.kind == PassTarget::Kind::UpstreamGroup && p.upstreamIndex >= 0) {
            const UpstreamGroup &g = m_config->upstreams[std::size_t(p.upstreamIndex)];
            const int un = upstreamNode(g.name);
            const int e = edge(ln, un);
            m_graph.edges[std::size_t(e)].timeouts = timeoutsOf(static_cast<int>(l));
            for (const UpstreamServer &s : g.servers)
                addRoute(s.address, sn, ln, un, peerNode(un, s.address, &s));
            addRoute(g.name, sn, ln, un, -1); // "no live upstreams": $upstream_addr is the group name
        } else if (p.kind == PassTarget::Kind::Address || p.kind == PassTarget::Kind::UnixSocket) {
            const int pn = peerNode(ln, addressOf(p));
            m_graph.edges[std::size_t(edge(ln, pn))].timeouts = timeoutsOf(static_cast<int>(l));
            addRoute(addressOf(p), sn, ln, -1, pn);
        }
        // A variable target is resolved per request: its peers come from the logs (see countLog).
    }
}

} // namespace gwb::detail
