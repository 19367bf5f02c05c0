#!/usr/bin/env bash
# Installs what is missing, builds Gateway Workbench and runs every test (unit, CLI, integration against a
# real nginx and sshd on loopback). Extra arguments go to ctest, e.g. `scripts/test.sh -L unit`.
#
# Environment: GWB_BUILD_DIR (default build/), GWB_CMAKE_ARGS (extra cmake arguments).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GWB_BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$root/packaging/install-deps.sh"
# shellcheck disable=SC2086
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${GWB_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs" "$@"
