// Fp6 = Fp2[v]/(v^3 - xi), xi = 1 + I. Elements c0 + c1 v + c2 v^2.
#pragma once

#include "crypto/bls12_381/fp2.h"

namespace cryfttee::bls::internal {

struct Fp6 {
  Fp2 c0, c1, c2;
};

inline constexpr Fp6 kFp6Zero{};
inline constexpr Fp6 kFp6One{kFp2One, Fp2{}, Fp2{}};

constexpr Fp6 operator+(const Fp6& a, const Fp6& b) {
  return {a.c0 + b.c0, a.c1 + b.c1, a.c2 + b.c2};
}
constexpr Fp6 operator-(const Fp6& a, const Fp6& b) {
  return {a.c0 - b.c0, a.c1 - b.c1, a.c2 - b.c2};
}
constexpr Fp6 operator-(const Fp6& a) { return {-a.c0, -a.c1, -a.c2}; }
// Multiplication by v (the Fp12 non-residue): (c0, c1, c2) -> (xi c2, c0, c1).
constexpr Fp6 Fp6MulByV(const Fp6& a) { return {Fp2MulByXi(a.c2), a.c0, a.c1}; }

Fp6 operator*(const Fp6& a, const Fp6& b);
Fp6 Fp6Sqr(const Fp6& a);
// a * (b0 + b1 v): the shape of line-function coefficients.
Fp6 Fp6MulBy01(const Fp6& a, const Fp2& b0, const Fp2& b1);
// a * (b1 v).
Fp6 Fp6MulBy1(const Fp6& a, const Fp2& b1);
Fp6 Fp6MulFp2(const Fp6& a, const Fp2& b);
Fp6 Fp6Inv(const Fp6& a);
// a^p.
Fp6 Fp6Frobenius(const Fp6& a);

constexpr uint64_t Fp6EqMask(const Fp6& a, const Fp6& b) {
  return Fp2EqMask(a.c0, b.c0) & Fp2EqMask(a.c1, b.c1) & Fp2EqMask(a.c2, b.c2);
}

}  // namespace cryfttee::bls::internal
