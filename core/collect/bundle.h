#pragma once

#include "collect/collecttypes.h"
#include "common/result.h"
#include "diagnosis/investigation.h"

namespace gwb {

// An offline bundle (docs/bundle-format.md): a directory with manifest.json (schema "gwb.bundle/1") and one
// sub-directory per target holding nginx-T.txt, the log slices and command outputs.
namespace Bundle {

inline constexpr const char *kSchema = "gwb.bundle/1";

// Writes BUNDLE/manifest.json for collections whose directories lie below `bundleDir`.
[[nodiscard]] Result<void> writeManifest(const QString &bundleDir, const std::vector<Collection> &collections);

// Reads a bundle back. Every file's size and sha256 are checked; a mismatch or a missing file becomes a
// diagnostic of that target (the file is then left out), not a failure.
[[nodiscard]] Result<std::vector<Collection>> load(const QString &bundleDir);

} // namespace Bundle

// The collections as one investigation: the first target's configuration, every target's logs (each log
// keeps its host in its path: <dir>/<host>/logs/N/name), the collection diagnostics carried over.
// `window` open sides fall back to the collections' window.
[[nodiscard]] Result<Investigation> investigationFrom(const std::vector<Collection> &collections, CollectWindow window,
                                                      int threads, const std::atomic_bool *cancel = nullptr);

} // namespace gwb
