#include "cause.h"

#include <array>

namespace gwb {

namespace {

// Index = Cause. The ids are the public contract of `gwb diagnose --format json`: never rename one.
constexpr std::array<QLatin1StringView, kCauseCount> kCauseIds = {
    QLatin1StringView("none"),
    QLatin1StringView("backend-refused"),
    QLatin1StringView("backend-unreachable"),
    QLatin1StringView("connect-timeout"),
    QLatin1StringView("socket-missing"),
    QLatin1StringView("socket-permission"),
    QLatin1StringView("connect-permission"),
    QLatin1StringView("socket-backlog-full"),
    QLatin1StringView("address-exhausted"),
    QLatin1StringView("no-live-upstreams"),
    QLatin1StringView("dns-failure"),
    QLatin1StringView("tls-handshake"),
    QLatin1StringView("tls-verify"),
    QLatin1StringView("tls-timeout"),
    QLatin1StringView("send-timeout"),
    QLatin1StringView("send-failed"),
    QLatin1StringView("read-timeout"),
    QLatin1StringView("premature-close"),
    QLatin1StringView("connection-reset"),
    QLatin1StringView("keepalive-race"),
    QLatin1StringView("header-too-big"),
    QLatin1StringView("invalid-response"),
    QLatin1StringView("fastcgi-error"),
    QLatin1StringView("grpc-error"),
    QLatin1StringView("body-truncated"),
    QLatin1StringView("backend-status"),
    QLatin1StringView("client-closed"),
    QLatin1StringView("unclassified"),
    QLatin1StringView("peer-disabled"),
    QLatin1StringView("config-error"),
};

// Index = Phase.
constexpr std::array<QLatin1StringView, 9> kPhaseIds = {
    QLatin1StringView("unknown"),
    QLatin1StringView("resolving"),
    QLatin1StringView("connecting"),
    QLatin1StringView("ssl-handshaking"),
    QLatin1StringView("sending-request"),
    QLatin1StringView("reading-response-header"),
    QLatin1StringView("reading-upstream"),
    QLatin1StringView("proxying-upgraded"),
    QLatin1StringView("other"),
};
static_assert(kPhaseIds.size() == static_cast<std::size_t>(Phase::Other) + 1);

struct InfoText
{
    Cause cause;
    const char *title;
    const char *explanation;
    const char *advice;
    const char *nextCheck;
    std::initializer_list<const char *> directives;
    int typicalStatus;
};

// The catalogue. Written for someone in the middle of an incident: what nginx saw, then what to do about it.
// Facts: shared/NGINX_ERRORS.md. typicalStatus 0 = the line alone does not decide a client status.
const InfoText kInfo[] = {
    {Cause::None,
     "Not an upstream failure",
     "This log entry is not about an upstream: it is nginx reporting on itself or on a client (startup, "
     "reload, "
     "missing static files, client timeouts).",
     "Nothing to do for the 502 investigation; look at it only if it is frequent or recent.",
     "",
     {},
     0},
    {Cause::BackendRefused,
     "Backend refused the connection",
     "nginx reached the peer's host, but nothing was listening on that address and port: the operating "
     "system "
     "answered the connection attempt with a reset. The backend process is down, restarting, or listening on "
     "a "
     "different port or interface (for example only on 127.0.0.1 or only on IPv6).",
     "Check that the backend process is running and listening on exactly the address in proxy_pass / the "
     "upstream block (ss -ltnp on the backend host). If it was restarting, look at its logs and at the time "
     "of "
     "the restart; if the port is wrong, fix proxy_pass or the upstream server line.",
     "probe-peer",
     {"proxy_pass", "upstream", "proxy_next_upstream"},
     502},
    {Cause::BackendUnreachable,
     "Backend host unreachable",
     "The connection attempt never reached a listening socket: the network said there is no route, the host "
     "is "
     "down, a firewall rejected the packets, or the kernel gave up on the connection before nginx did.",
     "Check from the nginx host that the peer answers at all (ping, ip route get, nc -vz host port). Look "
     "for a "
     "stopped VM or container, a changed IP address, a firewall rule that REJECTs, or a broken route.",
     "probe-peer",
     {"proxy_pass", "upstream", "proxy_connect_timeout"},
     502},
    {Cause::ConnectTimeout,
     "Connecting to the backend timed out",
     "nginx sent the connection request but got no answer within proxy_connect_timeout. Typical causes are a "
     "firewall that silently DROPs packets, a host that vanished from the network, or a backend so "
     "overloaded "
     "that its accept queue is full.",
     "Probe the peer from the nginx host (nc -vz -w 3 host port). A silent timeout points to a firewall DROP "
     "or "
     "a dead host; if it connects, check the backend's listen backlog and load. Keep proxy_connect_timeout "
     "short "
     "(a few seconds) so that nginx can try the next peer quickly.",
     "probe-peer",
     {"proxy_connect_timeout", "fastcgi_connect_timeout", "proxy_next_upstream_timeout"},
     504},
    {Cause::SocketMissing,
     "Backend unix socket does not exist",
     "proxy_pass or fastcgi_pass points to a unix socket path that does not exist: the backend (php-fpm, "
     "gunicorn, uwsgi...) is not running, or it creates its socket under another path.",
     "Check that the backend service is running and compare its listen path with the one in the nginx "
     "configuration (ls -l on the path, ss -xlp). Watch for a socket created in a private /tmp (systemd "
     "PrivateTmp) or a path that changed with a PHP version upgrade.",
     "unix-socket",
     {"fastcgi_pass", "proxy_pass", "uwsgi_pass"},
     502},
    {Cause::SocketPermission,
     "No permission to open the backend socket",
     "The unix socket exists, but the nginx worker user may not connect to it: the socket's owner, group or "
     "mode "
     "does not let that user write to it.",
     "Compare the socket's owner and mode (ls -l) with the user nginx workers run as (the user directive). "
     "For "
     "php-fpm set listen.owner, listen.group and listen.mode in the pool so that the nginx user can connect; "
     "also check the directories on the way for execute permission.",
     "unix-socket",
     {"user", "fastcgi_pass", "proxy_pass"},
     502},
    {Cause::ConnectPermission,
     "Connection to the backend blocked by security policy",
     "nginx was not allowed to open a TCP connection to the peer although the network is fine. On SELinux "
     "systems the httpd_can_network_connect boolean is off; AppArmor profiles can block it the same way.",
     "Look for denials in the audit log (ausearch -m avc -ts recent, or dmesg for AppArmor). On SELinux, "
     "allow "
     "nginx to connect: setsebool -P httpd_can_network_connect 1 (or label the port for http_port_t).",
     "mac-policy",
     {"proxy_pass", "upstream"},
     502},
    {Cause::SocketBacklogFull,
     "Backend socket backlog full",
     "The backend's unix socket accepted no more connections: its queue of pending connections is full "
     "because "
     "every backend worker is busy. The backend is saturated, not down.",
     "Check the backend's capacity: for php-fpm look for 'server reached pm.max_children' in its log and "
     "raise "
     "pm.max_children or listen.backlog only if the host has memory for it; otherwise find the slow requests "
     "that keep the workers busy.",
     "listening-socket",
     {"fastcgi_pass", "proxy_pass"},
     502},
    {Cause::AddressExhausted,
     "Out of local ports towards the backend",
     "nginx could not pick a local address/port for a new connection to the peer: the ephemeral port range "
     "is "
     "used up, usually by many connections in TIME_WAIT because every request opens a new upstream "
     "connection.",
     "Count connections to the peer (ss -tan state time-wait dst PEER | wc -l). Enable upstream keepalive: a "
     "keepalive line in the upstream block, proxy_http_version 1.1 and proxy_set_header Connection \"\". "
     "Widening "
     "net.ipv4.ip_local_port_range helps only for a while.",
     "ephemeral-ports",
     {"keepalive", "proxy_http_version", "proxy_set_header Connection", "proxy_bind"},
     502},
    {Cause::NoLiveUpstreams,
     "No live peers left in the upstream group",
     "Every server of the upstream group is currently marked as failed, so nginx did not even try to "
     "connect. "
     "Peers are marked failed after max_fails errors within fail_timeout; the real cause is in the errors "
     "just "
     "before this one.",
     "Look at the upstream errors in the minutes before: they say why the peers were marked down. Fix that "
     "first. "
     "Then review max_fails and fail_timeout: with a single server (or max_fails=1) one error takes the "
     "whole "
     "group out for fail_timeout.",
     "probe-peer",
     {"max_fails", "fail_timeout", "proxy_next_upstream", "upstream"},
     502},
    {Cause::DnsFailure,
     "Backend name could not be resolved",
     "nginx had to resolve the backend's host name while serving the request and failed: the name does not "
     "exist "
     "(any more), the DNS server did not answer, or proxy_pass uses a variable and no resolver is "
     "configured.",
     "Resolve the name from the nginx host with the resolver nginx uses (dig @resolver name). If proxy_pass "
     "contains a variable, add a resolver directive; if the name disappeared (a removed container or "
     "service), "
     "fix the name or the service discovery.",
     "dns",
     {"resolver", "resolver_timeout", "proxy_pass"},
     502},
    {Cause::TlsHandshake,
     "TLS handshake with the backend failed",
     "nginx tried to talk TLS to the peer and the handshake broke: no common protocol version or cipher, the "
     "backend needs SNI and nginx did not send it, or the port does not speak TLS at all.",
     "Probe the peer from the nginx host: openssl s_client -connect host:port -servername NAME. If that "
     "works "
     "only with -servername, set proxy_ssl_server_name on (and proxy_ssl_name); align proxy_ssl_protocols "
     "and "
     "proxy_ssl_ciphers with what the backend offers; check that https:// in proxy_pass is meant.",
     "tls-probe",
     {"proxy_ssl_server_name", "proxy_ssl_name", "proxy_ssl_protocols", "proxy_ssl_ciphers", "proxy_pass"},
     502},
    {Cause::TlsVerify,
     "Backend certificate rejected",
     "proxy_ssl_verify is on and the peer's certificate did not pass: it is not signed by a trusted "
     "authority, "
     "has expired, or was issued for another name than the one nginx checks.",
     "Inspect the certificate (openssl s_client -connect host:port -servername NAME -showcerts). Renew it, "
     "point proxy_ssl_trusted_certificate at the right CA bundle, or set proxy_ssl_name to the name the "
     "certificate carries.",
     "tls-probe",
     {"proxy_ssl_verify", "proxy_ssl_trusted_certificate", "proxy_ssl_name", "proxy_ssl_verify_depth"},
     502},
    {Cause::TlsTimeout,
     "TLS handshake with the backend timed out",
     "The TCP connection to the peer was established but the TLS handshake did not finish in time (it is "
     "bounded "
     "by proxy_connect_timeout). The backend is overloaded or stuck, or something in between swallows "
     "packets.",
     "Time a handshake from the nginx host (openssl s_client, curl -w '%{time_appconnect}'). Check the "
     "backend's "
     "load and its TLS termination; a middlebox dropping large packets (MTU) can also stall handshakes.",
     "tls-probe",
     {"proxy_connect_timeout", "proxy_ssl_session_reuse"},
     504},
    {Cause::SendTimeout,
     "Sending the request to the backend timed out",
     "nginx was sending the request (headers or body) and the backend stopped reading it for longer than "
     "proxy_send_timeout: the backend is stuck, or it reads large uploads too slowly.",
     "Check whether the failing requests are large uploads and whether the backend was stuck at that time "
     "(thread dumps, worker status). Raise proxy_send_timeout only if slow uploads are expected.",
     "timeouts-vs-latency",
     {"proxy_send_timeout", "fastcgi_send_timeout", "proxy_request_buffering", "client_max_body_size"},
     504},
    {Cause::SendFailed,
     "Backend closed the connection while receiving the request",
     "The connection broke while nginx was still sending the request: the backend closed or reset it, for "
     "example because it rejects the body (too large), crashed, or closed an idle keepalive connection just "
     "as "
     "nginx reused it.",
     "Read the backend's log at the same time: a body-size limit, a crash or a restart. If the failing "
     "attempts "
     "went over reused keepalive connections, compare the backend's idle timeout with nginx's "
     "keepalive_timeout.",
     "backend-service",
     {"proxy_request_buffering", "client_max_body_size", "keepalive_timeout"},
     502},
    {Cause::ReadTimeout,
     "Backend too slow to answer",
     "nginx sent the whole request and then waited longer than proxy_read_timeout (fastcgi_read_timeout for "
     "FastCGI) without receiving the response header. The backend is slow: a long query, a lock, an "
     "exhausted "
     "pool, or a downstream dependency of its own.",
     "Compare the timeout with the backend's real latency for these URLs (upstream_header_time in the access "
     "log, backend metrics). Find what the backend was waiting for; raise the timeout only for endpoints "
     "that "
     "are slow by design.",
     "timeouts-vs-latency",
     {"proxy_read_timeout", "fastcgi_read_timeout", "uwsgi_read_timeout", "grpc_read_timeout"},
     504},
    {Cause::PrematureClose,
     "Backend closed the connection without answering",
     "The backend accepted the request and closed the connection before sending a response header. It "
     "crashed or "
     "was killed mid-request, or, on a reused keepalive connection, it had just closed the idle connection "
     "(the keepalive race).",
     "Look for crashes, OOM kills or restarts in the backend's log at that time. If the failing attempts "
     "show "
     "upstream_connect_time 0.000 in the access log, it is the keepalive race: see the keepalive settings.",
     "probe-peer",
     {"keepalive", "keepalive_timeout", "proxy_next_upstream"},
     502},
    {Cause::ConnectionReset,
     "Backend reset the connection",
     "The backend (or something in front of it) reset the connection before a response header arrived: a "
     "crashed or killed worker, a proxy or load balancer closing it, or the keepalive race on a reused "
     "connection.",
     "Check the backend's log and process restarts at that time. If the failing attempts show "
     "upstream_connect_time 0.000 in the access log, it is the keepalive race: see the keepalive settings.",
     "probe-peer",
     {"keepalive", "keepalive_timeout", "proxy_next_upstream"},
     502},
    {Cause::KeepaliveRace,
     "Keepalive race with the backend",
     "nginx reused an idle keepalive connection that the backend was closing at the same moment: the "
     "backend's "
     "idle timeout is shorter than nginx's keepalive_timeout for the upstream. The request hits a closed "
     "connection and fails although the backend is healthy.",
     "Make the backend keep idle connections open longer than nginx does: raise the backend's keepalive/idle "
     "timeout, or lower keepalive_timeout in the upstream block below it. Make sure proxy_http_version 1.1 "
     "and "
     "proxy_set_header Connection \"\" are set. Idempotent requests are retried; POSTs are not.",
     "keepalive-settings",
     {"keepalive", "keepalive_timeout", "proxy_http_version", "proxy_set_header Connection"},
     502},
    {Cause::HeaderTooBig,
     "Backend response header too big",
     "The response header (status line plus headers, often large Set-Cookie headers or long redirects) did "
     "not "
     "fit in the buffer nginx reserves for it, proxy_buffer_size (fastcgi_buffer_size for FastCGI).",
     "Measure the backend's response header size for the failing URL (curl -sD - -o /dev/null). Raise "
     "proxy_buffer_size / fastcgi_buffer_size above it (e.g. 16k) and keep proxy_buffers consistent; better, "
     "find out why the backend sends so many cookies.",
     "buffers-vs-headers",
     {"proxy_buffer_size", "fastcgi_buffer_size", "proxy_buffers", "fastcgi_buffers"},
     502},
    {Cause::InvalidResponse,
     "Backend sent an invalid HTTP response",
     "What came back was not a valid HTTP response header: a malformed or duplicated header, conflicting "
     "Content-Length and Transfer-Encoding, or no HTTP at all because proxy_pass points at another kind of "
     "service (a database, a TLS port, a FastCGI server).",
     "Send one request to the peer by hand (curl -v http://peer/...) and look at the raw answer. Check that "
     "the "
     "scheme and port in proxy_pass are the right ones, then fix the backend's header output.",
     "probe-peer",
     {"proxy_pass", "proxy_http_version"},
     502},
    {Cause::FastcgiError,
     "FastCGI backend failed",
     "The FastCGI conversation broke: the php-fpm child died before finishing its output (segfault, killed "
     "by "
     "request_terminate_timeout or memory limits), or the port does not speak FastCGI.",
     "Read the php-fpm log for 'exited on signal', 'execution timed out' or 'terminated' at that time, and "
     "the "
     "PHP error log. Check that fastcgi_pass points at php-fpm and not at an HTTP port.",
     "php-fpm-max-children",
     {"fastcgi_pass", "fastcgi_read_timeout"},
     502},
    {Cause::GrpcError,
     "gRPC backend failed",
     "The gRPC peer refused the stream (RST_STREAM / GOAWAY with an error code) or broke the HTTP/2 "
     "protocol.",
     "Read the backend's log for the request and the error code (HTTP/2 codes: 2 internal error, 7 refused "
     "stream, 8 cancel). Check that grpc_pass targets a gRPC server and that grpcs:// is used when it "
     "expects TLS.",
     "probe-peer",
     {"grpc_pass", "grpc_read_timeout", "grpc_ssl_server_name"},
     502},
    {Cause::BodyTruncated,
     "Response body cut short",
     "The backend had already sent the status and headers when the transfer failed (closed, timed out, or "
     "broken "
     "chunked encoding). The client got the backend's status, usually 200, with an incomplete body, so this "
     "does not show up as a 502.",
     "Look for short bodies of these URLs in the access log (bytes sent) and for crashes or timeouts in the "
     "backend while streaming. A slow streaming backend may need a longer proxy_read_timeout.",
     "backend-service",
     {"proxy_read_timeout", "proxy_buffering", "proxy_max_temp_file_size"},
     200},
    {Cause::BackendStatus,
     "The backend itself answered with an error",
     "The 502/504 came from the backend's own response; nginx only passed it on, so there is no error.log "
     "line "
     "for it. Often the backend is itself a proxy (another nginx, a load balancer, an API gateway) whose own "
     "upstream failed.",
     "Follow the chain one hop further: read the backend's logs for the same requests. Listing the code in "
     "proxy_next_upstream makes nginx retry it on another peer.",
     "probe-peer",
     {"proxy_next_upstream", "proxy_intercept_errors"},
     502},
    {Cause::ClientClosed,
     "Client closed the connection first",
     "The client gave up before nginx could answer, logged as status 499. Usually the backend was slow and "
     "the "
     "client (or a load balancer in front with a shorter timeout) stopped waiting.",
     "Compare request_time of these requests with the client's or the front load balancer's timeout, and "
     "look "
     "at why the backend was slow. proxy_ignore_client_abort on lets the backend finish anyway.",
     "timeouts-vs-latency",
     {"proxy_ignore_client_abort", "proxy_read_timeout"},
     499},
    {Cause::Unclassified,
     "Upstream error not recognised",
     "nginx reported a problem with the upstream that the catalogue does not know: a message from a "
     "third-party "
     "module, a rare system error, or a newer nginx wording.",
     "Read the log line itself and the configuration of the location that served it; the errno in "
     "parentheses "
     "and the phase after 'while' say where it failed.",
     "log-evidence",
     {"proxy_pass", "proxy_next_upstream"},
     502},
    {Cause::PeerDisabled,
     "A peer was taken out of rotation",
     "A server of the upstream group reached max_fails failures within fail_timeout, so nginx stops sending "
     "it "
     "requests for fail_timeout. When this happens to every peer, 'no live upstreams' follows.",
     "Look at the errors for this peer just before: they explain the failures. If one slow or failing "
     "request "
     "is enough to disable a peer, reconsider max_fails and fail_timeout.",
     "probe-peer",
     {"max_fails", "fail_timeout"},
     0},
    {Cause::ConfigError,
     "Configuration error",
     "The configuration sends requests to an upstream address nginx cannot use (for example a proxy_pass "
     "built "
     "from variables that yields no port or an invalid URL). The client gets a 500.",
     "Open the location named in the request and check how proxy_pass is built; test it with nginx -t and "
     "with "
     "the variables the failing requests carry.",
     "log-evidence",
     {"proxy_pass", "upstream"},
     500},
};
static_assert(std::size(kInfo) == kCauseCount);

std::array<CauseInfo, kCauseCount> buildCatalogue()
{
    std::array<CauseInfo, kCauseCount> out{};
    for (const InfoText &t : kInfo) {
        CauseInfo &info = out[static_cast<std::size_t>(t.cause)];
        info.cause = t.cause;
        info.title = QString::fromLatin1(t.title);
        info.explanation = QString::fromLatin1(t.explanation);
        info.advice = QString::fromLatin1(t.advice);
        info.nextCheck = QString::fromLatin1(t.nextCheck);
        for (const char *d : t.directives)
            info.directives.append(QString::fromLatin1(d));
        info.typicalStatus = t.typicalStatus;
    }
    return out;
}

} // namespace

QLatin1StringView causeId(Cause c)
{
    const auto i = static_cast<std::size_t>(c);
    return i < kCauseIds.size() ? kCauseIds[i] : QLatin1StringView("unclassified");
}

std::optional<Cause> causeFromId(QStringView id)
{
    for (std::size_t i = 0; i < kCauseIds.size(); ++i)
        if (id == kCauseIds[i])
            return static_cast<Cause>(i);
    return std::nullopt;
}

QLatin1StringView phaseId(Phase p)
{
    const auto i = static_cast<std::size_t>(p);
    return i < kPhaseIds.size() ? kPhaseIds[i] : kPhaseIds[0];
}

std::optional<Phase> phaseFromId(QStringView id)
{
    for (std::size_t i = 0; i < kPhaseIds.size(); ++i)
        if (id == kPhaseIds[i])
            return static_cast<Phase>(i);
    return std::nullopt;
}

const CauseInfo &causeInfo(Cause c)
{
    // Built once, thread-safely (magic static); QStrings are then shared read-only.
    static const std::array<CauseInfo, kCauseCount> catalogue = buildCatalogue();
    const auto i = static_cast<std::size_t>(c);
    return catalogue[i < catalogue.size() ? i : static_cast<std::size_t>(Cause::Unclassified)];
}

CauseHsl causeHsl(Cause cause)
{
    static const std::array<int, kCauseCount> hues = {
        0,   // None
        5,   // BackendRefused
        20,  // BackendUnreachable
        35,  // ConnectTimeout
        280, // SocketMissing
        295, // SocketPermission
        310, // ConnectPermission
        265, // SocketBacklogFull
        250, // AddressExhausted
        350, // NoLiveUpstreams
        190, // DnsFailure
        170, // TlsHandshake
        160, // TlsVerify
        150, // TlsTimeout
        55,  // SendTimeout
        65,  // SendFailed
        45,  // ReadTimeout
        215, // PrematureClose
        225, // ConnectionReset
        235, // KeepaliveRace
        120, // HeaderTooBig
        100, // InvalidResponse
        320, // FastcgiError
        335, // GrpcError
        135, // BodyTruncated
        200, // BackendStatus
        80,  // ClientClosed
        0,   // Unclassified
        340, // PeerDisabled
        0,   // ConfigError
    };
    if (cause == Cause::None || cause == Cause::Unclassified)
        return {0, 0, 140};
    if (cause == Cause::ConfigError)
        return {0, 30, 110};
    return {hues[static_cast<std::size_t>(cause)], 170, 125};
}

QString causeColourHex(Cause cause)
{
    // HSL → RGB (the same conversion as QColor::fromHsl), without Qt Gui.
    const CauseHsl c = causeHsl(cause);
    const double h = c.hue / 360.0, s = c.saturation / 255.0, l = c.lightness / 255.0;
    auto channel = [](double p, double q, double t) {
        if (t < 0)
            t += 1;
        if (t > 1)
            t -= 1;
        if (t < 1.0 / 6)
            return p + (q - p) * 6 * t;
        if (t < 0.5)
            return q;
        if (t < 2.0 / 3)
            return p + (q - p) * (2.0 / 3 - t) * 6;
        return p;
    };
    double r = l, g = l, b = l;
    if (s > 0) {
        const double q = l < 0.5 ? l * (1 + s) : l + s - l * s;
        const double p = 2 * l - q;
        r = channel(p, q, h + 1.0 / 3);
        g = channel(p, q, h);
        b = channel(p, q, h - 1.0 / 3);
    }
    auto hex = [](double v) { return QStringLiteral("%1").arg(int(v * 255 + 0.5), 2, 16, QLatin1Char('0')); };
    return QLatin1Char('#') + hex(r) + hex(g) + hex(b);
}

} // namespace gwb
