#include "reportredact.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace gwb {

namespace {

const QString kHidden = QStringLiteral("[redacted]");

// Replaces every match of `re` through `replace`; returns how many matches changed the text.
template <typename Fn>
int replaceAll(QString &line, const QRegularExpression &re, Fn replace)
{
    QString out;
    qsizetype pos = 0;
    int changed = 0;
    auto it = re.globalMatch(line);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QString replacement = replace(m);
        out += QStringView(line).mid(pos, m.capturedStart() - pos);
        out += replacement;
        if (replacement != m.captured())
            ++changed;
        pos = m.capturedEnd();
    }
    if (changed == 0)
        return 0;
    out += QStringView(line).mid(pos);
    line = out;
    return changed;
}

// A JSON string value of a key matching `keyPattern` (log_format escape=json writes "key":"value").
QRegularExpression jsonValue(const QString &keyPattern)
{
    return QRegularExpression(QStringLiteral("(\"(?:%1)\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)(\")").arg(keyPattern),
                              QRegularExpression::CaseInsensitiveOption);
}

// key=value logs (log_format with "cookie=$http_cookie") and the value of a quoted or bare word.
QRegularExpression keyValue(const QString &keyPattern)
{
    return QRegularExpression(QStringLiteral("(\\b(?:%1)=)(\"[^\"]*\"|[^\\s\"]+)").arg(keyPattern),
                              QRegularExpression::CaseInsensitiveOption);
}

bool isEmptyValue(QStringView v)
{
    return v.isEmpty() || v == QLatin1StringView("-") || v == QLatin1StringView("\"-\"") || v == QLatin1StringView("\"\"");
}

// Replaces the value (group 2) of key/value matches unless nginx wrote "no value".
int hideValues(QString &line, const QRegularExpression &re)
{
    return replaceAll(line, re, [](const QRegularExpressionMatch &m) -> QString {
        if (isEmptyValue(m.capturedView(2)))
            return m.captured();
        return m.captured(1) + kHidden + m.captured(3);
    });
}

} // namespace

Redactor::Redactor(RedactionOptions options) : m_options(options) {}

bool Redactor::isIpAddress(QStringView text)
{
    if (text.size() < 2 || text.size() > 45)
        return false;
    // QHostAddress also takes "1" or "1.2" as IPv4; only full dotted quads and colon forms count here.
    const bool v6 = text.contains(QLatin1Char(':'));
    if (!v6 && text.count(QLatin1Char('.')) != 3)
        return false;
    QHostAddress a;
    return a.setAddress(text.toString());
}

QString Redactor::pseudonymFor(const QString &ip)
{
    auto it = m_pseudonyms.constFind(ip);
    if (it != m_pseudonyms.constEnd())
        return it.value();
    const QString name = QStringLiteral("client-%1").arg(m_pseudonyms.size() + 1);
    m_pseudonyms.insert(ip, name);
    return name;
}

void Redactor::learnLine(const QString &line)
{
    static const QRegularExpression leading(QStringLiteral("^\\s*([0-9A-Fa-f:.]+)\\s"));
    static const QRegularExpression errorClient(QStringLiteral("\\bclient: ([0-9A-Fa-f:.]+)"));
    static const QRegularExpression forwarded(QStringLiteral("(?i)\\bx-forwarded-for:\\s*([0-9A-Fa-f:., ]+)"));
    static const QRegularExpression json = jsonValue(QStringLiteral(
        "remote_addr|client|client_ip|clientip|realip_remote_addr|x_forwarded_for|http_x_forwarded_for|"
        "forwarded_for|http_x_real_ip|x_real_ip"));
    auto add = [this](QStringView candidates) {
        for (QStringView part : candidates.split(QLatin1Char(','))) {
            part = part.trimmed();
            if (isIpAddress(part))
                pseudonymFor(part.toString());
        }
    };
    if (auto m = leading.match(line); m.hasMatch())
        add(m.capturedView(1));
    for (const auto *re : {&errorClient, &forwarded}) {
        auto it = re->globalMatch(line);
        while (it.hasNext())
            add(it.next().capturedView(1));
    }
    auto it = json.globalMatch(line);
    while (it.hasNext())
        add(it.next().capturedView(2));
}

void Redactor::learnClients(const QStringList &lines)
{
    if (!m_options.clientIps)
        return;
    for (const QString &line : lines)
        learnLine(line);
}

QString Redactor::redactClients(QString line)
{
    learnLine(line);
    // Address-shaped tokens; "127.0.0.1:18081" stays one token and so is never taken for the client 127.0.0.1.
    static const QRegularExpression token(QStringLiteral("[0-9A-Fa-f:.]{2,}"));
    replaceAll(line, token, [this](const QRegularExpressionMatch &m) -> QString {
        auto it = m_pseudonyms.constFind(m.captured());
        return it == m_pseudonyms.constEnd() ? m.captured() : it.value();
    });
    return line;
}

