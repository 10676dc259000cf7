#include "crypto/bls12_381/scalar_mul.h"

#include "core/bytes.h"
#include "crypto/bls12_381/projective.h"

namespace cryfttee::bls::internal {
namespace {

using u128 = unsigned __int128;

// n = q * d + rem by restoring division, one bit per step, masks instead of branches.
uint64_t DivRemCt(uint64_t q[4], const uint64_t n[4], uint64_t d) {
  u128 rem = 0;
  for (int j = 0; j < 4; ++j) q[j] = 0;
  for (int i = 255; i >= 0; --i) {
    rem = (rem << 1) | ((n[i / 64] >> (i % 64)) & 1);  // rem < 2d < 2^65
    u128 diff = rem - d;
    uint64_t ge = 1 ^ uint64_t(diff >> 127);  // no borrow: rem >= d
    u128 mask = u128(0) - ge;
    rem = (diff & mask) | (rem & ~mask);
    q[i / 64] |= ge << (i % 64);
  }
  return uint64_t(rem);
}

// psi on projective coordinates: (c1 conj(X) : c2 conj(Y) : conj(Z)).
Projective<Fp2> ProjPsi(const Projective<Fp2>& p) {
  G2 j = G2Psi(G2{p.x, p.y, p.z});  // same coefficient shape as on Jacobian X, Y
  return {j.x, j.y, j.z};
}

}  // namespace

void DecomposeBaseAbsU(const Scalar& k, uint64_t digits[4]) {
  uint64_t a[4], b[4];
  digits[0] = DivRemCt(a, k.l.data(), kAbsU);
  digits[1] = DivRemCt(b, a, kAbsU);
  digits[2] = DivRemCt(a, b, kAbsU);
  digits[3] = a[0];  // k / x^3 < 2^64 because k < r < 2^255
  SecureWipe(a, sizeof a);
  SecureWipe(b, sizeof b);
}

G2 G2MulSecret(const G2& p, const Scalar& k) {
  // x^j P = (-psi)^j (P) on G2 (psi acts as u = -x), so
  // kP = sum_j k_j (-psi)^j (P): four 64-bit scalars sharing 64 doublings.
  uint64_t d[4];
  DecomposeBaseAbsU(k, d);
  Projective<Fp2> table[4][16];
  table[0][0] = ProjIdentity<Fp2>();
  table[0][1] = ProjFromJacobian(p);
  for (int i = 2; i < 16; ++i) table[0][i] = ProjAdd(table[0][i - 1], table[0][1]);
  for (int j = 1; j < 4; ++j) {
    for (int i = 0; i < 16; ++i) {
      Projective<Fp2> t = ProjPsi(table[j - 1][i]);
      table[j][i] = {t.x, -t.y, t.z};
    }
  }
  Projective<Fp2> acc = ProjIdentity<Fp2>();
  for (int w = 15; w >= 0; --w) {
    if (w != 15) {
      acc = ProjDouble(ProjDouble(ProjDouble(ProjDouble(acc))));
    }
    for (int j = 0; j < 4; ++j) {
      uint64_t digit = (d[j] >> (4 * w)) & 15;
      acc = ProjAdd(acc, ProjLookup16(table[j], digit));
    }
  }
  SecureWipe(d, sizeof d);
  return JacFromProjective(acc);
}

G1 G1MulSecret(const G1& p, const Scalar& k) {
  // GLV with phi(x, y) = (beta x, y), which acts as -x^2 on G1: with the base-x digits,
  // k = (d0 + d1 x) + (d2 + d3 x) x^2, so kP = a P + b (-phi)(P) with a, b < 2^128.
  uint64_t d[4];
  DecomposeBaseAbsU(k, d);
  u128 a = u128(d[1]) * kAbsU + d[0];  // < x^2 < 2^128
  u128 b = u128(d[3]) * kAbsU + d[2];  // < 2^64 x + x < 2^128
  uint64_t digits[2][2] = {{uint64_t(a), uint64_t(a >> 64)}, {uint64_t(b), uint64_t(b >> 64)}};
  Projective<Fp> table[2][16];
  table[0][0] = ProjIdentity<Fp>();
  table[0][1] = ProjFromJacobian(p);
  for (int i = 2; i < 16; ++i) table[0][i] = ProjAdd(table[0][i - 1], table[0][1]);
  for (int i = 0; i < 16; ++i) {
    G1 phi = G1Phi(G1{table[0][i].x, table[0][i].y, table[0][i].z});
    table[1][i] = {phi.x, -phi.y, phi.z};
  }
  Projective<Fp> acc = ProjIdentity<Fp>();
  for (int w = 31; w >= 0; --w) {
    if (w != 31) acc = ProjDouble(ProjDouble(ProjDouble(ProjDouble(acc))));
    for (int j = 0; j < 2; ++j) {
      uint64_t digit = (digits[j][w / 16] >> (4 * (w % 16))) & 15;
      acc = ProjAdd(acc, ProjLookup16(table[j], digit));
    }
  }
  SecureWipe(d, sizeof d);
  SecureWipe(digits, sizeof digits);
  return JacFromProjective(acc);
}

}  // namespace cryfttee::bls::internal
