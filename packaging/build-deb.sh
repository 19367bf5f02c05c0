#!/usr/bin/env bash
# Builds the Debian package: a Release configuration in its own build directory, the build, cpack.
# Progress goes to stderr; the path of the .deb is the only line on stdout.
#
#   packaging/build-deb.sh [extra cmake -D options]
#
# Environment: GWB_DEB_BUILD_DIR (default build-deb), GWB_JOBS (default: all cores),
#              GWB_BUILD_GUI (ON/OFF, default ON: the package then holds gateway-workbench too).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GWB_DEB_BUILD_DIR:-$src/build-deb}
jobs=${GWB_JOBS:-$(nproc)}
gui=${GWB_BUILD_GUI:-ON}

{
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
        -DGWB_BUILD_GUI="$gui" -DGWB_BUILD_TESTS=OFF -DGWB_BUILD_BENCH=OFF -DGWB_BUILD_FUZZERS=OFF "$@"
  cmake --build "$build" -j "$jobs"
  rm -f "$build"/gateway-workbench_*.deb
  (cd "$build" && cpack -G DEB)
} >&2

deb=$(ls -t "$build"/gateway-workbench_*.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || { echo "build-deb: cpack made no .deb in $build" >&2; exit 1; }
echo "$deb"
