#!/usr/bin/env bash
# The layering check must pass on the tree and fail on each kind of violation.
set -euo pipefail
script="$1/scripts/check-layers.sh"
"$script" "$1" >/dev/null || { echo "FAIL: the repository itself violates layering"; "$script" "$1"; exit 1; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
expect_fail() {  # name, file, content
  rm -rf "$tmp/src"; mkdir -p "$tmp/src/$(dirname "$2")"
  printf '%s\n' "$3" > "$tmp/src/$2"
  if "$script" "$tmp" >/dev/null 2>&1; then echo "FAIL: not detected: $1"; exit 1; fi
  echo "ok: detected $1"
}
expect_fail "crypto including api" crypto/x.cc '#include "api/router.h"'
expect_fail "core including keys" core/y.h '#include "keys/vault.h"'
expect_fail "client including runtime" client/z.cc '#include "runtime/module_registry.h"'
expect_fail "api including client" api/w.cc '#include "client/transport.h"'
expect_fail "wabt outside the engine" modules/other.cc '#include "wabt/interp/interp.h"'
rm -rf "$tmp/src"; mkdir -p "$tmp/src/api"; echo '#include "core/status.h"' > "$tmp/src/api/ok.cc"
"$script" "$tmp" >/dev/null || { echo "FAIL: a downward include was rejected"; exit 1; }
echo "1 passed, 0 failed"
