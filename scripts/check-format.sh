#!/usr/bin/env bash
# Fails when a tracked C/C++ source file is not clang-formatted (.clang-format at the root).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cc' '*.h' '*.c' | grep -v '^modules/.*/generated/' || true)
[ -z "$files" ] && exit 0
if ! echo "$files" | xargs clang-format --dry-run --Werror 2>/tmp/cryfttee-format.log; then
  grep -E '^[^ ].*: (error|warning)' /tmp/cryfttee-format.log | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  echo "run 'make format'"
  exit 1
fi
echo "format: ok"
