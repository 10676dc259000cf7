#include "crypto/bls12_381/fp2.h"

#if defined(CRYFTTEE_BLS_X86_KERNEL)
extern "C" void cryfttee_bls_mul_384x384(uint64_t* out, const uint64_t* a, const uint64_t* b);
extern "C" void cryfttee_bls_redc_768(uint64_t* out, const uint64_t* t);
#endif

namespace cryfttee::bls::internal {

#if defined(CRYFTTEE_BLS_X86_KERNEL)
Fp2 Fp2MulLazy(const Fp2& a, const Fp2& b) {
  uint64_t t0[12], t1[12], t2[12], sa[6], sb[6];
  uint64_t c = 0, d = 0;
  for (int j = 0; j < 6; ++j) {  // unreduced sums, below 2p < 2^383
    sa[j] = AddCarry(a.c0.l[j], a.c1.l[j], c, c);
    sb[j] = AddCarry(b.c0.l[j], b.c1.l[j], d, d);
  }
  cryfttee_bls_mul_384x384(t0, a.c0.l.data(), b.c0.l.data());
  cryfttee_bls_mul_384x384(t1, a.c1.l.data(), b.c1.l.data());
  cryfttee_bls_mul_384x384(t2, sa, sb);
  // c1 = t2 - t0 - t1 = a0 b1 + a1 b0, in [0, 2p^2).
  c = d = 0;
  for (int j = 0; j < 12; ++j) {
    t2[j] = SubBorrow(t2[j], t0[j], c, c);
    t2[j] = SubBorrow(t2[j], t1[j], d, d);
  }
  // c0 = t0 - t1, plus p * 2^384 when negative: then in [0, p * 2^384) as REDC requires.
  c = 0;
  for (int j = 0; j < 12; ++j) t0[j] = SubBorrow(t0[j], t1[j], c, c);
  uint64_t mask = 0 - c;
  d = 0;
  for (int j = 0; j < 6; ++j) t0[6 + j] = AddCarry(t0[6 + j], kPLimbs[j] & mask, d, d);
  Fp2 r;
  cryfttee_bls_redc_768(r.c0.l.data(), t0);
  cryfttee_bls_redc_768(r.c1.l.data(), t2);
  return r;
}
#endif

Fp2 Fp2Inv(const Fp2& a) {
  Fp n = FpInv(FpSqr(a.c0) + FpSqr(a.c1));
  return {a.c0 * n, -(a.c1 * n)};
}

uint64_t Fp2IsSquareMask(const Fp2& a) { return FpIsSquareMask(FpSqr(a.c0) + FpSqr(a.c1)); }

bool Fp2SqrtWithNormRootVartime(Fp2& out, const Fp2& a, const Fp& s) {
  // Norm method (p = 3 mod 4). With A = (c0 + s)/2 and c1 != 0, exactly one of A and
  // (c0 - s)/2 is a square, their product being -c1^2/4. w = A^((p-3)/4) gives t = A w with
  // t^2 = A (then 1/t = w) or t^2 = -A (then 1/t = -w). The root is t + c1/(2t) I in the first
  // case and c1/(2t) + t I in the second.
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
  Fp A = FpHalve(a.c0 + s);
  Fp w = FpPowPMinus3Div4(A);
  Fp t = A * w;
  Fp half_c1_w = FpHalve(a.c1) * w;
  Fp2 cand = (FpSqr(t) == A) ? Fp2{t, half_c1_w} : Fp2{-half_c1_w, t};
  if (!(Fp2Sqr(cand) == a)) return false;
  out = cand;
  return true;
}

bool Fp2SqrtVartime(Fp2& out, const Fp2& a) {
  Fp s;
  if (!FpSqrt(s, FpSqr(a.c0) + FpSqr(a.c1))) return false;
  return Fp2SqrtWithNormRootVartime(out, a, s);
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
