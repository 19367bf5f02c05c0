#pragma once

#include "diagnoser.h"
#include "failures.h"

#include <QHash>

namespace gwb {

// Groups failures by cause × upstream × peer × server/location and gives each group its evidence lines,
// the directives that matter with their effective values, and what to do next.
class FindingBuilder
{
public:
    FindingBuilder(const Investigation &inv, const DiagnoseOptions &opt);

    // Findings worst first; `failures` receives every failure with the index of its finding.
    std::vector<Finding> build(const std::vector<detail::FailedRequest> &failed,
                               const std::vector<detail::UpstreamError> &errors, std::vector<FailureEvent> *failures = nullptr);

    // Where a request went in the config: server and location indices (-1 when unknown).
    std::pair<int, int> route(const QByteArray &host, const QByteArray &requestLineOrUri, bool isRequestLine);

    // The directives that matter for a cause where it happened, with their effective values.
    std::vector<ConfigEvidence> configFor(Cause cause, int location, int server, const QString &upstream) const;

private:
    struct Place
    {
        QString upstream, peer;
        int server = -1, location = -1;
    };
    Place placeOf(const QByteArray &host, const QByteArray &requestOrUri, bool isRequestLine, const QByteArray &peer);
    Place placeAt(int server, int location, const QByteArray &peer) const;
    Finding &findingFor(Cause cause, Phase phase, const Place &place);
    bool wantsEvidence(const Finding &f) const;
    void addEvidence(Finding &f, const SourceLocation &where, QByteArrayView text) const;
    SourceLocation accessWhere(const detail::FailedRequest &r) const;
    SourceLocation errorWhere(const detail::UpstreamError &e) const;

    const Investigation &m_inv;
    const ConfigModel *m_config;
    DiagnoseOptions m_opt;
    std::vector<Finding> m_findings;
    QHash<QString, int> m_index;
    QHash<QByteArray, int> m_serverCache;
    QHash<QString, int> m_locationCache;
};

// nginx request line "GET /a?b HTTP/1.1" → "/a"; a bare URI loses its query string.
QByteArray pathOfRequest(const QByteArray &requestOrUri, bool isRequestLine);

} // namespace gwb
