// Writes a deterministic, realistic nginx error.log for gwb_bench_errorlog: upstream failures of every kind
// with full context, client-side noise, 404s, multi-line FastCGI stderr and Lua tracebacks, in the
// proportions of a busy proxy having a bad day. Same seed, same bytes, on every machine (own PRNG, no locale,
// no clock).
//
//   gwb_gen_errorlog OUT.log SIZE_MB [SEED]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// splitmix64: tiny, fast, and identical everywhere (std::mt19937 is too, but its distributions are not).
struct Rng
{
    std::uint64_t state;
    std::uint64_t next()
    {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
    template <typename T> const T &pick(const std::vector<T> &v)
    {
        return v[below(static_cast<unsigned>(v.size()))];
    }
};

const std::vector<std::string> kServers = {"shop.example", "api.example", "static.example", "admin.example"};
const std::vector<std::string> kPaths = {"/api/cart", "/api/v2/orders",   "/api/search", "/login",
                                         "/checkout", "/api/v2/users/me", "/graphql",    "/export.csv",
                                         "/ws",       "/index.php"};
const std::vector<std::string> kMethods = {"GET", "GET", "GET", "POST", "PUT"};
const std::vector<std::string> kPeers = {"10.0.1.11:8080",     "10.0.1.12:8080", "10.0.1.13:8080",
                                         "10.0.2.21:9000",     "10.0.2.22:9000", "10.0.3.31:8443",
                                         "[2001:db8::31]:8080"};
const std::vector<std::string> kSockets = {"/run/php/php8.2-fpm.sock", "/run/gunicorn/app.sock"};
const std::vector<std::string> kReferrers = {"https://shop.example/", "https://www.google.com/",
                                             "https://shop.example/cart?step=2&coupon=SPRING, 10%"};

struct Clock
{
    std::int64_t ms = 0; // since 2026-11-24 00:00:00
    std::string text() const
    {
        const std::int64_t s = ms / 1000;
        const int day = 24 + static_cast<int>(s / 86400);
        char buf[32];
        std::snprintf(buf, sizeof buf, "2026/11/%02d %02d:%02d:%02d", day, static_cast<int>(s / 3600 % 24),
                      static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
        return buf;
    }
};

class Generator
{
public:
    explicit Generator(std::uint64_t seed) : m_rng{seed} {}

    // One entry (possibly several lines), newline-terminated.
    std::string entry()
    {
        m_clock.ms += m_rng.below(40);
        const unsigned roll = m_rng.below(1000);
        if (roll < 620)
            return upstreamFailure();
        if (roll < 770)
            return clientNoise();
        if (roll < 870)
            return header("error") + "open() \"/var/www/html" + m_rng.pick(kPaths) +
                   "/favicon.ico\" failed (2: No such file or directory)" + context(false) + "\n";
        if (roll < 930)
            return fastcgiStderr();
        if (roll < 960)
            return luaTraceback();
        if (roll < 990)
            return header("warn") +
                   "an upstream response is buffered to a temporary file "
                   "/var/cache/nginx/proxy_temp/3/07/00000" +
                   std::to_string(10000 + m_rng.below(89999)) + " while reading upstream" + context(true) +
                   "\n";
        return m_clock.text() + " [notice] 812#812: signal 17 (SIGCHLD) received from " +
               std::to_string(900 + m_rng.below(99)) + "\n";
    }

private:
    std::string header(const char *level)
    {
        m_worker = 813 + m_rng.below(4);
        return m_clock.text() + " [" + level + "] " + std::to_string(m_worker) + "#" +
               std::to_string(m_worker) + ": *" + std::to_string(++m_connection * 3 + m_rng.below(3)) + " ";
    }

    std::string context(bool upstream, const std::string &peerOverride = {})
    {
        m_server = m_rng.pick(kServers);
        m_path = m_rng.pick(kPaths);
        std::string s = ", client: 198.51.100." + std::to_string(m_rng.below(254) + 1) +
                        ", server: " + m_server + ", request: \"" + m_rng.pick(kMethods) + " " + m_path +
                        "?id=" + std::to_string(m_rng.below(100000)) + " HTTP/1.1\"";
        if (upstream) {
            if (!peerOverride.empty())
                s += ", upstream: \"" + peerOverride + "\"";
            else if (m_rng.below(10) == 0)
                s += ", upstream: \"fastcgi://unix:" + m_rng.pick(kSockets) + ":\"";
            else
                s += ", upstream: \"http://" + m_rng.pick(kPeers) + m_path + "\"";
        }
        s += ", host: \"" + m_server + "\"";
        if (m_rng.below(3) == 0)
            s += ", referrer: \"" + m_rng.pick(kReferrers) + "\"";
        return s;
    }

