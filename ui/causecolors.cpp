#include "causecolors.h"

#include <QPalette>

#include <array>

namespace gwb {

QColor causeColor(Cause cause)
{
    // Hues spread around the wheel; related causes (connect, TLS, read) sit in neighbouring hues so that a
    // stacked chart reads as families rather than confetti.
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
    const int i = static_cast<int>(cause);
    if (cause == Cause::None || cause == Cause::Unclassified)
        return QColor::fromHsl(0, 0, 140);
    if (cause == Cause::ConfigError)
        return QColor::fromHsl(0, 30, 110);
    return QColor::fromHsl(hues[std::size_t(i)], 170, 125);
}

QColor healthColor(double errorRate)
{
    if (errorRate <= 0.0)
        return QColor::fromHsl(120, 120, 120); // green
    if (errorRate < 0.05)
        return QColor::fromHsl(40, 200, 125); // amber
    return QColor::fromHsl(0, 170, 125);      // red
}

QColor blendWithBase(const QColor &color, const QPalette &palette, double amount)
{
    const QColor base = palette.color(QPalette::Base);
    const auto mix = [amount](int a, int b) { return int(a * amount + b * (1.0 - amount)); };
    return QColor(mix(color.red(), base.red()), mix(color.green(), base.green()), mix(color.blue(), base.blue()));
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::WindowText).lightness() > palette.color(QPalette::Window).lightness();
}

} // namespace gwb
