#include "errorentryview.h"

#include "errortext.h"
#include "logtime.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace gwb::errorlog {

namespace {

constexpr qsizetype kTimestampLength = 19; // "YYYY/MM/DD HH:MM:SS"

// Index = LogLevel.
constexpr std::array<std::string_view, 8> kLevelNames = {"debug", "info", "notice", "warn",
                                                         "error", "crit", "alert",  "emerg"};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

unsigned twoDigits(const char *p)
{
    return static_cast<unsigned>((p[0] - '0') * 10 + (p[1] - '0'));
}

// Reads up to `maxDigits` digits; false when there is none or too many.
bool readNumber(const char *&p, const char *e, int maxDigits, std::uint64_t &out)
{
    const char *start = p;
    std::uint64_t v = 0;
    while (p < e && isDigit(*p) && p - start < maxDigits)
        v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
    out = v;
    return p > start && !(p < e && isDigit(*p));
}

const char *trimLineEnd(const char *b, const char *e)
{
    while (e > b && (e[-1] == '\n' || e[-1] == '\r'))
        --e;
    return e;
}

bool isLeap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned daysInMonth(unsigned y, unsigned m)
{
    static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// Field names of the context list: "client", "server", "request", "upstream", "bytes from/to client"
// (stream). Returns the ':' that ends the name when `p` starts one followed by ": " or, as the stream module
// writes "bytes from/to client:0/0", by a digit.
const char *fieldNameEnd(const char *p, const char *e)
{
    constexpr int kMaxName = 24;
    if (p >= e || *p < 'a' || *p > 'z')
        return nullptr;
    for (const char *q = p; q < e && q - p <= kMaxName; ++q) {
        const char c = *q;
        if (c == ':')
            return q + 1 < e && (q[1] == ' ' || isDigit(q[1])) ? q : nullptr;
        if (!((c >= 'a' && c <= 'z') || isDigit(c) || c == '_' || c == '/' || c == ' '))
            return nullptr;
    }
    return nullptr;
}

// The ':' ending the field name when `p` starts a field (", name: "), nullptr otherwise.
const char *fieldStart(const char *p, const char *e)
{
    return e - p > 2 && p[0] == ',' && p[1] == ' ' ? fieldNameEnd(p + 2, e) : nullptr;
}

// The ", client: " that starts nginx's context list. Message text (FastCGI stderr, an invalid header nginx
// quotes) may contain the same words, so prefer the occurrence followed by ", server: ", which nginx always
// writes right after the client address.
const char *findContext(const char *b, const char *e)
{
    const char *first = nullptr;
    for (const char *p = b; (p = find(p, e, ", client: ")); p += 2) {
        const char *next = find(p + 10, e, ", ");
        if (next && startsWith(next, e, ", server: "))
            return p;
        if (!first)
            first = p;
    }
    return first ? first : e;
}

// The fields nginx writes after the message (ngx_http_log_error_handler); others (stream byte counts) are
// skipped.
QByteArrayView *fieldFor(EntryView &out, std::string_view name)
{
    switch (name.empty() ? '\0' : name.front()) {
    case 'c':
        return name == "client" ? &out.client : nullptr;
    case 's':
        return name == "server" ? &out.server : name == "subrequest" ? &out.subrequest : nullptr;
    case 'r':
        return name == "request" ? &out.request : name == "referrer" ? &out.referrer : nullptr;
    case 'u':
        return name == "upstream" ? &out.upstream : nullptr;
    case 'h':
        return name == "host" ? &out.host : nullptr;
    default:
        return nullptr;
    }
}

// Walks ", name: value" pairs. A quoted value ends at the quote that is followed by the next field or by the
// end of its line, so quotes and ", " inside a request line or referrer do not cut it short. No value spans
// lines: nginx never writes a line break into the context (HTTP forbids one in a request line or header).
void decodeContext(const char *p, const char *e, EntryView &out, ContextFields wanted)
{
    for (const char *colon = fieldStart(p, e); colon;) {
        const char *nameBegin = p + 2;
        const char *v = colon[1] == ' ' ? colon + 2 : colon + 1;
        const char *valueBegin = v;
        const char *valueEnd = e;
        const char *next = nullptr;
        const char *nextColon = nullptr; // the next field's, found while looking for this value's end
        if (v < e && *v == '"') {
            valueBegin = v + 1;
            for (const char *q = valueBegin; q < e; ++q) {
                q = static_cast<const char *>(std::memchr(q, '"', static_cast<std::size_t>(e - q)));
                if (!q)
                    break;
                if (q + 1 == e || (nextColon = fieldStart(q + 1, e))) {
                    valueEnd = q;
                    next = q + 1;
                    break;
                }
            }
        } else {
            for (const char *q = v; (q = find(q, e, ", ")); q += 2) {
                if ((nextColon = fieldStart(q, e))) {
                    valueEnd = q;
                    next = q;
                    break;
                }
            }
        }
        QByteArrayView *field =
            fieldFor(out, std::string_view(nameBegin, static_cast<std::size_t>(colon - nameBegin)));
        if (field) {
            *field = QByteArrayView(valueBegin, valueEnd - valueBegin);
            if (wanted == ContextFields::UpToUpstream && field == &out.upstream)
                return;
        }
        p = next;
        colon = nextColon;
    }
}

// " (N: text)" at the end of the message: nginx appends the errno after everything else it writes there, and
// no strerror text holds a parenthesis. (A file cut inside the parentheses leaves no errno: that is fine.)
void decodeErrno(QByteArrayView message, EntryView &out)
{
    const char *b = message.data();
    const char *e = b + message.size();
    if (e == b || e[-1] != ')')
        return;
    const char *p = e - 1;
    while (p > b && *p != '(')
        --p;
    if (p == b || p[-1] != ' ')
        return;
    const char *q = p + 1;
    std::uint64_t n = 0;
    if (!readNumber(q, e, 5, n) || e - q < 2 || q[0] != ':' || q[1] != ' ')
        return;
    out.errnoCode = static_cast<int>(n);
    out.errnoText = QByteArrayView(q + 2, e - 1 - (q + 2));
}

} // namespace

bool looksLikeTimestamp(const char *p, const char *end)
{
    if (end - p < kTimestampLength)
        return false;
    // Positions of the separators in "YYYY/MM/DD HH:MM:SS"; all others are digits.
    return isDigit(p[0]) && isDigit(p[1]) && isDigit(p[2]) && isDigit(p[3]) && p[4] == '/' && isDigit(p[5]) &&
           isDigit(p[6]) && p[7] == '/' && isDigit(p[8]) && isDigit(p[9]) && p[10] == ' ' && isDigit(p[11]) &&
           isDigit(p[12]) && p[13] == ':' && isDigit(p[14]) && isDigit(p[15]) && p[16] == ':' &&
           isDigit(p[17]) && isDigit(p[18]);
}

bool looksLikeCutTimestamp(const char *p, const char *end)
{
    static constexpr std::string_view kShape = "0000/00/00 00:00:00"; // '0' = any digit
    if (end <= p || end - p >= kTimestampLength)
        return false;
    for (std::size_t i = 0; p + i < end; ++i)
        if (kShape[i] == '0' ? !isDigit(p[i]) : p[i] != kShape[i])
            return false;
    return true;
}

HeaderStatus decodeHeader(QByteArrayView entry, EntryView &out)
{
    const char *b = entry.data();
    const char *e = trimLineEnd(b, b + entry.size());
    if (!looksLikeTimestamp(b, e))
        return HeaderStatus::NoTimestamp;
    const unsigned year = twoDigits(b) * 100 + twoDigits(b + 2);
    const unsigned month = twoDigits(b + 5), day = twoDigits(b + 8);
    const unsigned hour = twoDigits(b + 11), minute = twoDigits(b + 14), second = twoDigits(b + 17);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 ||
        second > 60)
        return HeaderStatus::BadTimestamp;
    const std::int64_t days = logtime::daysFromCivil(static_cast<int>(year), month, day);
    out.time = ((days * 24 + hour) * 60 + minute) * 60'000 + static_cast<std::int64_t>(second) * 1000;

