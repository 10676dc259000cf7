// Short-Weierstrass curves y^2 = x^3 + b (a = 0) over Fp (G1) or Fp2 (G2), in Jacobian
// coordinates (x = X/Z^2, y = Y/Z^3, identity has Z = 0). One template serves both groups; the
// group-specific parts (b, endomorphisms, encodings) live in g1.h and g2.h.
//
// Two families of operations:
//   *Ct       branch-free and memory-access-uniform, for values derived from secret keys;
//   *Vartime  may branch on the (public) point values; used for verification and decoding.
#pragma once

#include <cstdint>

#include "crypto/bls12_381/fp2.h"

namespace cryfttee::bls::internal {

// Uniform names so the template below reads the same for Fp and Fp2.
inline Fp Sqr(const Fp& a) { return FpSqr(a); }
inline Fp2 Sqr(const Fp2& a) { return Fp2Sqr(a); }
constexpr Fp Dbl(const Fp& a) { return FpDbl(a); }
constexpr Fp2 Dbl(const Fp2& a) { return Fp2Dbl(a); }
constexpr uint64_t IsZeroMask(const Fp& a) { return FpIsZeroMask(a); }
constexpr uint64_t IsZeroMask(const Fp2& a) { return Fp2IsZeroMask(a); }
constexpr uint64_t EqMask(const Fp& a, const Fp& b) { return FpEqMask(a, b); }
constexpr uint64_t EqMask(const Fp2& a, const Fp2& b) { return Fp2EqMask(a, b); }
constexpr void Cmov(Fp& o, const Fp& a, uint64_t m) { FpCmov(o, a, m); }
constexpr void Cmov(Fp2& o, const Fp2& a, uint64_t m) { Fp2Cmov(o, a, m); }
inline Fp Inv(const Fp& a) { return FpInv(a); }
inline Fp2 Inv(const Fp2& a) { return Fp2Inv(a); }

template <class F>
struct Affine {
  F x, y;
  bool infinity = true;
};

template <class F>
struct Jacobian {
  F x, y, z;  // identity: z == 0
};

template <class F>
constexpr Jacobian<F> JacIdentity() {
  return {F{}, F{}, F{}};
}

template <class F>
inline F OneOf();
template <>
inline Fp OneOf<Fp>() {
  return kFpOne;
}
template <>
inline Fp2 OneOf<Fp2>() {
  return kFp2One;
}

template <class F>
Jacobian<F> FromAffine(const Affine<F>& a) {
  Jacobian<F> r{a.x, a.y, a.infinity ? F{} : OneOf<F>()};
  return r;
}

// dbl-2009-l (a = 0): 2M + 5S. Maps the identity to itself without special cases.
template <class F>
Jacobian<F> JacDouble(const Jacobian<F>& p) {
  F A = Sqr(p.x);
  F B = Sqr(p.y);
  F C = Sqr(B);
  F D = Dbl(Sqr(p.x + B) - A - C);
  F E = A + A + A;
  F Fv = Sqr(E);
  Jacobian<F> r;
  r.x = Fv - Dbl(D);
  F C8 = Dbl(Dbl(Dbl(C)));
  r.y = E * (D - r.x) - C8;
  r.z = Dbl(p.y * p.z);
  return r;
}

// add-2007-bl without the exceptional cases: correct whenever p != q or either is the identity
// (p == -q correctly gives Z = 0). The identity cases are resolved with masks, so it is
// constant time; the caller guarantees p != q (see scalar multiplication for the argument).
template <class F>
Jacobian<F> JacAddCtDistinct(const Jacobian<F>& p, const Jacobian<F>& q) {
  F z1z1 = Sqr(p.z);
  F z2z2 = Sqr(q.z);
  F u1 = p.x * z2z2;
  F u2 = q.x * z1z1;
  F s1 = p.y * q.z * z2z2;
  F s2 = q.y * p.z * z1z1;
  F h = u2 - u1;
  F i = Sqr(Dbl(h));
  F j = h * i;
  F rr = Dbl(s2 - s1);
  F v = u1 * i;
  Jacobian<F> r;
  r.x = Sqr(rr) - j - Dbl(v);
  r.y = rr * (v - r.x) - Dbl(s1 * j);
  r.z = (Sqr(p.z + q.z) - z1z1 - z2z2) * h;
  uint64_t p_inf = IsZeroMask(p.z), q_inf = IsZeroMask(q.z);
  Cmov(r.x, q.x, p_inf);
  Cmov(r.y, q.y, p_inf);
  Cmov(r.z, q.z, p_inf);
  Cmov(r.x, p.x, q_inf);
  Cmov(r.y, p.y, q_inf);
  Cmov(r.z, p.z, q_inf);
  return r;
}

// Complete addition for public points: falls back to doubling when p == q.
template <class F>
Jacobian<F> JacAddVartime(const Jacobian<F>& p, const Jacobian<F>& q) {
  if (IsZeroMask(p.z)) return q;
  if (IsZeroMask(q.z)) return p;
  F z1z1 = Sqr(p.z);
  F z2z2 = Sqr(q.z);
  F u1 = p.x * z2z2;
  F u2 = q.x * z1z1;
  F s1 = p.y * q.z * z2z2;
  F s2 = q.y * p.z * z1z1;
  F h = u2 - u1;
  F rr = Dbl(s2 - s1);
  if (IsZeroMask(h)) {
    if (IsZeroMask(rr)) return JacDouble(p);
    return JacIdentity<F>();
  }
  F i = Sqr(Dbl(h));
  F j = h * i;
  F v = u1 * i;
  Jacobian<F> r;
  r.x = Sqr(rr) - j - Dbl(v);
  r.y = rr * (v - r.x) - Dbl(s1 * j);
  r.z = (Sqr(p.z + q.z) - z1z1 - z2z2) * h;
  return r;
}

template <class F>
Jacobian<F> JacNeg(const Jacobian<F>& p) {
  return {p.x, -p.y, p.z};
}

template <class F>
bool JacIsIdentity(const Jacobian<F>& p) {
  return IsZeroMask(p.z) != 0;
}

template <class F>
bool JacEqualVartime(const Jacobian<F>& p, const Jacobian<F>& q) {
  bool pi = JacIsIdentity(p), qi = JacIsIdentity(q);
  if (pi || qi) return pi && qi;
  F z1z1 = Sqr(p.z), z2z2 = Sqr(q.z);
  if (!EqMask(p.x * z2z2, q.x * z1z1)) return false;
  return EqMask(p.y * z2z2 * q.z, q.y * z1z1 * p.z) != 0;
}

// Constant-time conversion (one field inversion, Fermat).
template <class F>
Affine<F> ToAffine(const Jacobian<F>& p) {
  F zi = Inv(p.z);
  F zi2 = Sqr(zi);
  Affine<F> a;
  a.x = p.x * zi2;
  a.y = p.y * zi2 * zi;
  a.infinity = IsZeroMask(p.z) != 0;
  return a;
}

// Multiplication by a public scalar given as little-endian 64-bit limbs: left-to-right
// double-and-add. Only for public scalars (bit pattern visible in timing).
template <class F>
Jacobian<F> JacMulVartime(const Jacobian<F>& p, const uint64_t* k, int nlimbs) {
  Jacobian<F> acc = JacIdentity<F>();
  for (int i = nlimbs * 64 - 1; i >= 0; --i) {
    acc = JacDouble(acc);
    if ((k[i / 64] >> (i % 64)) & 1) acc = JacAddVartime(acc, p);
  }
  return acc;
}

// Multiplication by a secret scalar k < r (four little-endian limbs), fixed 4-bit windows.
// Every window reads all 16 table entries through masks and always performs one addition, so
// neither branches nor addresses depend on k. The additions never hit p == q: at window i the
// accumulator is 16*m*P with 16*m < k < r and the addend is d*P with d < 16, and 16*m = d (mod r)
// would need m = d = 0, which the identity masks handle. Requires P of order r (or identity).
template <class F>
Jacobian<F> JacMulCt(const Jacobian<F>& p, const uint64_t k[4]) {
  Jacobian<F> table[16];
  table[0] = JacIdentity<F>();
  table[1] = p;
  table[2] = JacDouble(p);
  for (int i = 3; i < 16; ++i) table[i] = JacAddCtDistinct(table[i - 1], p);
  Jacobian<F> acc = JacIdentity<F>();
  for (int w = 63; w >= 0; --w) {
    acc = JacDouble(JacDouble(JacDouble(JacDouble(acc))));
    uint64_t digit = (k[w / 16] >> ((w % 16) * 4)) & 15;
    Jacobian<F> sel = JacIdentity<F>();
    for (uint64_t i = 1; i < 16; ++i) {
      uint64_t m = ((i ^ digit) - 1) >> 63;  // 1 iff i == digit (both < 16)
      m = 0 - m;
      Cmov(sel.x, table[i].x, m);
      Cmov(sel.y, table[i].y, m);
      Cmov(sel.z, table[i].z, m);
    }
    acc = JacAddCtDistinct(acc, sel);
  }
  return acc;
}

}  // namespace cryfttee::bls::internal
