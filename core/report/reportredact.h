#pragma once

#include "reportoptions.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace gwb {

// Hides personal and secret data in log lines before they leave the machine in a report. One instance per
// report: a client address gets the same pseudonym in every line, so readers can still follow one client.
//
// Client addresses are recognised where nginx writes the client (first field of combined/main lines,
// `client: X` in error lines, remote_addr / x_forwarded_for / realip keys of JSON lines); afterwards the same
// address is also hidden wherever else it appears without a port. Peer addresses (`upstream: ...`,
// `127.0.0.1:18081`) are infrastructure and stay: they are what the report is about.
class Redactor final
{
public:
    explicit Redactor(RedactionOptions options = {});

    // Learns the client addresses of `lines` first, so that a client seen only later in one line is also
    // hidden in an earlier one.
    void learnClients(const QStringList &lines);
    QString redact(const QString &line);

    const RedactionOptions &options() const { return m_options; }
    int clientCount() const { return int(m_pseudonyms.size()); }
    int cookieCount() const { return m_cookies; }
    int authorizationCount() const { return m_authorizations; }
    int queryCount() const { return m_queries; }
    // One sentence per category for the report ("Client addresses were replaced by pseudonyms (3 clients).").
    QStringList summary() const;

    // Whether `text` is an IPv4 or IPv6 address literal (no port).
    static bool isIpAddress(QStringView text);

private:
    QString pseudonymFor(const QString &ip);
    void learnLine(const QString &line);
    QString redactClients(QString line);
    QString redactCookies(QString line);
    QString redactAuthorization(QString line);
    QString redactQueries(QString line);

    RedactionOptions m_options;
    QHash<QString, QString> m_pseudonyms; // ip → "client-N"
    int m_cookies = 0, m_authorizations = 0, m_queries = 0;
};

} // namespace gwb
