#!/usr/bin/env bash
# Stops the sshd that start-sshd.sh started in DIR — that pid and its session processes, nothing else —
# and removes DIR (only if start-sshd.sh created it: it carries the .gwb-sshd marker).
#
#   stop-sshd.sh DIR [--keep]
set -euo pipefail
dir=${1:?usage: stop-sshd.sh DIR [--keep]}
keep=${2:-}
[[ -f $dir/.gwb-sshd ]] || { echo "stop-sshd: $dir was not made by start-sshd.sh" >&2; exit 1; }

descendants() { # pids below $1, deepest first
    local child
    for child in $(pgrep -P "$1" || true); do
        descendants "$child"
        echo "$child"
    done
}

if [[ -s $dir/sshd.pid ]]; then
    pid=$(cat "$dir/sshd.pid")
    # Only if that pid still is our sshd (the pid may have been reused since).
    if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir/sshd_config"; then
        victims="$(descendants "$pid") $pid"
        # shellcheck disable=SC2086
        kill -TERM $victims 2>/dev/null || true
        for _ in $(seq 1 50); do
            alive=""
            for p in $victims; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
            [[ -z $alive ]] && break
            sleep 0.1
        done
        # shellcheck disable=SC2086
        [[ -n ${alive:-} ]] && kill -KILL $alive 2>/dev/null || true
    fi
fi
[[ $keep == --keep ]] || rm -rf -- "$dir"