    const char *p = b + kTimestampLength;
    if (e - p < 4 || p[0] != ' ' || p[1] != '[')
        return HeaderStatus::BadHeader;
    p += 2;
    const char *close = p;
    while (close < e && close - p < 7 && *close != ']')
        ++close;
    if (close == e || *close != ']')
        return HeaderStatus::BadHeader;
    const std::string_view name(p, static_cast<std::size_t>(close - p));
    const auto level = std::find(kLevelNames.begin(), kLevelNames.end(), name);
    if (level == kLevelNames.end())
        return HeaderStatus::BadHeader;
    out.level = static_cast<LogLevel>(level - kLevelNames.begin());

    // " PID#TID: " then an optional "*CONN ".
    p = close + 1;
    std::uint64_t pid = 0, tid = 0;
    if (p >= e || *p++ != ' ' || !readNumber(p, e, 10, pid) || p >= e || *p++ != '#' ||
        !readNumber(p, e, 20, tid) || p >= e || *p++ != ':')
        return HeaderStatus::BadHeader;
    if (p < e && *p++ != ' ')
        return HeaderStatus::BadHeader;
    out.pid = static_cast<std::uint32_t>(pid);
    out.tid = static_cast<std::uint32_t>(tid);
    out.connection = 0;
    // nginx counts connections in 64 bits; ErrorEvent keeps 32. Wrapping keeps the lines of one connection
    // together, which is what the number is for.
    if (p < e && *p == '*') {
        const char *q = p + 1;
        std::uint64_t conn = 0;
        if (readNumber(q, e, 20, conn) && (q == e || *q == ' ')) {
            out.connection = static_cast<std::uint32_t>(conn);
            p = q < e ? q + 1 : q;
        }
    }
    out.body = p;
    return HeaderStatus::Ok;
}

