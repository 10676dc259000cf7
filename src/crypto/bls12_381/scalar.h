// Scalars modulo the group order r (255 bits), as plain little-endian limbs. Only what the
// signature scheme needs: canonical decoding, reduction of 48-byte KeyGen output, encoding.
// Everything here is constant time: these values are secret keys.
#pragma once

#include <array>
#include <cstdint>

namespace cryfttee::bls::internal {

struct Scalar {
  std::array<uint64_t, 4> l{};
};

// Reads 32 big-endian bytes. Returns an all-ones mask iff 0 < value < r (a valid secret key).
uint64_t ScalarFromBytes32(Scalar& out, const uint8_t in[32]);
void ScalarToBytes32(uint8_t out[32], const Scalar& s);
// OS2IP(in) mod r for 48 big-endian bytes (KeyGen's L = 48).
Scalar ScalarFromBytes48Reduce(const uint8_t in[48]);
// All-ones iff s == 0.
uint64_t ScalarIsZeroMask(const Scalar& s);

}  // namespace cryfttee::bls::internal
