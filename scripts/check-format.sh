#!/usr/bin/env bash
# Fails when a tracked C/C++ source file is not clang-formatted (.clang-format at the root), or a
# tracked Go file (clients/go) is not gofmt-ed (checked when gofmt is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
gofiles=$(git ls-files '*.go')
if [ -n "$gofiles" ] && command -v gofmt >/dev/null; then
  unformatted=$(echo "$gofiles" | xargs gofmt -l)
  if [ -n "$unformatted" ]; then
    echo "$unformatted" | sed 's/^/not gofmt-ed: /'
    echo "run 'gofmt -w clients/go'"
    exit 1
  fi
fi
files=$(git ls-files '*.cc' '*.h' '*.c' | grep -v '^modules/.*/generated/' || true)
[ -z "$files" ] && exit 0
if ! echo "$files" | xargs clang-format --dry-run --Werror 2>/tmp/cryfttee-format.log; then
  grep -E '^[^ ].*: (error|warning)' /tmp/cryfttee-format.log | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  echo "run 'make format'"
  exit 1
fi
echo "format: ok"