void decodeBody(QByteArrayView entry, EntryView &out, ContextFields wanted)
{
    const char *b = out.body;
    const char *e = trimLineEnd(b, entry.data() + entry.size());
    const auto *firstNewline =
        static_cast<const char *>(std::memchr(b, '\n', static_cast<std::size_t>(e - b)));
    const char *lineEnd = firstNewline ? trimLineEnd(b, firstNewline) : e;
    out.continuation =
        firstNewline ? QByteArrayView(firstNewline + 1, e - firstNewline - 1) : QByteArrayView();

    const char *context = findContext(b, e);
    const char *whileAt = findLast(b, context, " while ");
    const char *messageEnd = std::min(lineEnd, whileAt ? whileAt : context);
    out.message = QByteArrayView(b, messageEnd - b);
    out.phaseText = {};
    if (whileAt) {
        const char *phaseBegin = whileAt + 7;
        const auto *nl = firstNewline ? static_cast<const char *>(std::memchr(
                                            phaseBegin, '\n', static_cast<std::size_t>(context - phaseBegin)))
                                      : nullptr;
        out.phaseText = QByteArrayView(phaseBegin, trimLineEnd(phaseBegin, nl ? nl : context) - phaseBegin);
    }
    out.errnoCode = -1;
    out.errnoText = {};
    decodeErrno(out.message, out);
    out.client = out.server = out.request = out.subrequest = out.upstream = out.host = out.referrer = {};
    // The context ends with its line: on the first line, or on the line where a multi-line message ended.
    const char *contextEnd = lineEnd;
    if (context >= lineEnd) {
        const auto *nl =
            static_cast<const char *>(std::memchr(context, '\n', static_cast<std::size_t>(e - context)));
        contextEnd = nl ? trimLineEnd(context, nl) : e;
    }
    decodeContext(context, contextEnd, out, wanted);
    out.phase = phaseFromText(out.phaseText, out.message);
}

Phase phaseFromText(QByteArrayView phaseText, QByteArrayView message)
{
    if (phaseText.isEmpty()) {
        // The resolver logs without a " while " action; its failures are the resolving phase.
        const char *mb = message.data();
        const char *me = mb + message.size();
        if (find(mb, me, "could not be resolved") || startsWith(message, "no resolver defined") ||
            startsWith(message, "host not found in upstream"))
            return Phase::Resolving;
        return Phase::Unknown;
    }
    struct Known
    {
        std::string_view text;
        Phase phase;
    };
    static constexpr Known kPhases[] = {
        {"connecting to upstream", Phase::Connecting},
        {"SSL handshaking to upstream", Phase::SslHandshaking},
        {"sending request to upstream", Phase::SendingRequest},
        {"reading response header from upstream", Phase::ReadingResponseHeader},
        {"reading upstream", Phase::ReadingUpstream},
        {"proxying upgraded connection", Phase::ProxyingUpgraded},
        {"resolving", Phase::Resolving},
    };
    for (const Known &k : kPhases)
        if (startsWith(phaseText, k.text))
            return k.phase;
    return Phase::Other;
}

QByteArrayView peerAddress(QByteArrayView upstream)
{
    QByteArrayView v = upstream;
    // A scheme is short ("http", "fastcgi", "grpcs"); the stream module writes bare addresses.
    const qsizetype scheme = v.first(std::min<qsizetype>(v.size(), 16)).indexOf("://");
    if (scheme >= 0)
        v = v.sliced(scheme + 3);
    if (startsWith(v, "unix:")) {
        // "unix:/run/app.sock:/path": the socket path ends at the next ':'.
        const qsizetype colon = v.sliced(5).indexOf(':');
        return colon >= 0 ? v.first(5 + colon) : v;
    }
    const qsizetype slash = v.indexOf('/');
    return slash >= 0 ? v.first(slash) : v;
}

QLatin1StringView levelName(LogLevel level)
{
    const auto i = static_cast<std::size_t>(level);
    const std::string_view name = i < kLevelNames.size() ? kLevelNames[i] : std::string_view("error");
    return QLatin1StringView(name.data(), static_cast<qsizetype>(name.size()));
}

} // namespace gwb::errorlog
