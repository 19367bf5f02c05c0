// Writes a realistic nginx access log for the benchmarks: format "upstreaminfo" (the lab's, see
// benchformat.h), a day of traffic over a dozen virtual hosts, statuses with 502/504/499 and their retry chains.
// Deterministic: the same arguments always give the same bytes.
//
//   gwb_gen_accesslog OUTPUT [SIZE_MIB]    (default 1024 MiB, ~4 M lines)

#include "benchformat.h"
#include "nginx/logtime.h"

#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr const char *kFormat = gwb::bench::kGeneratedFormat;

// splitmix64: fixed output on every platform, unlike the distributions of <random>.
class Rng
{
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
    bool percent(double p) { return static_cast<double>(next() % 1000000) < p * 10000.0; }
    template <typename T, std::size_t N>
    const T &pick(const std::array<T, N> &items) { return items[below(N)]; }

private:
    std::uint64_t m_state;
};

constexpr std::array kHosts{"shop.example.com", "api.example.com", "www.example.com", "static.example.com",
                            "auth.example.com", "admin.example.com", "cdn.example.net", "blog.example.org",
                            "m.example.com", "search.example.com", "img.example.com", "php.example.com"};
constexpr std::array kMethods{"GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "PUT", "HEAD", "DELETE"};
constexpr std::array kPaths{"/", "/api/v1/products", "/api/v1/cart", "/api/v1/orders", "/api/v2/search",
                            "/static/js/app.3f9a1c.js", "/static/css/main.8d2e4b.css", "/images/products/",
                            "/login", "/checkout/payment", "/blog/2026/11/how-we-scaled-our-backend",
                            "/index.php", "/wp-login.php", "/favicon.ico", "/robots.txt", "/health"};
constexpr std::array kAgents{
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1", "okhttp/4.12.0", "-"};
constexpr std::array kReferers{"-", "-", "-", "https://www.example.com/", "https://shop.example.com/cart",
                               "https://www.google.com/", "https://blog.example.org/2026/11/",
                               "https://search.example.com/?q=red+shoes"};
constexpr std::array kPeers{"10.0.1.11:8080", "10.0.1.12:8080", "10.0.1.13:8080", "10.0.1.14:8080",
                            "10.0.2.21:9000", "10.0.2.22:9000", "10.0.3.31:3000", "10.0.3.32:3000",
                            "10.0.4.41:8443", "10.0.4.42:8443", "[fd00::51]:8080", "[fd00::52]:8080",
                            "unix:/run/php/php8.2-fpm.sock", "10.0.5.61:5000", "10.0.5.62:5000", "10.0.5.63:5000"};
constexpr std::array kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Line
{
    std::string s;
    void add(const char *t) { s += t; }
    void add(const std::string &t) { s += t; }
    void num(std::uint64_t v) { s += std::to_string(v); }
    void seconds(unsigned ms)
    {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%u.%03u", ms / 1000, ms % 1000);
        s += buf;
    }
};

std::string timeLocal(std::uint64_t wallSeconds)
{
    const gwb::logtime::CivilTime t = gwb::logtime::civilFromMs(static_cast<gwb::TimeMs>(wallSeconds) * 1000);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02u/%s/%04d:%02u:%02u:%02u +0100", t.day, kMonths[t.month - 1], t.year, t.hour,
                  t.minute, t.second);
    return buf;
}

struct Attempt
{
    std::string addr;
    std::string status; // "502" or "-"
    std::string connect, header, response;
};

std::string list(const Attempt *a, int n, std::string Attempt::*field)
{
    std::string out;
    for (int i = 0; i < n; ++i)
        out += (i ? ", " : "") + a[i].*field;
    return out;
}

// The upstream side of one request; returns the client status.
int upstreamAttempts(Rng &rng, const char *host, Attempt *a, int &n, unsigned &requestMs)
{
    const bool isStatic = std::strcmp(host, "static.example.com") == 0 || std::strcmp(host, "cdn.example.net") == 0;
    if (isStatic && rng.percent(90)) {
        n = 0;
        requestMs = rng.below(3);
        return rng.percent(95) ? 200 : (rng.percent(50) ? 304 : 404);
    }
    auto ms = [](unsigned v) { Line l; l.seconds(v); return l.s; };
    const char *peer = std::strcmp(host, "php.example.com") == 0 ? kPeers[12] : kPeers[rng.below(12)];
    const unsigned roll = rng.below(1000);
    n = 1;
    a[0] = {peer, "200", ms(rng.below(3)), "", ""};
    unsigned header = 5 + rng.below(120);
    if (roll < 25) { // 2.5 %: connection refused, retried on another peer, both fail
        a[0] = {peer, "502", "-", "-", "0.000"};
        a[1] = {kPeers[rng.below(12)], "502", "-", "-", "0.000"};
        n = 2;
        requestMs = rng.below(3);
        return 502;
    }
    if (roll < 40) { // 1.5 %: read timeout
        a[0] = {peer, "504", ms(rng.below(3)), "-", "60.001"};
        requestMs = 60001 + rng.below(3);
        return 504;
    }
    if (roll < 50) { // 1 %: client gave up
        a[0] = {peer, "-", ms(rng.below(3)), "-", ms(500 + rng.below(9000))};
        requestMs = 500 + rng.below(9000);
        return 499;
    }
    if (roll < 70) { // 2 %: first peer refused, second answers
        a[1] = a[0];
        a[0] = {kPeers[rng.below(12)], "502", "-", "-", "0.000"};
        a[1].header = ms(header);
        a[1].response = ms(header + 1);
        n = 2;
        requestMs = header + 2;
        return 200;
    }
    if (roll < 72) { // 0.2 %: every peer marked failed
        a[0] = {"backend_pool", "502", "-", "-", "0.000"};
        requestMs = 0;
        return 502;
    }
    if (roll < 74) { // 0.2 %: X-Accel-Redirect to another upstream
        a[0].status = "302";
        a[0].header = ms(header);
        a[0].response = ms(header);
        n = 2;
        a[1] = {kPeers[13 + rng.below(3)], "200", "0.001", "0.004", "0.030"};
        requestMs = header + 31;
        return 200;
    }
    int status = roll < 80 ? 502 : roll < 85 ? 500 : roll < 90 ? 503 : roll < 130 ? 404 : roll < 150 ? 301 : 200;
    a[0].status = std::to_string(status);
    a[0].header = ms(header);
    a[0].response = ms(header + rng.below(40));
    requestMs = header + 40;
    return status;
}

void writeLine(Rng &rng, std::uint64_t wallSeconds, std::string &out)
{
    const char *host = rng.pick(kHosts);
    Attempt a[3];
    int n = 0;
    unsigned requestMs = 0;
    const int status = upstreamAttempts(rng, host, a, n, requestMs);

    Line l;
    l.num(rng.percent(97) ? 10 + rng.below(200) : 203);
    for (int i = 0; i < 3; ++i) {
        l.add(".");
        l.num(rng.below(256));
    }
    l.add(rng.percent(2) ? " - alice [" : " - - [");
    l.add(timeLocal(wallSeconds));
    l.add("] \"");
    l.add(rng.pick(kMethods));
    l.add(" ");
    l.add(rng.pick(kPaths));
    const bool query = rng.percent(40);
    if (query) {
        l.add("?id=");
        l.num(rng.below(100000));
        l.add("&page=");
        l.num(rng.below(50));
        l.add(rng.percent(50) ? "&sort=price_asc&view=grid" : "&lang=en");
    }
    if (rng.percent(25)) {
        l.add(query ? "&" : "?");
        l.add(rng.percent(50) ? "utm_source=newsletter&utm_medium=email&utm_campaign=black_friday_2026"
                              : "ref=homepage_banner");
    }
    l.add(rng.percent(80) ? " HTTP/1.1\" " : " HTTP/2.0\" ");
    l.num(static_cast<unsigned>(status));
    l.add(" ");
    l.num(status == 499 ? 0 : status >= 500 ? 157 + rng.below(20) : rng.below(60000));
    l.add(" \"");
    l.add(rng.pick(kReferers));
    l.add("\" \"");
    l.add(rng.pick(kAgents));
    l.add("\" ");
    l.seconds(requestMs);
    l.add(" ");
    if (n == 0) {
        l.add("- - - - -");
    } else {
        // The X-Accel-Redirect case is the only two-attempt chain with a 302 first: " : " separates them.
        const bool redirect = n == 2 && a[0].status == "302";
        auto join = [&](std::string Attempt::*field) {
            return redirect ? a[0].*field + " : " + a[1].*field : list(a, n, field);
        };
        l.add(join(&Attempt::addr) + " " + join(&Attempt::status) + " " + join(&Attempt::connect) + " " +
              join(&Attempt::header) + " " + join(&Attempt::response));
    }
    l.add(" ");
    l.add(host);
    l.add("\n");
    out += l.s;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
        std::fprintf(stderr, "usage: %s OUTPUT [SIZE_MIB]\nformat: %s\n", argv[0], kFormat);
        return 2;
    }
    const std::uint64_t target = (argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1024) << 20;
    std::FILE *f = std::fopen(argv[1], "wb");
    if (!f) {
        std::perror(argv[1]);
        return 1;
    }
    Rng rng(20261124);
    const std::uint64_t dayStart = 1795478400; // 2026-11-24 00:00:00, written as wall clock in +0100
    std::string buffer;
    std::uint64_t written = 0, lines = 0;
    const std::uint64_t expectedLines = target / 268 + 1; // spread one day over the file
    while (written < target) {
        buffer.clear();
        for (int i = 0; i < 4096 && written + buffer.size() < target; ++i, ++lines)
            writeLine(rng, dayStart + lines * 86400 / expectedLines, buffer);
        if (std::fwrite(buffer.data(), 1, buffer.size(), f) != buffer.size()) {
            std::perror(argv[1]);
            return 1;
        }
        written += buffer.size();
    }
    std::fclose(f);
    std::printf("%s: %" PRIu64 " bytes, %" PRIu64 " lines, %.1f bytes/line\nlog_format: %s\n", argv[1], written,
                lines, static_cast<double>(written) / static_cast<double>(lines), kFormat);
    return 0;
}
