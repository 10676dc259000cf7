#!/usr/bin/env bash
# bench/api: starts the daemon (bundled signed modules, a fresh vault), the in-tree transport
# floor and, if installed, nginx answering a fixed body on a Unix socket, then runs api_bench,
# which prints every signing route at 1 and 2 connections beside floor + raw crypto, and the
# ratios of issue 11. Usage:
#
#   bench/api/run.sh [--build-dir build] [--short] [-- extra api_bench run flags]
#
# --short (CI) measures 0.4 s per route; the default 3 s. Timings are never judged: the script
# fails only when the daemon does not start or a request fails. See docs/performance.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../../build"
seconds=3
ref_seconds=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --short) seconds=0.4; ref_seconds=0.3; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "usage: $0 [--build-dir DIR] [--short] [-- api_bench flags]" >&2; exit 64 ;;
  esac
done
build=$(cd "$build" && pwd)
bench="$build/bench/api/api_bench"
daemon="$build/bin/cryfttee"
for f in "$bench" "$daemon" "$build/modules/manifest.json" "$build/config/trust.toml"; do
  [ -e "$f" ] || { echo "bench/api: $f is missing: build the dev preset first" >&2; exit 1; }
done

# Short paths: a Unix socket path is limited to 107 bytes.
tmp=$(mktemp -d /tmp/cft-api-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

wait_for_socket() {  # path, pid, what
  for _ in $(seq 1 300); do
    [ -S "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "bench/api: $3 exited" >&2; return 1; }
    sleep 0.02
  done
  echo "bench/api: $3 did not open $1" >&2
  return 1
}

env -u CRYFTTEE_SEAL_PASSWORD "$daemon" --uds-path "$tmp/d.sock" --data-dir "$tmp/data" \
  --kiosk-addr off --log-level warn --module-dir "$build/modules" \
  --trust-config "$build/config/trust.toml" >"$tmp/daemon.log" 2>&1 &
pids+=($!)
daemon_pid=$!
"$bench" floor "$tmp/floor.sock" &
pids+=($!)
wait_for_socket "$tmp/floor.sock" "${pids[-1]}" "the floor responder"

nginx_args=()
if command -v nginx >/dev/null 2>&1; then
  mkdir -p "$tmp/nginx"
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx;
  server {
    listen unix:$tmp/nginx.sock;
    location / { default_type application/json; return 200 '{"success":true}'; }
  }
}
CONF
  nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" 2>/dev/null &
  pids+=($!)
  if wait_for_socket "$tmp/nginx.sock" "${pids[-1]}" "nginx"; then
    nginx_args=(--nginx "$tmp/nginx.sock")
  fi
fi

if ! wait_for_socket "$tmp/d.sock" "$daemon_pid" "the daemon"; then
  cat "$tmp/daemon.log" >&2
  exit 1
fi
echo "bench/api: daemon $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" run --daemon "$tmp/d.sock" --floor "$tmp/floor.sock" "${nginx_args[@]}" \
  --seconds "$seconds" --ref-seconds "$ref_seconds" "${extra[@]}"
