// Complete formulas for y^2 = x^3 + b in homogeneous projective coordinates (x = X/Z, y = Y/Z,
// identity (0 : 1 : 0)): Renes-Costello-Batina 2016, algorithms 7 (addition) and 9 (doubling)
// for a = 0. They have no exceptional cases at all, so secret scalar multiplication built on them
// needs no argument about which additions can collide, and no branches.
#pragma once

#include "crypto/bls12_381/curve.h"

namespace cryfttee::bls::internal {

template <class F>
struct Projective {
  F x, y, z;
};

// 3b for each curve: 12 on E1, 12(1 + I) on E2, as cheap additions.
inline Fp MulBy3b(const Fp& a) {
  Fp a4 = Dbl(Dbl(a));
  return a4 + a4 + a4;
}
inline Fp2 MulBy3b(const Fp2& a) {
  Fp2 t = Fp2MulByXi(a);
  Fp2 t4 = Dbl(Dbl(t));
  return t4 + t4 + t4;
}

template <class F>
Projective<F> ProjIdentity() {
  return {F{}, OneOf<F>(), F{}};
}

// Algorithm 7: 12M + 2 m_3b, complete.
template <class F>
Projective<F> ProjAdd(const Projective<F>& p, const Projective<F>& q) {
  F t0 = p.x * q.x;
  F t1 = p.y * q.y;
  F t2 = p.z * q.z;
  F t3 = (p.x + p.y) * (q.x + q.y);
  F t4 = t0 + t1;
  t3 = t3 - t4;
  t4 = (p.y + p.z) * (q.y + q.z);
  F x3 = t1 + t2;
  t4 = t4 - x3;
  x3 = (p.x + p.z) * (q.x + q.z);
  F y3 = t0 + t2;
  y3 = x3 - y3;
  x3 = t0 + t0;
  t0 = x3 + t0;
  t2 = MulBy3b(t2);
  F z3 = t1 + t2;
  t1 = t1 - t2;
  y3 = MulBy3b(y3);
  x3 = t4 * y3;
  t2 = t3 * t1;
  x3 = t2 - x3;
  y3 = y3 * t0;
  t1 = t1 * z3;
  y3 = t1 + y3;
  t0 = t0 * t3;
  z3 = z3 * t4;
  z3 = z3 + t0;
  return {x3, y3, z3};
}

// Algorithm 9: 6M + 2S + 1 m_3b, complete.
template <class F>
Projective<F> ProjDouble(const Projective<F>& p) {
  F t0 = Sqr(p.y);
  F z3 = Dbl(Dbl(Dbl(t0)));
  F t1 = p.y * p.z;
  F t2 = MulBy3b(Sqr(p.z));
  F x3 = t2 * z3;
  F y3 = t0 + t2;
  z3 = t1 * z3;
  t1 = t2 + t2;
  t2 = t1 + t2;
  t0 = t0 - t2;
  y3 = t0 * y3;
  y3 = x3 + y3;
  t1 = p.x * p.y;
  x3 = t0 * t1;
  x3 = x3 + x3;
  return {x3, y3, z3};
}

// Jacobian (X, Y, Z) -> projective (X Z, Y, Z^3); the identity (Z = 0) maps to (0 : Y : 0),
// which the complete formulas treat as the identity as long as Y != 0. Branch-free.
template <class F>
Projective<F> ProjFromJacobian(const Jacobian<F>& p) {
  Projective<F> r{p.x * p.z, p.y, Sqr(p.z) * p.z};
  Cmov(r.y, OneOf<F>(), IsZeroMask(p.z));
  return r;
}
// Projective -> Jacobian (X Z, Y Z^2, Z).
template <class F>
Jacobian<F> JacFromProjective(const Projective<F>& p) {
  F z2 = Sqr(p.z);
  return {p.x * p.z, p.y * z2, p.z};
}

template <class F>
void ProjCmov(Projective<F>& out, const Projective<F>& a, uint64_t mask) {
  Cmov(out.x, a.x, mask);
  Cmov(out.y, a.y, mask);
  Cmov(out.z, a.z, mask);
}

// table[digit] for a secret digit in [0, 16): every entry is read, one is kept by mask.
template <class F>
Projective<F> ProjLookup16(const Projective<F> table[16], uint64_t digit) {
  Projective<F> r = table[0];
  for (uint64_t i = 1; i < 16; ++i) {
    uint64_t m = 0 - (((i ^ digit) - 1) >> 63);
    ProjCmov(r, table[i], m);
  }
  return r;
}

}  // namespace cryfttee::bls::internal
