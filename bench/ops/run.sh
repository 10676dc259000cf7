#!/usr/bin/env bash
# bench/ops: starts two daemons from the build tree on fresh vaults, one with the Prometheus
# listener and the audit log on (the defaults an operator runs: audit fsync "interval"), one with
# both off, and runs ops_bench, which measures BLS signing on both in interleaved slices and
# prints the ratio (issue 17: within 5%). Usage:
#
#   bench/ops/run.sh [--build-dir build] [--short] [-- extra ops_bench flags]
#
# --short (CI) runs 4 rounds of 0.1 s; the default 12 rounds of 0.5 s. Timings are never judged.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../../build"
args=(--rounds 12 --seconds 0.5)
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --short) args=(--rounds 4 --seconds 0.1); shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--build-dir DIR] [--short] [-- ops_bench flags]" >&2; exit 64 ;;
  esac
done
build=$(cd "$build" && pwd)
bench="$build/bench/ops/ops_bench"
daemon="$build/bin/cryfttee"
for f in "$bench" "$daemon" "$build/modules/manifest.json" "$build/config/trust.toml"; do
  [ -e "$f" ] || { echo "bench/ops: $f is missing: build the dev preset first" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/cft-ops-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

start() {  # name, extra daemon flags...
  local name=$1
  shift
  env -u CRYFTTEE_SEAL_PASSWORD "$daemon" --uds-path "$tmp/$name.sock" --data-dir "$tmp/$name" \
    --kiosk-addr off --log-level warn --module-dir "$build/modules" \
    --trust-config "$build/config/trust.toml" "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    [ -S "$tmp/$name.sock" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$tmp/$name.log" >&2; return 1; }
    sleep 0.02
  done
  echo "bench/ops: the $name daemon did not open its socket" >&2
  return 1
}
start on --metrics-addr 127.0.0.1:0 --audit-log "$tmp/on-audit.log"
start off --metrics-addr "" --audit-log off

echo "bench/ops: daemon $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --on "$tmp/on.sock" --off "$tmp/off.sock" "${args[@]}" "${extra[@]}"
echo "bench/ops: $(wc -l <"$tmp/on-audit.log") audit lines written by the 'on' daemon"
