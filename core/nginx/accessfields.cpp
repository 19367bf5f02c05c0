#include "accessfields.h"

namespace gwb::accessfields {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads 4 hex digits at p (p + 4 <= e checked by the caller); -1 when one is not a hex digit.
int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; ++i) {
        const int h = hexValue(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// nginx's default escaping writes '"', '\' and bytes outside 0x20..0x7e as \xHH.
QByteArray decodeDefault(Span s)
{
    QByteArray out;
    out.reserve(static_cast<qsizetype>(s.size()));
    for (const char *p = s.b; p < s.e; ++p) {
        if (*p == '\\' && s.e - p >= 4 && p[1] == 'x' && hexValue(p[2]) >= 0 && hexValue(p[3]) >= 0) {
            out += static_cast<char>(hexValue(p[2]) * 16 + hexValue(p[3]));
            p += 3;
        } else {
            out += *p;
        }
    }
    return out;
}

// \uXXXX, joining a surrogate pair when one follows; a lone surrogate becomes U+FFFD. Returns the bytes used.
int decodeJsonUnicode(const char *p, const char *e, QByteArray &out)
{
    if (e - p < 6)
        return 0;
    const int high = hex4(p + 2);
    if (high < 0)
        return 0;
    if (high >= 0xD800 && high <= 0xDBFF && e - p >= 12 && p[6] == '\\' && p[7] == 'u') {
        const int low = hex4(p + 8);
        if (low >= 0xDC00 && low <= 0xDFFF) {
            appendUtf8(out, 0x10000 + ((static_cast<char32_t>(high) - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00));
            return 12;
        }
    }
    appendUtf8(out, high >= 0xD800 && high <= 0xDFFF ? 0xFFFD : static_cast<char32_t>(high));
    return 6;
}

QByteArray decodeJson(Span s)
{
    QByteArray out;
    out.reserve(static_cast<qsizetype>(s.size()));
    for (const char *p = s.b; p < s.e; ++p) {
        if (*p != '\\' || p + 1 == s.e) {
            out += *p;
            continue;
        }
        char plain = 0;
        switch (p[1]) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
            const int used = decodeJsonUnicode(p, s.e, out);
            if (used > 0) {
                p += used - 1;
                continue;
            }
            break;
        }
        default: break;
        }
        if (plain) {
            out += plain;
            ++p;
        } else {
            out += *p;
        }
    }
    return out;
}

} // namespace

QByteArray decode(Span s, LogFormat::Escape escape)
{
    if (!mayNeedDecoding(s, escape))
        return QByteArray(s.b, static_cast<qsizetype>(s.size()));
    return escape == LogFormat::Escape::Json ? decodeJson(s) : decodeDefault(s);
}

} // namespace gwb::accessfields
