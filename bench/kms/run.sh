#!/usr/bin/env bash
# bench/kms: latency of a threshold sign through the node API (POST /v1/staking/bls/sign with the
# KMS group key's handle: own partial + t-1 partials fetched from peers over HTTP, each verified,
# combined, verified) over a plain local sign through the same API socket of the same daemon
# (a vault BLS key), measured in the same run. Prints both and the ratio; never asserts a time.
# --enclave: op1 runs as a daemon + cryfttee-enclave pair (its KMS engine, keys and shares in the
# enclave, issue 15), and the threshold sign through op2 (engine in process) is timed alongside.
#
#   bench/kms/run.sh [--build-dir build] [--operators 5] [--threshold 3] [--signs 50] [--enclave]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build" operators=5 threshold=3 signs=50 enclave=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --operators) operators=$2; shift 2 ;;
    --threshold) threshold=$2; shift 2 ;;
    --signs) signs=$2; shift 2 ;;
    --enclave) enclave=(--enclave op1); shift ;;
    *) echo "usage: $0 [--build-dir DIR] [--operators N] [--threshold T] [--signs K] [--enclave]" >&2; exit 2 ;;
  esac
done
dir=$(mktemp -d /tmp/kms-bench.XXXXXX)
# A long interval: the measurement runs between the DKG and the first reshare.
"$build/bin/cryftteectl" kms devnet --operators "$operators" --threshold "$threshold" \
  --interval 20s --dir "$dir" "${enclave[@]}" > "$dir/devnet.out" 2>&1 &
devnet=$!
trap 'kill -TERM $devnet 2>/dev/null; wait $devnet 2>/dev/null; rm -rf "$dir"' EXIT
python3 "$root/bench/kms/sign_latency.py" "$dir" "$signs" ${enclave:+compare}
