#include "crypto/bls12_381/fp.h"

namespace cryfttee::bls::internal {
namespace {

// p - 2, (p + 1) / 4 and (p - 1) / 2 as little-endian limbs (public exponents).
constexpr uint64_t kPMinus2[6] = {0xb9feffffffffaaa9, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
                                  0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a};
constexpr uint64_t kPPlus1Div4[6] = {0xee7fbfffffffeaab, 0x07aaffffac54ffff, 0xd9cc34a83dac3d89,
                                     0xd91dd2e13ce144af, 0x92c6e9ed90d2eb35, 0x0680447a8e5ff9a6};
constexpr uint64_t kPMinus1Div2[6] = {0xdcff7fffffffd555, 0x0f55ffff58a9ffff, 0xb39869507b587b12,
                                      0xb23ba5c279c2895f, 0x258dd3db21a5d66b, 0x0d0088f51cbff34d};

constexpr uint64_t kPMinus3Div4[6] = {0xee7fbfffffffeaaa, 0x07aaffffac54ffff, 0xd9cc34a83dac3d89,
                                      0xd91dd2e13ce144af, 0x92c6e9ed90d2eb35, 0x0680447a8e5ff9a6};

}  // namespace

Fp FpPowPMinus3Div4(const Fp& a) { return FpPowVartimeExp(a, kPMinus3Div4, 6); }

Fp FpPowVartimeExp(const Fp& a, const uint64_t* e, size_t n) {
  // Table a^0..a^15, then 4-bit windows from the top. The exponent is public, the base may be
  // secret: every table entry is read directly by the public window value.
  Fp table[16];
  table[0] = kFpOne;
  for (int i = 1; i < 16; ++i) table[i] = table[i - 1] * a;
  Fp acc = kFpOne;
  bool started = false;
  for (size_t w = n * 16; w-- > 0;) {
    unsigned nib = unsigned(e[w / 16] >> ((w % 16) * 4)) & 15;
    if (started) {
      acc = FpSqr(acc);
      acc = FpSqr(acc);
      acc = FpSqr(acc);
      acc = FpSqr(acc);
    }
    if (nib != 0) {
      acc = started ? acc * table[nib] : table[nib];
      started = true;
    }
  }
  return acc;
}

Fp FpInv(const Fp& a) { return FpPowVartimeExp(a, kPMinus2, 6); }

uint64_t FpSqrt(Fp& out, const Fp& a) {
  out = FpPowVartimeExp(a, kPPlus1Div4, 6);
  return FpEqMask(FpSqr(out), a);
}

uint64_t FpIsSquareMask(const Fp& a) {
  Fp l = FpPowVartimeExp(a, kPMinus1Div2, 6);  // 1, p-1 or 0
  return FpEqMask(l, kFpOne) | FpIsZeroMask(a);
}

bool FpFromBytes(Fp& out, const uint8_t* in) {
  Limbs6 v{};
  for (int j = 0; j < 6; ++j) {
    uint64_t w = 0;
    for (int k = 0; k < 8; ++k) w = (w << 8) | in[(5 - j) * 8 + k];
    v[j] = w;
  }
  // Canonical iff v - p borrows.
  uint64_t borrow = 0;
  for (int j = 0; j < 6; ++j) {
    u128 d = u128(v[j]) - kPLimbs[j] - borrow;
    borrow = uint64_t(d >> 64) & 1;
  }
  out = FpFromCanonical(v);
  return borrow != 0;
}

void FpToBytes(uint8_t* out, const Fp& a) {
  Limbs6 v = FpToCanonical(a);
  for (int j = 0; j < 6; ++j)
    for (int k = 0; k < 8; ++k) out[(5 - j) * 8 + k] = uint8_t(v[j] >> (56 - 8 * k));
}

Fp FpFromBytes64Reduce(const uint8_t* in) {
  Limbs6 hi{}, lo{};
  for (int j = 0; j < 4; ++j) {
    uint64_t h = 0, l = 0;
    for (int k = 0; k < 8; ++k) {
      h = (h << 8) | in[(3 - j) * 8 + k];
      l = (l << 8) | in[32 + (3 - j) * 8 + k];
    }
    hi[j] = h;
    lo[j] = l;
  }
  Fp a, b;
  MontMulPortable(a.l.data(), hi.data(), k2Pow256R2Limbs.data());
  MontMulPortable(b.l.data(), lo.data(), kR2Limbs.data());
  return a + b;
}

uint64_t FpLexLargestMask(const Fp& a) {
  // (p-1)/2 < v  <=>  (p-1)/2 - v borrows.
  Limbs6 v = FpToCanonical(a);
  uint64_t borrow = 0;
  for (int j = 0; j < 6; ++j) {
    u128 d = u128(kPMinus1Div2[j]) - v[j] - borrow;
    borrow = uint64_t(d >> 64) & 1;
  }
  return 0 - borrow;
}

uint64_t FpSgn0(const Fp& a) { return FpToCanonical(a)[0] & 1; }

}  // namespace cryfttee::bls::internal
