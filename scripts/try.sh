#!/usr/bin/env bash
# Installs what is missing, builds Gateway Workbench, starts the practice lab (a real nginx in front of
# broken backends, on 127.0.0.1 only), sends it a bounded amount of traffic, diagnoses it with gwb and opens
# the workbench on it (when there is a display; without one, the text diagnosis is all you get).
# The lab keeps running afterwards so you can explore it; stop it with `lab/gwb-lab down`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GWB_BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$root/packaging/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"

lab="$root/lab/gwb-lab"
labdir=${GWB_LAB_DIR:-$HOME/.cache/gwb-lab}
if ! "$lab" status --dir "$labdir" >/dev/null 2>&1; then
  "$lab" up --dir "$labdir"
fi
"$lab" traffic --dir "$labdir"
nginx -T -p "$labdir" -c "$labdir/nginx.conf" >"$labdir/nginx-T.txt" 2>/dev/null
# The lab writes every request in four formats; one access log is enough to diagnose.
inputs=(--config-dump "$labdir/nginx-T.txt" --access-log "$labdir/logs/access.log" --error-log "$labdir/logs/error.log")
"$build/app/gwb/gwb" diagnose "${inputs[@]}" --format text
echo
echo "The practice lab is still running (lab/gwb-lab status); stop it with: lab/gwb-lab down"
gui="$build/app/gateway-workbench/gateway-workbench"
if [[ -x $gui && ( -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ) ]]; then
  exec "$gui" "${inputs[@]}"
elif [[ -x $gui ]]; then
  echo "No display: open the workbench later with: $gui ${inputs[*]}"
fi
