#!/usr/bin/env bash
# Installs a Gateway Workbench .deb on this machine, runs the installed programs on the lab fixtures, and
# removes the package again (also when a check fails). Needs root or sudo.
#
#   packaging/check-installed.sh build-deb/gateway-workbench_0.1.0_amd64.deb
set -euo pipefail

deb=${1:?usage: check-installed.sh PATH/TO/gateway-workbench_VERSION_ARCH.deb}
deb=$(realpath "$deb")
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lab=$src/tests/data/lab
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

tmp=$(mktemp -d)
cleanup() {
  rm -rf "$tmp"
  if dpkg-query -W -f='${Status}' gateway-workbench 2>/dev/null | grep -q 'install ok installed'; then
    $SUDO apt-get remove -y -qq gateway-workbench >/dev/null && echo "check-installed: package removed"
  fi
}
trap cleanup EXIT
fail() { echo "check-installed: FAIL: $*" >&2; exit 1; }
step() { echo "check-installed: $*"; }

step "installing $(basename "$deb")"
$SUDO apt-get install -y -qq "$deb" >/dev/null

step "gwb --version: $(gwb --version)"
[[ $(command -v gwb) == /usr/bin/gwb ]] || fail "gwb is not /usr/bin/gwb"

if [[ -x /usr/bin/gateway-workbench ]]; then
  out=$(QT_QPA_PLATFORM=offscreen timeout 60 gateway-workbench --version 2>&1) || fail "gateway-workbench --version: $out"
  step "gateway-workbench --version: $out"
  # A real start of the window, offscreen: open the lab fixtures and render every view.
  QT_QPA_PLATFORM=offscreen timeout 120 gateway-workbench --screenshots "$tmp/shots" --config-dump "$lab/nginx-T.txt" \
      --access-log "$lab/access.log" --error-log "$lab/error.log" >/dev/null 2>&1 || fail "gateway-workbench did not start offscreen"
  [[ $(find "$tmp/shots" -name '*.png' | wc -l) -ge 5 ]] || fail "gateway-workbench rendered no views"
  step "gateway-workbench started offscreen and rendered $(find "$tmp/shots" -name '*.png' | wc -l) views"
  [[ -f /usr/share/applications/io.github.gatewayworkbench.GatewayWorkbench.desktop ]] || fail "no .desktop file"
else
  step "no GUI in this package (built with GWB_BUILD_GUI=OFF)"
fi

gwb diagnose --config-dump "$lab/nginx-T.txt" --access-log "$lab/access.log" --error-log "$lab/error.log" \
    --format json --output "$tmp/diagnosis.json" || fail "gwb diagnose exited $?"
grep -q '"schema": *"gwb.diagnosis/1"' "$tmp/diagnosis.json" || fail "gwb diagnose wrote no gwb.diagnosis/1 document"
grep -q '"backend-refused"' "$tmp/diagnosis.json" || fail "gwb diagnose found no backend-refused in the lab fixtures"
step "gwb diagnose on the lab fixtures: ok"

if gwb --help | grep -q '^ *report'; then
  gwb report --config-dump "$lab/nginx-T.txt" --access-log "$lab/access.log" --error-log "$lab/error.log" \
      --output "$tmp/report.html" || fail "gwb report exited $?"
  grep -q 'Most likely cause' "$tmp/report.html" || fail "the HTML report has no summary"
  step "gwb report (HTML): ok"
fi

# The guided checks with the installed plugin: the php-fpm plugin loads from /usr/lib, without warnings.
gwb check --list > "$tmp/checks.txt" || fail "gwb check --list exited $?"
grep -q '^php-fpm-pool ' "$tmp/checks.txt" || fail "the installed php-fpm plugin was not loaded: $(cat "$tmp/checks.txt")"
! grep -q '^warning:' "$tmp/checks.txt" || fail "plugin warnings: $(grep '^warning:' "$tmp/checks.txt")"
gwb check --config-dump "$lab/nginx-T.txt" --access-log "$lab/access.log" --error-log "$lab/error.log" \
    --cause read-timeout --format json --output "$tmp/checks.json" || fail "gwb check exited $?"
grep -q '"schema": *"gwb.checks/1"' "$tmp/checks.json" || fail "gwb check wrote no gwb.checks/1 document"
step "gwb check (installed plugin, lab fixtures): ok"
ls /usr/share/gateway-workbench/training/lessons/*.lesson >/dev/null 2>&1 || fail "no training lessons installed"
ls /usr/share/gateway-workbench/training/practice/*.scenario >/dev/null 2>&1 || fail "no practice scenarios installed"

[[ -x /usr/share/gateway-workbench/lab/gwb-lab ]] || fail "the lab's gwb-lab is not executable"
gwb-lab --help >/dev/null || fail "gwb-lab --help"
[[ -d /usr/lib/gateway-workbench/plugins ]] || fail "no plugins directory"
man -w gwb >/dev/null 2>&1 || [[ -f /usr/share/man/man1/gwb.1.gz || -f /usr/share/man/man1/gwb.1 ]] || fail "no man page"
[[ -f /usr/share/icons/hicolor/scalable/apps/io.github.gatewayworkbench.GatewayWorkbench.svg ]] || fail "no icon"
metainfo=/usr/share/metainfo/io.github.gatewayworkbench.GatewayWorkbench.metainfo.xml
[[ -f $metainfo ]] || fail "no AppStream metainfo"
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$metainfo" >/dev/null || fail "appstreamcli rejects $metainfo"
fi
step "lab, plugins dir, man page, icon, metainfo: ok"
step "all checks passed"
