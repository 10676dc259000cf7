// Fr arithmetic: portable CIOS Montgomery multiplication. Not on a hot path of signing (only
// share combination and polynomial evaluation use it), so no assembly kernel.
#include "crypto/bls12_381/fr.h"

#include "core/bytes.h"

namespace cryfttee::bls::internal {
namespace {

using u128 = unsigned __int128;
using L4 = std::array<uint64_t, 4>;

constexpr L4 kR = {0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805, 0x73eda753299d7d48};
constexpr L4 kR2 = {0xc999e990f3f29c6d, 0x2b6cedcb87925c23, 0x05d314967254398f,
                    0x0748d9d99f59ff11};        // 2^512 mod r
constexpr uint64_t kRInv = 0xfffffffeffffffff;  // -r^-1 mod 2^64

// out = v - r if v >= r (v < 2r, with an extra carry word `hi`), in constant time.
L4 CondSubR(const L4& v, uint64_t hi) {
  L4 d;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = u128(v[i]) - kR[i] - borrow;
    d[i] = uint64_t(t);
    borrow = uint64_t(t >> 64) & 1;
  }
  // Keep v when the subtraction borrowed past the carry word.
  uint64_t keep = 0 - uint64_t(borrow > hi);
  L4 out;
  for (int i = 0; i < 4; ++i) out[i] = (v[i] & keep) | (d[i] & ~keep);
  return out;
}

L4 MontMul(const L4& a, const L4& b) {
  uint64_t t[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    uint64_t c = 0;
    for (int j = 0; j < 4; ++j) {
      u128 s = u128(a[j]) * b[i] + t[j] + c;
      t[j] = uint64_t(s);
      c = uint64_t(s >> 64);
    }
    u128 s = u128(t[4]) + c;
    t[4] = uint64_t(s);
    t[5] = uint64_t(s >> 64);
    uint64_t m = t[0] * kRInv;
    s = u128(m) * kR[0] + t[0];
    c = uint64_t(s >> 64);
    for (int j = 1; j < 4; ++j) {
      s = u128(m) * kR[j] + t[j] + c;
      t[j - 1] = uint64_t(s);
      c = uint64_t(s >> 64);
    }
    s = u128(t[4]) + c;
    t[3] = uint64_t(s);
    t[4] = t[5] + uint64_t(s >> 64);
  }
  return CondSubR(L4{t[0], t[1], t[2], t[3]}, t[4]);
}

}  // namespace

Fr FrAdd(const Fr& a, const Fr& b) {
  L4 s;
  uint64_t c = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = u128(a.l[i]) + b.l[i] + c;
    s[i] = uint64_t(t);
    c = uint64_t(t >> 64);
  }
  return Fr{CondSubR(s, c)};
}

Fr FrSub(const Fr& a, const Fr& b) {
  L4 d;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = u128(a.l[i]) - b.l[i] - borrow;
    d[i] = uint64_t(t);
    borrow = uint64_t(t >> 64) & 1;
  }
  uint64_t mask = 0 - borrow;  // add r back when a < b
  uint64_t c = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = u128(d[i]) + (kR[i] & mask) + c;
    d[i] = uint64_t(t);
    c = uint64_t(t >> 64);
  }
  return Fr{d};
}

Fr FrNeg(const Fr& a) { return FrSub(Fr{}, a); }
Fr FrMul(const Fr& a, const Fr& b) { return Fr{MontMul(a.l, b.l)}; }

Fr FrInv(const Fr& a) {
  // Exponent r - 2, scanned bit by bit: the exponent is public, so the sequence of squarings
  // and multiplications is the same for every a.
  L4 e = kR;
  e[0] -= 2;
  Fr acc = FrOne();
  for (int i = 255; i >= 0; --i) {
    acc = FrMul(acc, acc);
    if ((e[i / 64] >> (i % 64)) & 1) acc = FrMul(acc, a);
  }
  return acc;
}

Fr FrFromU64(uint64_t v) { return Fr{MontMul(L4{v, 0, 0, 0}, kR2)}; }
Fr FrOne() { return FrFromU64(1); }

Fr FrFromScalar(const Scalar& s) { return Fr{MontMul(s.l, kR2)}; }
Scalar FrToScalar(const Fr& a) { return Scalar{MontMul(a.l, L4{1, 0, 0, 0})}; }

uint64_t FrIsZeroMask(const Fr& a) {
  uint64_t x = a.l[0] | a.l[1] | a.l[2] | a.l[3];
  return 0 - (((x | (0 - x)) >> 63) ^ 1);
}

uint64_t FrEqMask(const Fr& a, const Fr& b) {
  return FrIsZeroMask(Fr{{a.l[0] ^ b.l[0], a.l[1] ^ b.l[1], a.l[2] ^ b.l[2], a.l[3] ^ b.l[3]}});
}

uint64_t FrFromBytes32(Fr& out, const uint8_t in[32]) {
  L4 v{};
  for (int i = 0; i < 32; ++i) v[3 - i / 8] = (v[3 - i / 8] << 8) | in[i];
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 t = u128(v[i]) - kR[i] - borrow;
    borrow = uint64_t(t >> 64) & 1;
  }
  uint64_t ok = 0 - borrow;  // v < r
  for (int i = 0; i < 4; ++i) v[i] &= ok;
  out = Fr{MontMul(v, kR2)};
  return ok;
}

void FrToBytes32(uint8_t out[32], const Fr& a) {
  L4 v = MontMul(a.l, L4{1, 0, 0, 0});
  for (int i = 0; i < 32; ++i) out[i] = uint8_t(v[3 - i / 8] >> (8 * (7 - i % 8)));
  SecureWipe(v.data(), sizeof(v));  // a plain `v = {}` before return is a dead store
}

Fr FrFromBytes64Reduce(const uint8_t in[64]) {
  // in = hi * 2^256 + lo. In Montgomery form lo becomes lo*R = MontMul(lo, R2), and
  // hi * 2^256 becomes hi*R*R = MontMul(MontMul(hi, R2), R2).
  L4 lo{}, hi{};
  for (int i = 0; i < 32; ++i) hi[3 - i / 8] = (hi[3 - i / 8] << 8) | in[i];
  for (int i = 0; i < 32; ++i) lo[3 - i / 8] = (lo[3 - i / 8] << 8) | in[32 + i];
  // Reduce each half below r first (2^256 < 3r: two conditional subtractions suffice).
  lo = CondSubR(lo, 0);
  lo = CondSubR(lo, 0);
  hi = CondSubR(hi, 0);
  hi = CondSubR(hi, 0);
  Fr l{MontMul(lo, kR2)};
  Fr h{MontMul(MontMul(hi, kR2), kR2)};
  Fr out = FrAdd(l, h);
  SecureWipe(lo.data(), sizeof(lo));
  SecureWipe(hi.data(), sizeof(hi));
  SecureWipe(&l, sizeof(l));
  SecureWipe(&h, sizeof(h));
  return out;
}

}  // namespace cryfttee::bls::internal
