// Multiplication by secret scalars (secret keys): fixed windows, complete formulas, masked table
// reads. G2 uses the 4-dimensional GLS decomposition with psi.
#pragma once

#include "crypto/bls12_381/groups.h"
#include "crypto/bls12_381/scalar.h"

namespace cryfttee::bls::internal {

// Splits k < r into four digits below 2^64 with k = k0 + k1 x + k2 x^2 + k3 x^3, x = |u|.
// Constant time (bitwise long division by the public x).
void DecomposeBaseAbsU(const Scalar& k, uint64_t digits[4]);

// [k]P for P in G2 (any point of order r, or the identity) and secret k < r.
G2 G2MulSecret(const G2& p, const Scalar& k);
// [k]P for P in G1 and secret k < r.
G1 G1MulSecret(const G1& p, const Scalar& k);

}  // namespace cryfttee::bls::internal
