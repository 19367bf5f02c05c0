#include "errorclassifier.h"

#include "errortext.h"

#include <array>
#include <string_view>
#include <vector>

namespace gwb::errorlog {

namespace {

enum Need : std::uint8_t
{
    kNothing = 0,
    kUnixPeer = 1, // the peer is a unix socket
    kTcpPeer = 2,  // the peer is not a unix socket
    kUpstreamSide =
        4,           // an upstream phase or an upstream: field (the same words exist for client connections)
    kErrorLevel = 8, // [error] or worse: warnings and info lines are not failures
    kGrpcPeer = 16,  // upstream: "grpc://..." or "grpcs://..."
    kMentionsUpstream = 32 // an upstream: field, or "upstream" in the message or phase
};

enum class At : std::uint8_t
{
    Start,
    Anywhere,
    AnyMessage
};

using PhaseMask = std::uint16_t;
constexpr PhaseMask kAnyPhase = 0xFFFF;

// One row of the table: the first row whose conditions all hold gives the cause.
struct Rule
{
    Cause cause;
    std::string_view text;
    At at;
    std::size_t anchor = rarestByte(text); // the byte a search for `text` waits on
    PhaseMask phases = kAnyPhase;
    std::int16_t errnoCode = -1; // canonical (Linux) errno, -1 = any
    std::uint8_t needs = kNothing;

