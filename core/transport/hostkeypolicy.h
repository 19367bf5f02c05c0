#pragma once

#include "common/result.h"

#include <QString>
#include <cstdint>
#include <functional>

namespace gwb {

// What the server presented and what known_hosts says about it.
struct HostKeyInfo
{
    enum class Status : std::uint8_t
    {
        Known,     // recorded, same key
        Unknown,   // nothing recorded for this host (or no known_hosts file yet)
        Changed,   // a different key of the same type is recorded: possible man-in-the-middle
        OtherType, // only keys of other types are recorded: also possible man-in-the-middle
    };
    Status status = Status::Unknown;
    QString host;        // as known_hosts names it: "web1" or "[127.0.0.1]:2222"
    QString keyType;     // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"
    QString fingerprint; // "SHA256:…" exactly as ssh-keygen -lf prints it
    QString knownHostsPath;
};

// Decides whether to trust a server's host key. Known keys pass; a changed key or a key of another type is
// refused here, before any callback runs, so that no dialog and no flag can override it; only an unknown key
// is a question — refused (the CLI default), accepted and recorded (--accept-new-host-key), or asked.
class HostKeyPolicy
{
public:
    enum class Verdict : std::uint8_t
    {
        Trust,
        TrustAndRecord
    };
    // Returns true to trust and record an unknown key. Runs on the SSH worker thread and may block there
    // while the UI asks; it is never called for a changed key.
    using AskUnknown = std::function<bool(const HostKeyInfo &)>;

    static HostKeyPolicy refuseUnknown();
    static HostKeyPolicy acceptNew();
    static HostKeyPolicy ask(AskUnknown ask);

    [[nodiscard]] Result<Verdict> decide(const HostKeyInfo &key) const;

private:
    enum class Mode : std::uint8_t
    {
        RefuseUnknown,
        AcceptNew,
        Ask
    };
    HostKeyPolicy(Mode mode, AskUnknown ask) : m_mode(mode), m_ask(std::move(ask)) {}
    Mode m_mode;
    AskUnknown m_ask;
};

} // namespace gwb
