#pragma once

// The log_format gwb_gen_accesslog writes and gwb_bench_access parses by default: the practice lab's
// "upstreaminfo" (tests/data/lab/nginx-T.txt) — combined, then the request time, the upstream lists and $host.
namespace gwb::bench {

inline constexpr const char *kGeneratedFormat =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" $request_time $upstream_addr $upstream_status $upstream_connect_time "
    "$upstream_header_time $upstream_response_time $host";

} // namespace gwb::bench
