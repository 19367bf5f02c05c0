#include "transport/hostkeypolicy.h"

namespace gwb {

HostKeyPolicy HostKeyPolicy::refuseUnknown()
{
    return {Mode::RefuseUnknown, {}};
}
HostKeyPolicy HostKeyPolicy::acceptNew()
{
    return {Mode::AcceptNew, {}};
}
HostKeyPolicy HostKeyPolicy::ask(AskUnknown ask)
{
    return {Mode::Ask, std::move(ask)};
}

Result<HostKeyPolicy::Verdict> HostKeyPolicy::decide(const HostKeyInfo &key) const
{
    const QString presented = QStringLiteral("%1 key %2").arg(key.keyType, key.fingerprint);
    const QString removeHint =
        QStringLiteral("only after the server's administrator has confirmed the new key, remove "
                       "the old entry with: ssh-keygen -R '%1' -f '%2'")
            .arg(key.host, key.knownHostsPath);
    switch (key.status) {
    case HostKeyInfo::Status::Known:
        return Verdict::Trust;
    case HostKeyInfo::Status::Changed:
        return Error{
            Error::Kind::HostKey,
            QStringLiteral(
                "WARNING: the host key of %1 has CHANGED (the server now presents the %2, which does "
                "not match %3). Someone may be intercepting the connection, or the host was "
                "reinstalled. Not connecting; %4.")
                .arg(key.host, presented, key.knownHostsPath, removeHint)};
    case HostKeyInfo::Status::OtherType:
        return Error{
            Error::Kind::HostKey,
            QStringLiteral("WARNING: %1 presents the %2, but %3 records only keys of another type for it. "
                           "Someone may be intercepting the connection. Not connecting; %4.")
                .arg(key.host, presented, key.knownHostsPath, removeHint)};
    case HostKeyInfo::Status::Unknown:
        break;
    }
    const QString unknown = QStringLiteral("the host key of %1 is not known (%2)").arg(key.host, presented);
    switch (m_mode) {
    case Mode::AcceptNew:
        return Verdict::TrustAndRecord;
    case Mode::Ask:
        if (m_ask && m_ask(key))
            return Verdict::TrustAndRecord;
        return Error{
            Error::Kind::HostKey,
            QStringLiteral("%1 and was not accepted; compare the fingerprint with the one the server's "
                           "administrator gives you (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host)")
                .arg(unknown)};
    case Mode::RefuseUnknown:
        break;
    }
    return Error{
        Error::Kind::HostKey,
        QStringLiteral("%1; check the fingerprint with the server's administrator, then connect once with "
                       "--accept-new-host-key (or ssh to it and answer yes) to record it in %2")
            .arg(unknown, key.knownHostsPath)};
}

} // namespace gwb
