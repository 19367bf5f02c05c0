#pragma once

#include <QLatin1StringView>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace gwb {

// Why an upstream request failed. The ids (causeId) are the public contract of `gwb diagnose --format json`.
enum class Cause : std::uint8_t {
    None, // not upstream-related
    BackendRefused,
    BackendUnreachable,
    ConnectTimeout,
    SocketMissing,
    SocketPermission,
    ConnectPermission,
    SocketBacklogFull,
    AddressExhausted,
    NoLiveUpstreams,
    DnsFailure,
    TlsHandshake,
    TlsVerify,
    TlsTimeout,
    SendTimeout,
    SendFailed,
    ReadTimeout,
    PrematureClose,
    ConnectionReset,
    KeepaliveRace,
    HeaderTooBig,
    InvalidResponse,
    FastcgiError,
    GrpcError,
    BodyTruncated,
    BackendStatus,
    ClientClosed,
    Unclassified,
    PeerDisabled, // "upstream server temporarily disabled": a warning that precedes no-live-upstreams
    ConfigError,  // e.g. "no port in upstream": a configuration mistake that yields 500
};
inline constexpr int kCauseCount = static_cast<int>(Cause::ConfigError) + 1;

// The phase nginx names after " while " in an error line.
enum class Phase : std::uint8_t {
    Unknown,
    Resolving,
    Connecting,
    SslHandshaking,
    SendingRequest,
    ReadingResponseHeader,
    ReadingUpstream,
    ProxyingUpgraded,
    Other,
};

QLatin1StringView causeId(Cause c);             // "backend-refused"
std::optional<Cause> causeFromId(QStringView id);
QLatin1StringView phaseId(Phase p);             // "connecting", "reading-response-header", ...
std::optional<Phase> phaseFromId(QStringView id);

// What the user needs to know about a cause: written for an SRE in the middle of an incident.
struct CauseInfo
{
    Cause cause;
    QString title;        // "Backend refused the connection"
    QString explanation;  // what happened, in plain words
    QString advice;       // what to do next
    QString nextCheck;    // id of the guided check to run next ("probe-peer", "unix-socket", ...: a check of core/checks)
    QStringList directives; // config directives that matter ("proxy_read_timeout", ...)
    int typicalStatus = 502; // what the client usually gets; 0 when the entry alone decides none (peer-disabled)
};
const CauseInfo &causeInfo(Cause c);

// The colour of a cause, the same in the workbench and in reports: HSL (hue, saturation, lightness on Qt's
// 0..359 / 0..255 scales). Related causes (connect, TLS, read) sit on neighbouring hues, so a stacked chart
// reads as families. Greys for None, Unclassified and ConfigError.
struct CauseHsl
{
    int hue = 0, saturation = 0, lightness = 0;
};
CauseHsl causeHsl(Cause c);
QString causeColourHex(Cause c); // "#rrggbb" of causeHsl

} // namespace gwb
