#!/usr/bin/env bash
# Fails when a source file includes a header from a layer above its own (docs/architecture.md),
# when the client library reaches into the daemon, or when wabt headers leak out of the one
# engine translation unit.
# Usage: check-layers.sh [ROOT]   (ROOT defaults to the repository; tests point it elsewhere)
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

rank() {
  case "$1" in
    # docs/architecture.md lists these. crypto/threshold is inside crypto (rank 1).
    core) echo 0 ;; crypto) echo 1 ;; net) echo 2 ;; ops) echo 2 ;; client) echo 2 ;;
    keys) echo 3 ;; tee) echo 4 ;; modules) echo 5 ;; runtime) echo 6 ;;
    api) echo 7 ;; rpcsigner) echo 7 ;; kms) echo 7 ;; apps) echo 9 ;; *) echo -1 ;;
  esac
}

status=0
while IFS= read -r file; do
  layer=$(echo "$file" | cut -d/ -f2)
  own=$(rank "$layer")
  while IFS= read -r inc; do
    target=$(echo "$inc" | cut -d/ -f1)
    theirs=$(rank "$target")
    [ "$theirs" -lt 0 ] && continue
    if [ "$layer" = client ] && [ "$target" != core ] && [ "$target" != crypto ] && [ "$target" != client ]; then
      echo "layering: $file includes \"$inc\" (client may include only core/ and crypto/)"; status=1
    elif [ "$target" = client ] && [ "$layer" != client ] && [ "$layer" != apps ]; then
      echo "layering: $file includes \"$inc\" (only apps/ may use the client library)"; status=1
    elif [ "$theirs" -gt "$own" ]; then
      echo "layering: $file ($layer) includes \"$inc\" from a higher layer ($target)"; status=1
    fi
  done < <(grep -hoE '^#include "[a-z0-9_]+/[^"]+"' "$file" | sed -E 's/#include "([^"]+)"/\1/')
done < <(find src -name '*.h' -o -name '*.cc' | sort)

wabt_users=$(grep -rlE '#include "wabt/' src || true)
for f in $wabt_users; do
  if [ "$f" != src/modules/wabt_engine.cc ]; then
    echo "layering: $f includes wabt headers (only src/modules/wabt_engine.cc may)"; status=1
  fi
done
[ $status -eq 0 ] && echo "layering: ok"
exit $status
