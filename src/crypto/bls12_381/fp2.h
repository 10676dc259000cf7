// Fp2 = Fp[I]/(I^2 + 1). Elements c0 + c1*I. Constant time like fp.h unless named *Vartime.
#pragma once

#include "crypto/bls12_381/fp.h"

namespace cryfttee::bls::internal {

struct Fp2 {
  Fp c0, c1;
};

inline constexpr Fp2 kFp2Zero{};
inline constexpr Fp2 kFp2One{kFpOne, Fp{}};

constexpr Fp2 operator+(const Fp2& a, const Fp2& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
constexpr Fp2 operator-(const Fp2& a, const Fp2& b) { return {a.c0 - b.c0, a.c1 - b.c1}; }
constexpr Fp2 operator-(const Fp2& a) { return {-a.c0, -a.c1}; }
constexpr Fp2 Fp2Dbl(const Fp2& a) { return a + a; }
constexpr Fp2 Fp2Conj(const Fp2& a) { return {a.c0, -a.c1}; }
// Multiplication by the Fp6 non-residue xi = 1 + I.
constexpr Fp2 Fp2MulByXi(const Fp2& a) { return {a.c0 - a.c1, a.c0 + a.c1}; }
inline Fp2 Fp2MulFp(const Fp2& a, const Fp& b) { return {a.c0 * b, a.c1 * b}; }

#if defined(CRYFTTEE_BLS_X86_KERNEL)
// Karatsuba with lazy reduction: three 768-bit products, two Montgomery reductions.
Fp2 Fp2MulLazy(const Fp2& a, const Fp2& b);
#endif

// Karatsuba: three base-field products.
inline Fp2 operator*(const Fp2& a, const Fp2& b) {
#if defined(CRYFTTEE_BLS_X86_KERNEL)
  if (g_fp_use_mulx) return Fp2MulLazy(a, b);
#endif
  Fp v0 = a.c0 * b.c0;
  Fp v1 = a.c1 * b.c1;
  Fp s = (a.c0 + a.c1) * (b.c0 + b.c1);
  return {v0 - v1, s - v0 - v1};
}
// (c0 + c1 I)^2 = (c0 + c1)(c0 - c1) + 2 c0 c1 I: two products.
inline Fp2 Fp2Sqr(const Fp2& a) {
  Fp t = a.c0 * a.c1;
  return {(a.c0 + a.c1) * (a.c0 - a.c1), t + t};
}

constexpr uint64_t Fp2IsZeroMask(const Fp2& a) { return FpIsZeroMask(a.c0) & FpIsZeroMask(a.c1); }
constexpr uint64_t Fp2EqMask(const Fp2& a, const Fp2& b) {
  return FpEqMask(a.c0, b.c0) & FpEqMask(a.c1, b.c1);
}
constexpr bool Fp2IsZero(const Fp2& a) { return Fp2IsZeroMask(a) != 0; }
constexpr bool operator==(const Fp2& a, const Fp2& b) { return Fp2EqMask(a, b) != 0; }
constexpr void Fp2Cmov(Fp2& out, const Fp2& a, uint64_t mask) {
  FpCmov(out.c0, a.c0, mask);
  FpCmov(out.c1, a.c1, mask);
}

// 1/a via the norm: (c0 - c1 I) / (c0^2 + c1^2). Constant time; 1/0 = 0.
Fp2 Fp2Inv(const Fp2& a);
// Mask: a is a square in Fp2 (0 included). Uses the norm (RFC 9380 App. I.5).
uint64_t Fp2IsSquareMask(const Fp2& a);
// Square root of a public value; false if a is not a square. Variable time.
bool Fp2SqrtVartime(Fp2& out, const Fp2& a);
// The same when a square root s of the norm c0^2 + c1^2 is already known (one exponentiation
// instead of two). False if a is not a square.
bool Fp2SqrtWithNormRootVartime(Fp2& out, const Fp2& a, const Fp& s);
// sgn0 (RFC 9380 §4.1): parity of c0, or of c1 when c0 == 0.
uint64_t Fp2Sgn0(const Fp2& a);
// ZCash sign flag: c1 > (p-1)/2 if c1 != 0, else c0 > (p-1)/2.
uint64_t Fp2LexLargestMask(const Fp2& a);

}  // namespace cryfttee::bls::internal
