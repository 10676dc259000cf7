// Internal hash-to-curve entry points, exposed so tests can check them against the RFC 9380
// vectors. Not part of the stable API (bls.h is).
//
//   cryfttee::bls::internal::ExpandMessageXmd(msg, dst, len_in_bytes)  RFC 9380 §5.3.1, SHA-256
//   cryfttee::bls::internal::HashToFieldFp2(msg, dst)                   u0.c0, u0.c1, u1.c0, u1.c1
//   cryfttee::bls::internal::HashToG2(msg, dst) BLS12381G2_XMD:SHA-256_SSWU_RO_
//
// All byte strings are big-endian, 48 bytes per Fp element.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::bls::internal {

using FpBytes = std::array<uint8_t, 48>;

// Fails with "invalid_argument" when len_in_bytes is 0 or above 255 * 32 (the RFC's ell <= 255)
// or the DST is empty. DSTs longer than 255 bytes are pre-hashed as §5.3.3 prescribes.
Result<Bytes> ExpandMessageXmd(ByteSpan msg, ByteSpan dst, size_t len_in_bytes);

// hash_to_field(msg, 2) for Fp2 (§5.2): the two field elements u0, u1 as four Fp values.
Result<std::array<FpBytes, 4>> HashToFieldFp2(ByteSpan msg, ByteSpan dst);

// An affine G2 point. For the identity, infinity is true and the coordinates are zero.
struct G2AffineBytes {
  FpBytes x_c0{}, x_c1{}, y_c0{}, y_c1{};
  bool infinity = false;
};

// hash_to_curve (random oracle) onto G2: SSWU on the 3-isogenous curve, iso_map, clear_cofactor.
// Fails only when the DST is empty ("invalid_argument").
Result<G2AffineBytes> HashToG2(ByteSpan msg, ByteSpan dst);

}  // namespace cryfttee::bls::internal
