// Optimal ate pairing on BLS12-381: multi-Miller loop with shared squarings, and the final
// exponentiation to 3(p^4 - p^2 + 1)/r (the convention of blst/zkcrypto/noble, i.e. the cube of
// the textbook value). Pairing inputs are public; nothing here is constant time.
#pragma once

#include <cstddef>
#include <utility>

#include "crypto/bls12_381/fp12.h"
#include "crypto/bls12_381/groups.h"

namespace cryfttee::bls::internal {

struct PairingInput {
  G1Affine p;
  G2Affine q;
};

// prod_i f_{u,Q_i}(P_i), conjugated for u < 0. Pairs with an identity point contribute 1.
Fp12 MillerLoop(const PairingInput* pairs, size_t n);
Fp12 FinalExponentiation(const Fp12& f);
Fp12 Pairing(const G1Affine& p, const G2Affine& q);
// True iff prod_i e(P_i, Q_i) == 1.
bool PairingProductIsOne(const PairingInput* pairs, size_t n);

}  // namespace cryfttee::bls::internal
