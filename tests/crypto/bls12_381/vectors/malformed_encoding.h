// Turns a valid compressed G1/G2 encoding into one of the encodings a ZCash-format decoder must
// treat specially: wrong lengths, bad flag combinations, non-canonical coordinates, random x
// (off the curve or outside the subgroup), infinity variants, a flipped sign bit. The decoder's
// verdict is not predicted here: the differential test compares ours against blst and noble.
#pragma once

#include <string>

#include "core/bytes.h"
#include "seeded_rng.h"

namespace cryfttee::bls::testing {

struct Malformed {
  std::string kind;
  Bytes bytes;
};

inline constexpr int kMalformKinds = 14;

// `valid` is a compressed encoding: 48 bytes (G1) or 96 bytes (G2). `kind` selects the
// mutation (0..kMalformKinds-1); the rng fills random parts.
Malformed Malform(const Bytes& valid, int kind, SeededRng& rng);

// The BLS12-381 base-field modulus p, 48 bytes big-endian.
const Bytes& FieldModulus();

}  // namespace cryfttee::bls::testing