QString Redactor::redactCookies(QString line)
{
    static const QRegularExpression header(QStringLiteral("(?i)\\b((?:set-)?cookie):[ \\t]*[^\"\\r\\n]+"));
    static const QRegularExpression json = jsonValue(QStringLiteral("[a-z_]*cookie[a-z_0-9]*"));
    static const QRegularExpression kv = keyValue(QStringLiteral("[a-z_]*cookie[a-z_0-9]*"));
    m_cookies += replaceAll(line, header, [](const QRegularExpressionMatch &m) -> QString {
        return m.captured(1) + QStringLiteral(": ") + kHidden;
    });
    m_cookies += hideValues(line, json);
    m_cookies += hideValues(line, kv);
    return line;
}

QString Redactor::redactAuthorization(QString line)
{
    static const QRegularExpression header(QStringLiteral("(?i)\\b((?:proxy-)?authorization):[ \\t]*[^\"\\r\\n]+"));
    static const QRegularExpression json = jsonValue(QStringLiteral("[a-z_]*authorization[a-z_]*"));
    static const QRegularExpression kv = keyValue(QStringLiteral("[a-z_]*authorization[a-z_]*"));
    // $remote_user of combined-style lines: the basic-auth user name.
    static const QRegularExpression remoteUser(QStringLiteral("^(\\S+ - )([^\\s\\[]+)( \\[)"));
    static const QRegularExpression userinfo(QStringLiteral("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\\s\"@]+@"));
    m_authorizations += replaceAll(line, header, [](const QRegularExpressionMatch &m) -> QString {
        return m.captured(1) + QStringLiteral(": ") + kHidden;
    });
    m_authorizations += hideValues(line, json);
    m_authorizations += hideValues(line, kv);
    m_authorizations += replaceAll(line, remoteUser, [](const QRegularExpressionMatch &m) -> QString {
        return m.captured(2) == QLatin1StringView("-") ? m.captured() : m.captured(1) + kHidden + m.captured(3);
    });
    m_authorizations += replaceAll(line, userinfo, [](const QRegularExpressionMatch &m) -> QString {
        return m.captured(1) + kHidden + QLatin1Char('@');
    });
    return line;
}

QString Redactor::redactQueries(QString line)
{
    // A path ("/x", "http://host/x", "http://host") followed by '?': the query runs to a space, a quote or '#'.
    // Backslash escapes (\x22 in access logs, \" in JSON) belong to the query.
    static const QRegularExpression query(
        QStringLiteral("((?:/|://[^/\\s\"?]+)[^\\s\"?#\\\\]*)\\?(?:[^\\s\"#\\\\]|\\\\.)+"));
    static const QRegularExpression json = jsonValue(QStringLiteral("args|query_string|arg_[a-z0-9_]+"));
    static const QRegularExpression kv = keyValue(QStringLiteral("args|query_string|arg_[a-z0-9_]+"));
    m_queries += replaceAll(line, query, [](const QRegularExpressionMatch &m) -> QString {
        return m.captured(1) + QLatin1Char('?') + kHidden;
    });
    m_queries += hideValues(line, json);
    m_queries += hideValues(line, kv);
    return line;
}

QString Redactor::redact(const QString &line)
{
    QString out = line;
    // Secrets first: an Authorization header may contain a '?' that the query rule would only partly hide.
    if (m_options.authorization)
        out = redactAuthorization(std::move(out));
    if (m_options.cookies)
        out = redactCookies(std::move(out));
    if (m_options.queryStrings)
        out = redactQueries(std::move(out));
    if (m_options.clientIps)
        out = redactClients(std::move(out));
    return out;
}

QStringList Redactor::summary() const
{
    QStringList s;
    s << (m_options.clientIps
              ? QStringLiteral("Client addresses were replaced by stable pseudonyms (%1 distinct clients).").arg(clientCount())
              : QStringLiteral("Client addresses were kept (--no-redact-ips)."));
    s << (m_options.cookies ? QStringLiteral("Cookie values were hidden (%1 occurrences).").arg(m_cookies)
                            : QStringLiteral("Cookies were kept (--keep-cookies)."));
    s << (m_options.authorization
              ? QStringLiteral("Authorization headers and URL credentials were hidden (%1 occurrences).").arg(m_authorizations)
              : QStringLiteral("Authorization headers were kept (--keep-authorization)."));
    s << (m_options.queryStrings ? QStringLiteral("Query strings were hidden (%1 occurrences).").arg(m_queries)
                                 : QStringLiteral("Query strings were kept (--keep-query)."));
    return s;
}

} // namespace gwb
