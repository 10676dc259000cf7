#!/usr/bin/env bash
# bench/api/coldstart.sh: the daemon's cold start, from spawn to /readyz answering 200, on an
# empty vault and on one holding 100 keys, beside a minimal process start measured in the same
# run (api_bench coldstart, bench/api/coldstart.h). Usage:
#
#   bench/api/coldstart.sh [--build-dir build] [--runs 15] [--keys 100] [-- extra daemon flags]
#
# Default flags, as `make run` starts it: no CRYFTTEE_VERIFIED_BINARY_HASH (the daemon hashes its
# own executable) and a vault sealed by the machine secret. Timings are never judged.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../../build"
runs=15
keys=100
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --keys) keys=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--build-dir DIR] [--runs N] [--keys K] [-- daemon flags]" >&2; exit 64 ;;
  esac
done
build=$(cd "$build" && pwd)
bench="$build/bench/api/api_bench"
daemon="$build/bin/cryfttee"
for f in "$bench" "$daemon" "$build/modules/manifest.json" "$build/config/trust.toml"; do
  [ -e "$f" ] || { echo "bench/api: $f is missing: build first" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/cft-cold-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "bench/api coldstart: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), daemon $(du -h "$daemon" | cut -f1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
env -u CRYFTTEE_SEAL_PASSWORD -u CRYFTTEE_VERIFIED_BINARY_HASH \
  "$bench" coldstart --dir "$tmp" --runs "$runs" --keys "$keys" -- \
  "$daemon" --uds-path '{sock}' --data-dir '{data}' --kiosk-addr off --log-level warn \
  --module-dir "$build/modules" --trust-config "$build/config/trust.toml" "${extra[@]}"
