#!/usr/bin/env bash
# Installs every Debian 12 package that building Gateway Workbench, running its tests and running the
# practice lab need. Idempotent: when nothing is missing it prints nothing and exits 0.
#
#   packaging/install-deps.sh            build + tests + lab
#   packaging/install-deps.sh --build    only what compiling needs
#
# Needs root (or sudo). Services shipped by the packages (the system nginx and sshd) are NOT started:
# the workbench and its tests run their own instances on loopback with their own configuration.
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qtkeychain-qt6-dev
  libssh-dev zlib1g-dev libgl-dev
)
test_pkgs=(
  # practice lab and integration tests: a real nginx, a real sshd, small backends in python
  nginx-core openssh-server openssh-client python3 openssl curl iproute2 procps
  # guided checks: captures with consent (tcpdump, strace) in the integration tests
  tcpdump strace
  # --sudo against a real sudo, as throwaway unprivileged logins (tests/integration/tst_sudo_ssh, as root)
  sudo
  # fuzzing and sanitizers with clang
  clang libclang-rt-14-dev
  # looking at what we render: offscreen/Xvfb screenshots, PDF checks (pdftotext, pdftoppm). Chromium, for
  # looking at HTML reports by hand, is left out: no test needs it and it is a large download.
  xvfb xauth poppler-utils
  # packaging checks: AppStream metainfo validation, man pages of the installed package
  appstream man-db
)

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--build" ]] || want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

echo "install-deps: installing ${missing[*]}"
# Keep package maintainer scripts from starting the system nginx/sshd on ports 80/22: we never touch them.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi
cleanup() { [[ $created_policy -eq 1 ]] && $SUDO rm -f "$policy"; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
