#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"

namespace gwb {

// Fetches what a diagnosis needs from one target: finds nginx, dumps its config (nginx -T), discovers the
// logs the config names and their rotated siblings, and pulls only the time window of each into files under
// options.outputDir. Fails only when there is nothing to diagnose (no connection, no nginx, nginx -T
// failing, cancelled); an unreadable or broken log is a diagnostic and the rest goes on.
class Collector
{
public:
    explicit Collector(Transport &transport) : m_transport(transport) {}

    [[nodiscard]] Result<Collection> collect(const CollectOptions &options);

private:
    Transport &m_transport;
};

// A short, path-safe name for a target description: "ssh root@web1:2222" → "web1_2222".
QString hostLabelFor(const QString &description);

// sha256 (hex) and size of a local file.
[[nodiscard]] Result<std::pair<QByteArray, quint64>> hashFile(const QString &path);

} // namespace gwb