    std::string upstreamFailure()
    {
        static const std::vector<std::pair<const char *, const char *>> kFailures = {
            {"error", "connect() failed (111: Connection refused) while connecting to upstream"},
            {"error", "connect() failed (111: Connection refused) while connecting to upstream"},
            {"error",
             "upstream timed out (110: Connection timed out) while reading response header from upstream"},
            {"error",
             "upstream timed out (110: Connection timed out) while reading response header from upstream"},
            {"error", "upstream prematurely closed connection while reading response header from upstream"},
            {"error",
             "recv() failed (104: Connection reset by peer) while reading response header from upstream"},
            {"error", "upstream timed out (110: Connection timed out) while connecting to upstream"},
            {"error", "connect() failed (113: No route to host) while connecting to upstream"},
            {"error", "upstream sent too big header while reading response header from upstream"},
            {"error",
             "upstream sent invalid header: \"X\\x20...\" while reading response header from upstream"},
            {"error", "upstream prematurely closed connection while reading upstream"},
            {"error", "writev() failed (32: Broken pipe) while sending request to upstream"},
            {"error",
             "SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while "
             "SSL handshaking to upstream"},
            {"crit",
             "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) "
             "while connecting to upstream"},
            {"warn", "upstream server temporarily disabled while connecting to upstream"},
            {"info",
             "epoll_wait() reported that client prematurely closed connection, so upstream connection is "
             "closed too while sending request to upstream"},
        };
        if (m_rng.below(25) == 0)
            return header("error") + "no live upstreams while connecting to upstream" +
                   context(true, "http://backend" + m_rng.pick(kPaths)) + "\n";
        const auto &[level, message] = kFailures[m_rng.below(static_cast<unsigned>(kFailures.size()))];
        return header(level) + message + context(true) + "\n";
    }

    std::string clientNoise()
    {
        switch (m_rng.below(3)) {
        case 0:
            return header("info") + "client closed connection while waiting for request, client: 203.0.113." +
                   std::to_string(m_rng.below(254) + 1) + ", server: 0.0.0.0:443\n";
        case 1:
            return header("info") +
                   "SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) "
                   "while SSL handshaking, client: 203.0.113." +
                   std::to_string(m_rng.below(254) + 1) + ", server: 0.0.0.0:443\n";
        default:
            return header("info") +
                   "writev() failed (104: Connection reset by peer) while sending to client" + context(true) +
                   "\n";
        }
    }

    std::string fastcgiStderr()
    {
        std::string s = header("error") + "FastCGI sent in stderr: \"PHP message: PHP Fatal error:  Uncaught "
                                          "PDOException: SQLSTATE[HY000] [2002] Connection refused in "
                                          "/var/www/app/src/Db.php:42\nStack trace:\n";
        const unsigned frames = 1 + m_rng.below(4);
        for (unsigned i = 0; i < frames; ++i) {
            // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string
            // temporaries.
            s += '#';
            s += std::to_string(i);
            s += " /var/www/app/src/Repo.php(";
            s += std::to_string(10 + m_rng.below(300));
            s += "): Db->connect()\n";
        }
        return s +
               "  thrown in /var/www/app/src/Db.php on line 42\" while reading response header from "
               "upstream" +
               context(true, "fastcgi://unix:/run/php/php8.2-fpm.sock:") + "\n";
    }

    std::string luaTraceback()
    {
        return header("error") + "lua entry thread aborted: runtime error: /etc/nginx/lua/auth.lua:" +
               std::to_string(10 + m_rng.below(90)) +
               ": attempt to index a nil value (local 'claims')\nstack traceback:\ncoroutine 0:\n"
               "\t/etc/nginx/lua/auth.lua: in function 'check'\n\taccess_by_lua(nginx.conf:40):2: in main "
               "chunk" +
               context(false) + "\n";
    }

    Rng m_rng;
    Clock m_clock;
    std::uint64_t m_connection = 1000;
    unsigned m_worker = 813;
    std::string m_server, m_path;
};

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT.log SIZE_MB [SEED]\n", argv[0]);
        return 2;
    }
    const std::uint64_t target = std::strtoull(argv[2], nullptr, 10) << 20;
    const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20261124;
    std::FILE *out = std::fopen(argv[1], "wb");
    if (!out) {
        std::perror(argv[1]);
        return 1;
    }
    Generator gen(seed);
    std::uint64_t written = 0;
    std::string buffer;
    while (written < target) {
        buffer.clear();
        while (buffer.size() < (1u << 20))
            buffer += gen.entry();
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), target - written));
        // Cut at an entry boundary so that the file ends with a complete line.
        const std::size_t cut = n == buffer.size() ? n : buffer.rfind("\n2026/", n) + 1;
        if (std::fwrite(buffer.data(), 1, cut, out) != cut) {
            std::perror(argv[1]);
            return 1;
        }
        written += cut;
        if (cut < buffer.size())
            break;
    }
    std::fclose(out);
    std::printf("%s: %llu bytes\n", argv[1], static_cast<unsigned long long>(written));
    return 0;
}
