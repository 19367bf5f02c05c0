#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each over its kept corpus (tests/fuzz/corpus/<name>), adding new
# interesting inputs there. A crash leaves crash-* files in the current directory and fails the run.
#   tests/fuzz/run-fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=${1:?usage: run-fuzzers.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
status=0
for name in config accesslog errorlog gzip; do
  bin="$build/tests/fuzz/fuzz_$name"
  corpus="$here/corpus/$name"
  mkdir -p "$corpus"
  echo "fuzz_$name: ${seconds}s over $(find "$corpus" -type f | wc -l) corpus files"
  if ! "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
       "$corpus" >"$build/fuzz_$name.log" 2>&1; then
    echo "fuzz_$name FAILED; see below"; tail -40 "$build/fuzz_$name.log"; status=1
  else
    grep -E '^#[0-9]+.*(DONE|pulse)' "$build/fuzz_$name.log" | tail -1 || true
  fi
done
exit $status
