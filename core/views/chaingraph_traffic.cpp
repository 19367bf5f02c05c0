#include "chainbuilder.h"
#include "diagnosis/failures.h"

#include <optional>

namespace gwb::detail {

namespace {

// What one PeerId of a log leads to, decided once per log instead of once per request.
constexpr int kNoUpstream = -1; // "-": answered by nginx itself
constexpr int kAmbiguous = -2;  // the address is reached by several routes: the URI decides
constexpr int kUnresolved = -3; // not looked at yet

} // namespace

// Requests per route from the access events. Most requests are counted from the compact event alone; only
// those with several attempts, or whose peer several locations share, are re-read from the text (their URI
// says which location sent them, their $upstream_addr list which peers they tried).
void ChainBuilder::countRequests()
{
    std::optional<FindingBuilder> router;
    if (m_config) {
        router.emplace(m_inv, DiagnoseOptions{});
        m_serversCountedByHost = true;
    }
    for (std::size_t i = 0; i < m_inv.accessLogs.size(); ++i)
        countLog(i, router ? &*router : nullptr);
}

void ChainBuilder::countLog(std::size_t li, FindingBuilder *router)
{
    const AccessLogResult &log = m_inv.accessLogs[li];
    std::vector<int> routeOfPeer(std::size_t(Interner::kOverflow) + 1, kUnresolved);
    routeOfPeer[Interner::kAbsent] = kNoUpstream;
    std::vector<int> serverOfHost(std::size_t(Interner::kOverflow) + 1, kUnresolved);

    for (const AccessEvent &e : log.events) {
        ++m_graph.nodes[0].requests;
        if (router) {
            int &server = serverOfHost[e.host.value];
            if (server == kUnresolved) {
                const int configIndex =
                    router->route(log.hosts.value(e.host.value), QByteArray(), false).first;
                server = configIndex >= 0 ? serverNode(configIndex) : kNoUpstream;
            }
            if (server >= 0)
                ++m_graph.nodes[std::size_t(server)].requests;
        }
        int &route = routeOfPeer[e.peer.value];
        if (route == kUnresolved) {
            const QString address = QString::fromUtf8(log.peers.value(e.peer.value));
            const auto it = m_routesOfAddress.constFind(address);
            route = it != m_routesOfAddress.constEnd() && it->size() > 1 ? kAmbiguous : routeFor(address, -1);
        }
        if (e.attempts > 1 || route == kAmbiguous) {
            countSlowly(li, e, router);
        } else if (route >= 0) {
            ++m_routes[std::size_t(route)].requests;
            addAttempt(route, e.upstreamHeaderMs);
        }
    }
}

void ChainBuilder::countSlowly(std::size_t li, const AccessEvent &e, FindingBuilder *router)
{
    const AccessLogResult &log = m_inv.accessLogs[li];
    AccessRecord record;
    const bool parsed = li < m_inv.accessFormats.size() &&
                        m_inv.accessFormats[li].parseLine(detail::accessLineText(log, e), record) &&
                        !record.attempts.empty();
    int locationNode = -1;
    if (parsed && router) {
        const bool hasRequestLine = !record.request.isEmpty();
        const int location =
            router->route(record.host, hasRequestLine ? record.request : record.uri, hasRequestLine).second;
        if (location >= 0)
            locationNode = m_locationNodeOfConfig[std::size_t(location)];
    }
    if (!parsed) { // the event alone still names the last peer
        const int route = routeFor(QString::fromUtf8(log.peers.value(e.peer.value)), -1);
        ++m_routes[std::size_t(route)].requests;
        addAttempt(route, e.upstreamHeaderMs);
        return;
    }
    for (std::size_t k = 0; k < record.attempts.size(); ++k) {
        const UpstreamAttempt &a = record.attempts[k];
        if (a.address.isEmpty() || a.address == "-")
            continue;
        const int route = routeFor(QString::fromUtf8(a.address), locationNode);
        addAttempt(route, a.headerMs);
        if (k + 1 == record.attempts.size())
            ++m_routes[std::size_t(route)].requests;
    }
}

// The route of an address as seen from a location (node index, -1 when unknown). An address no route knows
// (a variable proxy_pass, a config that changed since) becomes a peer of its own, straight from the clients.
int ChainBuilder::routeFor(const QString &address, int locationNode)
{
    const auto it = m_routesOfAddress.constFind(address);
    if (it == m_routesOfAddress.constEnd()) {
        const int peer = peerNode(0, address);
        m_graph.nodes[std::size_t(peer)].detail =
            m_config ? QStringLiteral("seen in the access log only: no route in the configuration")
                     : QStringLiteral("seen in the access log only");
        addRoute(address, -1, -1, -1, peer);
        return static_cast<int>(m_routes.size() - 1);
    }
    for (int r : *it)
        if (m_routes[std::size_t(r)].location == locationNode)
            return r;
    return it->front();
}

void ChainBuilder::addAttempt(int route, std::int32_t headerMs)
{
    Route &r = m_routes[std::size_t(route)];
    ++r.attempts;
    if (headerMs >= 0 && r.headerTimes)
        r.headerTimes->add(headerMs);
}

} // namespace gwb::detail
