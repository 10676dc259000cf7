// Fp12 = Fp6[w]/(w^2 - v). Elements c0 + c1 w. The pairing's target group GT lives here.
#pragma once

#include "crypto/bls12_381/fp6.h"

namespace cryfttee::bls::internal {

struct Fp12 {
  Fp6 c0, c1;
};

inline constexpr Fp12 kFp12One{kFp6One, Fp6{}};

inline Fp12 operator+(const Fp12& a, const Fp12& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
Fp12 operator*(const Fp12& a, const Fp12& b);
Fp12 Fp12Sqr(const Fp12& a);
// Conjugation a^(p^6): equals the inverse on the cyclotomic subgroup.
inline Fp12 Fp12Conj(const Fp12& a) { return {a.c0, -a.c1}; }
Fp12 Fp12Inv(const Fp12& a);
// a^p.
Fp12 Fp12Frobenius(const Fp12& a);
// a * (b0 + b1 v + b4 v w): the sparse shape of our line functions (M-type twist).
Fp12 Fp12MulBy014(const Fp12& a, const Fp2& b0, const Fp2& b1, const Fp2& b4);
// Granger-Scott squaring, valid only on the cyclotomic subgroup (after the easy part).
Fp12 Fp12CyclotomicSqr(const Fp12& a);
inline bool operator==(const Fp12& a, const Fp12& b) {
  return (Fp6EqMask(a.c0, b.c0) & Fp6EqMask(a.c1, b.c1)) != 0;
}

}  // namespace cryfttee::bls::internal
