#include "crypto/bls12_381/fp2.h"

namespace cryfttee::bls::internal {

Fp2 Fp2Inv(const Fp2& a) {
  Fp n = FpInv(FpSqr(a.c0) + FpSqr(a.c1));
  return {a.c0 * n, -(a.c1 * n)};
}

uint64_t Fp2IsSquareMask(const Fp2& a) { return FpIsSquareMask(FpSqr(a.c0) + FpSqr(a.c1)); }

bool Fp2SqrtVartime(Fp2& out, const Fp2& a) {
  // Norm method (p = 3 mod 4): with s = sqrt(c0^2 + c1^2) and A = (c0 + s)/2, exactly one of A and
  // (c0 - s)/2 is a square when c1 != 0, and their product is -c1^2/4. t = A^((p+1)/4) then gives
  // either sqrt(A) (root t + c1/(2t) I) or sqrt(-A), in which case the root is c1/(2t) + t I.
  if (FpIsZero(a.c1)) {
    Fp t;
    if (FpSqrt(t, a.c0)) {
      out = {t, Fp{}};
      return true;
    }
    if (FpSqrt(t, -a.c0)) {
      out = {Fp{}, t};
      return true;
    }
    return false;
  }
  Fp s;
  if (!FpSqrt(s, FpSqr(a.c0) + FpSqr(a.c1))) return false;
  Fp A = FpHalve(a.c0 + s);
  Fp t;
  uint64_t is_sq = FpSqrt(t, A);
  if (FpIsZero(t)) return false;  // cannot happen for c1 != 0; defensive
  Fp other = a.c1 * FpInv(FpDbl(t));
  Fp2 cand = is_sq ? Fp2{t, other} : Fp2{other, t};
  if (!(Fp2Sqr(cand) == a)) return false;
  out = cand;
  return true;
}

uint64_t Fp2Sgn0(const Fp2& a) {
  uint64_t s0 = FpSgn0(a.c0);
  uint64_t z0 = FpIsZeroMask(a.c0) & 1;
  uint64_t s1 = FpSgn0(a.c1);
  return s0 | (z0 & s1);
}

uint64_t Fp2LexLargestMask(const Fp2& a) {
  uint64_t c1_zero = FpIsZeroMask(a.c1);
  return (FpLexLargestMask(a.c1) & ~c1_zero) | (FpLexLargestMask(a.c0) & c1_zero);
}

}  // namespace cryfttee::bls::internal