    constexpr Rule in(Phase p) const
    {
        Rule r = *this;
        r.phases = static_cast<PhaseMask>(1u << static_cast<unsigned>(p));
        return r;
    }
    constexpr Rule withErrno(int code) const
    {
        Rule r = *this;
        r.errnoCode = static_cast<std::int16_t>(code);
        return r;
    }
    constexpr Rule need(unsigned flags) const
    {
        Rule r = *this;
        r.needs = static_cast<std::uint8_t>(r.needs | flags);
        return r;
    }
};

constexpr Rule starts(std::string_view text, Cause c)
{
    return {c, text, At::Start};
}
constexpr Rule anywhere(std::string_view text, Cause c)
{
    return {c, text, At::Anywhere};
}
constexpr Rule anyMessage(Cause c)
{
    return {c, {}, At::AnyMessage};
}

// Order matters: the first match wins. Facts: shared/NGINX_ERRORS.md, "Message → cause".
constexpr Rule kRules[] = {
    // Markers about a peer or the client: the same words in any phase. The event loop names itself first when
    // it noticed the client leaving ("epoll_wait() reported that client prematurely closed connection").
    starts("upstream server temporarily disabled", Cause::PeerDisabled),
    starts("client prematurely closed connection", Cause::ClientClosed),
    starts("epoll_wait() reported that client prematurely closed connection", Cause::ClientClosed),
    starts("kevent() reported that client prematurely closed connection", Cause::ClientClosed),
    starts("no live upstreams", Cause::NoLiveUpstreams),

    // Name resolution and configuration: nginx never got as far as a connection. "NAME could not be resolved"
    // has no " while ", which is what the resolving phase means.
    anywhere("could not be resolved", Cause::DnsFailure).in(Phase::Resolving),
    starts("no resolver defined to resolve", Cause::DnsFailure),
    starts("host not found in upstream", Cause::DnsFailure),
    starts("no port in upstream", Cause::ConfigError),
    starts("invalid port in upstream", Cause::ConfigError),
    starts("invalid host in upstream", Cause::ConfigError),
    starts("invalid URL prefix in", Cause::ConfigError),

    // php-fpm relaying the application's stderr (PHP warnings, "Primary script unknown"): application output
    // about the request, not a broken FastCGI connection. Before the body rule: it also appears mid-body.
    starts("FastCGI sent in stderr", Cause::Unclassified),

    // Once the response header has been passed to the client, any upstream error only cuts the body short.
    anyMessage(Cause::BodyTruncated).in(Phase::ReadingUpstream).need(kErrorLevel),

    // Timeouts: the phase says which timer fired.
    starts("upstream timed out", Cause::ConnectTimeout).in(Phase::Connecting),
    starts("upstream timed out", Cause::TlsTimeout).in(Phase::SslHandshaking),
    starts("upstream timed out", Cause::SendTimeout).in(Phase::SendingRequest),
    starts("upstream timed out", Cause::ReadTimeout).in(Phase::ReadingResponseHeader),

    // connect() failures ("connect() failed", "connect() to X failed", "kevent() reported that connect()
    // failed"): the errno says why. A kernel ETIMEDOUT (110) is the SYN giving up before
    // proxy_connect_timeout.
    anywhere("connect()", Cause::BackendRefused).withErrno(111),
    anywhere("connect()", Cause::BackendUnreachable).withErrno(113),
    anywhere("connect()", Cause::BackendUnreachable).withErrno(101),
    anywhere("connect()", Cause::BackendUnreachable).withErrno(110),
    anywhere("connect()", Cause::BackendUnreachable).withErrno(112),
    anywhere("connect()", Cause::SocketMissing).withErrno(2),
    anywhere("connect()", Cause::SocketPermission).withErrno(13).need(kUnixPeer),
    anywhere("connect()", Cause::ConnectPermission).withErrno(13).need(kTcpPeer),
    anywhere("connect()", Cause::SocketBacklogFull).withErrno(11).need(kUnixPeer),
    anywhere("connect()", Cause::AddressExhausted).withErrno(99),
    anywhere("connect()", Cause::ConnectionReset).withErrno(104),

    // TLS to the peer. Client handshakes fail with the same words, but without an upstream.
    starts("upstream SSL certificate", Cause::TlsVerify),
    starts("SSL_do_handshake() failed", Cause::TlsHandshake).need(kUpstreamSide),
    starts("peer closed connection in SSL handshake", Cause::TlsHandshake).need(kUpstreamSide),

    // The backend broke the connection while nginx was still writing the request (writev/send/sendfile...).
    anyMessage(Cause::SendFailed).in(Phase::SendingRequest).need(kErrorLevel),

    // Reading the response header. The keepalive race shows up here too: only the access log can tell it.
    starts("upstream prematurely closed connection", Cause::PrematureClose),
    anywhere("() failed", Cause::ConnectionReset).in(Phase::ReadingResponseHeader).withErrno(104),
    anywhere("() failed", Cause::BackendRefused).in(Phase::ReadingResponseHeader).withErrno(111),
    starts("upstream sent too big header", Cause::HeaderTooBig),
    anywhere("FastCGI", Cause::FastcgiError),
    starts("upstream rejected request with error", Cause::GrpcError),
    starts("upstream sent goaway", Cause::GrpcError),
    starts("upstream violated", Cause::GrpcError),
    starts("upstream sent frame for", Cause::GrpcError),
    anywhere("http2", Cause::GrpcError).need(kUpstreamSide),
    starts("upstream sent", Cause::GrpcError).need(kGrpcPeer),
    starts("upstream sent no valid", Cause::InvalidResponse),
    starts("upstream sent invalid", Cause::InvalidResponse),
    starts("upstream sent duplicate header", Cause::InvalidResponse),
    starts("upstream sent unknown", Cause::InvalidResponse),
    starts("upstream sent \"Content-Length\" and \"Transfer-Encoding\"", Cause::InvalidResponse),
    starts("upstream prematurely sent response", Cause::InvalidResponse),

    // Anything else nginx reports as an error about an upstream.
    anyMessage(Cause::Unclassified).need(kErrorLevel | kMentionsUpstream),
};

bool isUpstreamPhase(Phase p)
{
    return p != Phase::Unknown && p != Phase::Other && p != Phase::Resolving;
}

// The conditions of one entry. The ones that search text are only worked out when a rule asks: most entries
// match a rule that needs none of them.
class Conditions
{
public:
    explicit Conditions(const MessageFacts &f) : m_facts(f)
    {
        if (isUpstreamPhase(f.phase) || !f.upstream.isEmpty())
            m_have |= kUpstreamSide;
        if (f.level >= LogLevel::Error)
            m_have |= kErrorLevel;
        if (startsWith(f.upstream, "grpc://") || startsWith(f.upstream, "grpcs://"))
            m_have |= kGrpcPeer;
    }

