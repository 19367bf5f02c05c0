#pragma once

// Private to core/transport: owning wrappers for libssh handles, so that every early return frees what it
// opened (DESIGN.md: every libssh handle is owned by an RAII wrapper). Never include from a public header.

#include <libssh/libssh.h>
#include <memory>

namespace gwb::ssh {

struct SessionDeleter
{
    void operator()(ssh_session s) const
    {
        if (ssh_is_connected(s))
            ssh_disconnect(s);
        ssh_free(s);
    }
};
struct ChannelDeleter
{
    void operator()(ssh_channel c) const
    {
        // Closing sends EOF/CLOSE if still open; free releases the handle even if the session died.
        if (ssh_channel_is_open(c))
            ssh_channel_close(c);
        ssh_channel_free(c);
    }
};
struct KeyDeleter
{
    void operator()(ssh_key k) const { ssh_key_free(k); }
};
struct CharDeleter
{
    void operator()(char *p) const { ssh_string_free_char(p); }
};
struct HashDeleter
{
    void operator()(unsigned char *p) const { ssh_clean_pubkey_hash(&p); }
};

using SessionPtr = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyDeleter>;
using CharPtr = std::unique_ptr<char, CharDeleter>;
using HashPtr = std::unique_ptr<unsigned char, HashDeleter>;

} // namespace gwb::ssh
