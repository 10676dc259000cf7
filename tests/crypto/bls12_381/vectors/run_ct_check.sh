#!/usr/bin/env bash
# Runs tests/crypto/bls12_381/vectors/ct_check under valgrind memcheck and judges the result.
#   run_ct_check.sh CT_CHECK_BINARY MODE
# MODE library|library-fast: passes (exit 0) only if memcheck reports no error at all; 77 means
# skipped (library-fast on a CPU without ADX/BMI2, or the kernel not compiled in).
# MODE leak-branch|leak-index (negative controls, registered with WILL_FAIL): exits 1 only when
# memcheck caught the planted leak in the expected function with the expected message, so a
# harness that cannot see leaks makes the control "pass" (exit 0) and WILL_FAIL reports it.
set -u
bin=$1
mode=$2
if ! command -v valgrind >/dev/null; then
  echo "run_ct_check: valgrind is not installed (scripts/install-deps.sh installs it)"
  [[ $mode == leak-* ]] && exit 0 || exit 1
fi
if [[ $mode == library-fast ]] && ! { grep -qw adx /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; }; then
  echo "run_ct_check: SKIPPED: this CPU has no ADX/BMI2, the MULX kernel cannot run here"
  exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes --leak-check=no \
  --num-callers=30 "$bin" "$mode" >"$log" 2>&1
rc=$?
cat "$log"

case $mode in
  library | library-fast)
    [[ $rc -eq 77 ]] && exit 77
    if [[ $rc -eq 0 ]] && grep -q "library run complete" "$log" &&
      ! grep -Eq "uninitialised value|Conditional jump or move" "$log"; then
      echo "run_ct_check: no secret-dependent branch or index found"
      exit 0
    fi
    echo "run_ct_check: FAILED (valgrind exit $rc). Secret-dependent branches/indices:" >&2
    grep -E -A6 "uninitialised value|Conditional jump or move" "$log" | grep -E "Conditional|uninit|at 0x|by 0x" >&2
    exit 1
    ;;
  leak-branch) want="Conditional jump or move depends on uninitialised value"; fn=LeakyFind ;;
  leak-index) want="Use of uninitialised value of size"; fn=LeakyLookup ;;
  *)
    echo "run_ct_check: unknown mode $mode"
    exit 0
    ;;
esac
# The stack of each report runs until memcheck's blank "==pid== " line; look for fn in it.
if [[ $rc -eq 1 ]] && awk -v want="$want" -v fn="$fn" '
    index($0, want) { inblock = 1; next }
    inblock && /^==[0-9]+== *$/ { inblock = 0 }
    inblock && index($0, fn) { found = 1 }
    END { exit !found }' "$log"; then
  echo "run_ct_check: negative control detected as expected ($want in $fn)"
  exit 1
fi
echo "run_ct_check: HARNESS BROKEN: the planted leak in $fn was not reported (valgrind exit $rc)"
exit 0
