#pragma once

#include <QString>

#include <optional>

namespace gwb {

// nginx time values ("60s", "1m30s", "500ms", "2h", "75" = seconds) in milliseconds.
std::optional<qint64> parseNginxDurationMs(QStringView text);
// nginx sizes ("4k", "8K", "1m", "512") in bytes.
std::optional<qint64> parseNginxSize(QStringView text);

} // namespace gwb
