// Helpers shared by the bls_core unit tests.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "core/bytes.h"
#include "crypto/bls12_381/fp2.h"

namespace cryfttee::bls::internal::testing {

inline Fp RandomFp(std::mt19937_64& rng) {
  uint8_t b[64];
  for (auto& x : b) x = uint8_t(rng());
  return FpFromBytes64Reduce(b);
}
inline Fp2 RandomFp2(std::mt19937_64& rng) { return {RandomFp(rng), RandomFp(rng)}; }

inline std::string FpHex(const Fp& a) {
  uint8_t b[48];
  FpToBytes(b, a);
  return HexEncode(ByteSpan(b, 48));
}

// Hex (no 0x, up to 96 digits) to Fp; padded on the left.
inline Fp FpFromHexString(std::string h) {
  if (h.rfind("0x", 0) == 0) h = h.substr(2);
  h = std::string(96 - h.size(), '0') + h;
  auto bytes = HexDecode(h);
  Fp out;
  FpFromBytes(out, bytes->data());
  return out;
}

}  // namespace cryfttee::bls::internal::testing
