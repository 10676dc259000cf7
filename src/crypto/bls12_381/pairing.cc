#include "crypto/bls12_381/pairing.h"

#include <vector>

namespace cryfttee::bls::internal {
namespace {

// 3 b' c = 12 (1 + I) c, with additions only.
Fp2 MulBy3bTwist(const Fp2& c) {
  Fp2 t = Fp2MulByXi(c);
  Fp2 t4 = Fp2Dbl(Fp2Dbl(t));
  return t4 + t4 + t4;
}

// Homogeneous projective point on the twist (x = X/Z, y = Y/Z), the Miller loop's running T.
struct G2Proj {
  Fp2 x, y, z;
};

// Line coefficients before evaluation at P: l(P) = b0 + (b1 * xP) v + (b4 * yP) v w.
struct Line {
  Fp2 b0, b1, b4;
};

// Tangent at T, T <- 2T. Derived from the affine tangent scaled by 2YZ (a factor in Fp2 the final
// exponentiation removes) and multiplied by w^3, with y^2 Z = x^3 + b' Z^3 to clear Z.
Line DoublingStep(G2Proj& t) {
  Fp2 xy = t.x * t.y;
  Fp2 a = {FpHalve(xy.c0), FpHalve(xy.c1)};
  Fp2 b = Fp2Sqr(t.y);
  Fp2 c = Fp2Sqr(t.z);
  Fp2 e = MulBy3bTwist(c);
  Fp2 f = e + e + e;
  Fp2 bf = b + f;
  Fp2 g = {FpHalve(bf.c0), FpHalve(bf.c1)};
  Fp2 h = Fp2Sqr(t.y + t.z) - (b + c);
  Fp2 i = e - b;
  Fp2 j = Fp2Sqr(t.x);
  Fp2 e2 = Fp2Sqr(e);
  t.x = a * (b - f);
  t.y = Fp2Sqr(g) - (e2 + e2 + e2);
  t.z = b * h;
  return {i, j + j + j, -h};
}

// Chord through T and Q (affine), T <- T + Q. Line scaled by (X - xQ Z).
Line AdditionStep(G2Proj& t, const G2Affine& q) {
  Fp2 theta = t.y - q.y * t.z;
  Fp2 lambda = t.x - q.x * t.z;
  Fp2 c = Fp2Sqr(theta);
  Fp2 d = Fp2Sqr(lambda);
  Fp2 e = lambda * d;
  Fp2 f = t.z * c;
  Fp2 g = t.x * d;
  Fp2 h = e + f - (g + g);
  t.x = lambda * h;
  t.y = theta * (g - h) - t.y * e;
  t.z = t.z * e;
  return {theta * q.x - lambda * q.y, -theta, lambda};
}

Fp12 Evaluate(const Fp12& f, const Line& l, const G1Affine& p) {
  return Fp12MulBy014(f, l.b0, Fp2MulFp(l.b1, p.x), Fp2MulFp(l.b4, p.y));
}

// f^|u| on the cyclotomic subgroup, then conjugated: f^u.
Fp12 CyclotomicExpU(const Fp12& f) {
  Fp12 acc = f;  // top bit of |u|
  for (int i = 62; i >= 0; --i) {
    acc = Fp12CyclotomicSqr(acc);
    if ((kAbsU >> i) & 1) acc = acc * f;
  }
  return Fp12Conj(acc);
}

Fp12 Frob(const Fp12& f, int times) {
  Fp12 r = f;
  for (int i = 0; i < times; ++i) r = Fp12Frobenius(r);
  return r;
}

}  // namespace

Fp12 MillerLoop(const PairingInput* pairs, size_t n) {
  std::vector<const PairingInput*> live;
  std::vector<G2Proj> t;
  for (size_t i = 0; i < n; ++i) {
    if (pairs[i].p.infinity || pairs[i].q.infinity) continue;
    live.push_back(&pairs[i]);
    t.push_back({pairs[i].q.x, pairs[i].q.y, kFp2One});
  }
  Fp12 f = kFp12One;
  bool first = true;
  for (int bit = 62; bit >= 0; --bit) {
    if (!first) f = Fp12Sqr(f);
    first = false;
    for (size_t k = 0; k < live.size(); ++k) f = Evaluate(f, DoublingStep(t[k]), live[k]->p);
    if ((kAbsU >> bit) & 1) {
      for (size_t k = 0; k < live.size(); ++k)
        f = Evaluate(f, AdditionStep(t[k], live[k]->q), live[k]->p);
    }
  }
  return Fp12Conj(f);
}

Fp12 FinalExponentiation(const Fp12& f) {
  // Easy part: f^((p^6 - 1)(p^2 + 1)).
  Fp12 t0 = Fp12Conj(f);
  Fp12 t1 = Fp12Inv(f);
  Fp12 t2 = t0 * t1;
  t1 = t2;
  t2 = Frob(t2, 2) * t1;
  // Hard part: 3(p^4 - p^2 + 1)/r as a chain in u (Hayashida-Hayasaka-Teruya), using only
  // cyclotomic squarings, multiplications by u and Frobenius maps.
  t1 = Fp12Conj(Fp12CyclotomicSqr(t2));
  Fp12 t3 = CyclotomicExpU(t2);
  Fp12 t4 = Fp12CyclotomicSqr(t3);
  Fp12 t5 = t1 * t3;
  t1 = CyclotomicExpU(t5);
  t0 = CyclotomicExpU(t1);
  Fp12 t6 = CyclotomicExpU(t0);
  t6 = t6 * t4;
  t4 = CyclotomicExpU(t6);
  t5 = Fp12Conj(t5);
  t4 = t4 * t5 * t2;
  t5 = Fp12Conj(t2);
  t1 = t1 * t2;
  t1 = Frob(t1, 3);
  t6 = t6 * t5;
  t6 = Frob(t6, 1);
  t3 = t3 * t0;
  t3 = Frob(t3, 2);
  t3 = t3 * t1;
  t3 = t3 * t6;
  return t3 * t4;
}

Fp12 Pairing(const G1Affine& p, const G2Affine& q) {
  PairingInput in{p, q};
  return FinalExponentiation(MillerLoop(&in, 1));
}

bool PairingProductIsOne(const PairingInput* pairs, size_t n) {
  return FinalExponentiation(MillerLoop(pairs, n)) == kFp12One;
}

}  // namespace cryfttee::bls::internal
