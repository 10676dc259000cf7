#!/usr/bin/env bash
# Installs the Debian packages cryfttee needs. Idempotent: silent when nothing is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev nlohmann-json3-dev libssl-dev libsecp256k1-dev libicu-dev
  wabt libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  clang-14 lld-14 libclang-rt-14-dev wasi-libc
  libgtest-dev libgmock-dev libbenchmark-dev valgrind
  prometheus-cpp-dev libsystemd-dev golang-go
  systemd dpkg-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  python3-grpcio python3-grpc-tools python3-protobuf
  nodejs chromium clang-format ccache
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node from any source is fine as long as node and npm exist.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}")
fi
filtered=()
for p in "${missing[@]}"; do [ -n "$p" ] && filtered+=("$p"); done
[ ${#filtered[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${filtered[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
