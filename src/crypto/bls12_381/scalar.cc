#include "crypto/bls12_381/scalar.h"

namespace cryfttee::bls::internal {
namespace {

using u128 = unsigned __int128;

constexpr uint64_t kR[4] = {0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805,
                            0x73eda753299d7d48};
constexpr uint64_t kRInv = 0xfffffffeffffffff;  // -r^-1 mod 2^64
// (2^256)^2 mod r and (2^256)^3 mod r, for entering Montgomery form.
constexpr uint64_t kRR2[4] = {0xc999e990f3f29c6d, 0x2b6cedcb87925c23, 0x05d314967254398f,
                              0x0748d9d99f59ff11};
constexpr uint64_t kRR3[4] = {0xc62c1807439b73af, 0x1b3e0d188cf06990, 0x73d13c71c7b5f418,
                              0x6e2a5bb9c8db33e9};

// Subtracts r unless that borrows.
void ReduceOnceR(uint64_t* v) {
  uint64_t s[4], borrow = 0;
  for (int j = 0; j < 4; ++j) {
    u128 d = u128(v[j]) - kR[j] - borrow;
    s[j] = uint64_t(d);
    borrow = uint64_t(d >> 64) & 1;
  }
  uint64_t keep = 0 - borrow;
  for (int j = 0; j < 4; ++j) v[j] = (v[j] & keep) | (s[j] & ~keep);
}

// Montgomery product mod r with R = 2^256; inputs a < 2^256, b < r; output < r.
void MontMulR(uint64_t* out, const uint64_t* a, const uint64_t* b) {
  uint64_t t[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      u128 acc = u128(a[j]) * b[i] + t[j] + carry;
      t[j] = uint64_t(acc);
      carry = uint64_t(acc >> 64);
    }
    u128 s = u128(t[4]) + carry;
    t[4] = uint64_t(s);
    t[5] = uint64_t(s >> 64);
    uint64_t m = t[0] * kRInv;
    u128 red = u128(m) * kR[0] + t[0];
    carry = uint64_t(red >> 64);
    for (int j = 1; j < 4; ++j) {
      red = u128(m) * kR[j] + t[j] + carry;
      t[j - 1] = uint64_t(red);
      carry = uint64_t(red >> 64);
    }
    s = u128(t[4]) + carry;
    t[3] = uint64_t(s);
    t[4] = t[5] + uint64_t(s >> 64);
  }
  // t < 2r < 2^256 here, so t[4] == 0.
  for (int j = 0; j < 4; ++j) out[j] = t[j];
  ReduceOnceR(out);
}

uint64_t LoadBe64(const uint8_t* p) {
  uint64_t w = 0;
  for (int k = 0; k < 8; ++k) w = (w << 8) | p[k];
  return w;
}

}  // namespace

uint64_t ScalarIsZeroMask(const Scalar& s) {
  uint64_t acc = s.l[0] | s.l[1] | s.l[2] | s.l[3];
  return ((acc | (0 - acc)) >> 63) - 1;
}

uint64_t ScalarFromBytes32(Scalar& out, const uint8_t in[32]) {
  for (int j = 0; j < 4; ++j) out.l[j] = LoadBe64(in + 8 * (3 - j));
  uint64_t borrow = 0;
  for (int j = 0; j < 4; ++j) {
    u128 d = u128(out.l[j]) - kR[j] - borrow;
    borrow = uint64_t(d >> 64) & 1;
  }
  return (0 - borrow) & ~ScalarIsZeroMask(out);
}

void ScalarToBytes32(uint8_t out[32], const Scalar& s) {
  for (int j = 0; j < 4; ++j)
    for (int k = 0; k < 8; ++k) out[8 * (3 - j) + k] = uint8_t(s.l[j] >> (56 - 8 * k));
}

Scalar ScalarFromBytes48Reduce(const uint8_t in[48]) {
  // value = hi * 2^256 + lo with hi < 2^128. In Montgomery form (factor 2^256):
  // hi * 2^256 * 2^256 = MontMul(hi, R^3) and lo * 2^256 = MontMul(lo, R^2); leaving Montgomery
  // form is one more MontMul by 1.
  uint64_t hi[4] = {LoadBe64(in + 8), LoadBe64(in), 0, 0};
  uint64_t lo[4];
  for (int j = 0; j < 4; ++j) lo[j] = LoadBe64(in + 16 + 8 * (3 - j));
  uint64_t a[4], b[4], sum[4];
  MontMulR(a, hi, kRR3);
  MontMulR(b, lo, kRR2);
  uint64_t carry = 0;
  for (int j = 0; j < 4; ++j) {
    u128 s = u128(a[j]) + b[j] + carry;
    sum[j] = uint64_t(s);
    carry = uint64_t(s >> 64);
  }
  ReduceOnceR(sum);  // a + b < 2r < 2^256: no carry out
  const uint64_t one[4] = {1, 0, 0, 0};
  Scalar out;
  MontMulR(out.l.data(), sum, one);
  return out;
}

}  // namespace cryfttee::bls::internal