    bool satisfies(std::uint8_t needs)
    {
        if (needs & (kUnixPeer | kTcpPeer))
            learnPeerKind();
        if (needs & kMentionsUpstream)
            learnMentionsUpstream();
        return (needs & m_have) == needs;
    }

private:
    void learnPeerKind()
    {
        if (m_have & (kUnixPeer | kTcpPeer))
            return;
        m_have |=
            contains(m_facts.message, "unix:") || contains(m_facts.upstream, "unix:") ? kUnixPeer : kTcpPeer;
    }
    void learnMentionsUpstream()
    {
        if (!m_facts.upstream.isEmpty() || contains(m_facts.message, "upstream") ||
            contains(m_facts.phaseText, "upstream"))
            m_have |= kMentionsUpstream;
    }

    const MessageFacts &m_facts;
    std::uint8_t m_have = 0;
};

bool textMatches(const Rule &r, QByteArrayView message)
{
    switch (r.at) {
    case At::Start:
        return startsWith(message, r.text);
    case At::Anywhere:
        return find(message.data(), message.data() + message.size(), r.text, r.anchor) != nullptr;
    case At::AnyMessage:
        return true;
    }
    return false;
}

// The rules a message starting with a given byte can match, in table order: a prefix rule only joins the list
// of its first byte. Most entries then look at a handful of rules instead of all of them.
class RuleIndex
{
public:
    RuleIndex()
    {
        for (std::size_t first = 0; first < m_byFirstByte.size(); ++first)
            for (const Rule &r : kRules)
                if (r.at != At::Start || static_cast<unsigned char>(r.text.front()) == first)
                    m_byFirstByte[first].push_back(&r);
        for (const Rule &r : kRules)
            if (r.at != At::Start)
                m_forEmpty.push_back(&r);
    }
    const std::vector<const Rule *> &candidates(QByteArrayView message) const
    {
        return message.isEmpty() ? m_forEmpty : m_byFirstByte[static_cast<unsigned char>(message.front())];
    }

private:
    std::array<std::vector<const Rule *>, 256> m_byFirstByte;
    std::vector<const Rule *> m_forEmpty;
};

} // namespace

int canonicalErrno(int code, QByteArrayView text)
{
    struct Known
    {
        std::string_view text;
        int linuxErrno;
    };
    static constexpr Known kTexts[] = {
        {"Connection refused", 111},
        {"No route to host", 113},
        {"Host is unreachable", 113},
        {"Network is unreachable", 101},
        {"Connection timed out", 110},
        {"Operation timed out", 110},
        {"Host is down", 112},
        {"No such file or directory", 2},
        {"Permission denied", 13},
        {"Resource temporarily unavailable", 11},
        {"Cannot assign requested address", 99},
        {"Can't assign requested address", 99},
        {"Connection reset by peer", 104},
        {"Broken pipe", 32},
    };
    if (code < 0)
        return code;
    for (const Known &k : kTexts)
        if (text == QByteArrayView(k.text.data(), static_cast<qsizetype>(k.text.size())))
            return k.linuxErrno;
    // Winsock codes nginx for Windows writes instead of errno (its texts are long sentences).
    switch (code) {
    case 10013:
        return 13; // WSAEACCES
    case 10035:
        return 11; // WSAEWOULDBLOCK
    case 10049:
        return 99; // WSAEADDRNOTAVAIL
    case 10051:
        return 101; // WSAENETUNREACH
    case 10053:
        return 103; // WSAECONNABORTED
    case 10054:
        return 104; // WSAECONNRESET
    case 10060:
        return 110; // WSAETIMEDOUT
    case 10061:
        return 111; // WSAECONNREFUSED
    case 10064:
        return 112; // WSAEHOSTDOWN
    case 10065:
        return 113; // WSAEHOSTUNREACH
    default:
        return code;
    }
}

Cause classifyMessage(const MessageFacts &facts)
{
    static const RuleIndex index;
    Conditions conditions(facts);
    const int errnoCode = canonicalErrno(facts.errnoCode, facts.errnoText);
    const auto phaseBit = static_cast<PhaseMask>(1u << static_cast<unsigned>(facts.phase));
    for (const Rule *r : index.candidates(facts.message)) {
        if (!(r->phases & phaseBit) || (r->errnoCode >= 0 && r->errnoCode != errnoCode))
            continue;
        if (textMatches(*r, facts.message) && conditions.satisfies(r->needs))
            return r->cause;
    }
    return Cause::None;
}

} // namespace gwb::errorlog
