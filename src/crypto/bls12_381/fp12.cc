#include "crypto/bls12_381/fp12.h"

namespace cryfttee::bls::internal {
namespace {

// w^p = xi^((p-1)/6) w (computed from the tower definition).
constexpr Fp2 kFrobW{FpFromHex("0x1904d3bf02bb0667c231beb4202c0d1f0fd603fd3cbd5f4f7b2443d784bab9c4f"
                               "67ea53d63e7813d8d0775ed92235fb8"),
                     FpFromHex("0xfc3e2b36c4e03288e9e902231f9fb854a14787b6c7b36fec0c8ec971f63c5f282"
                               "d5ac14d6c7ec22cf78a126ddc4af3")};

// (a + b s)^2 in Fp4 = Fp2[s]/(s^2 - xi).
inline void Fp4Sqr(Fp2& c0, Fp2& c1, const Fp2& a, const Fp2& b) {
  Fp2 t0 = Fp2Sqr(a);
  Fp2 t1 = Fp2Sqr(b);
  c0 = Fp2MulByXi(t1) + t0;
  c1 = Fp2Sqr(a + b) - t0 - t1;
}

}  // namespace

Fp12 operator*(const Fp12& a, const Fp12& b) {
  Fp6 aa = a.c0 * b.c0;
  Fp6 bb = a.c1 * b.c1;
  Fp6 c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - aa - bb;
  return {Fp6MulByV(bb) + aa, c1};
}

Fp12 Fp12Sqr(const Fp12& a) {
  Fp6 ab = a.c0 * a.c1;
  Fp6 c0 = (a.c0 + a.c1) * (a.c0 + Fp6MulByV(a.c1)) - ab - Fp6MulByV(ab);
  return {c0, ab + ab};
}

Fp12 Fp12Inv(const Fp12& a) {
  Fp6 t = Fp6Inv(Fp6Sqr(a.c0) - Fp6MulByV(Fp6Sqr(a.c1)));
  return {a.c0 * t, -(a.c1 * t)};
}

Fp12 Fp12Frobenius(const Fp12& a) {
  return {Fp6Frobenius(a.c0), Fp6MulFp2(Fp6Frobenius(a.c1), kFrobW)};
}

Fp12 Fp12MulBy014(const Fp12& a, const Fp2& b0, const Fp2& b1, const Fp2& b4) {
  Fp6 aa = Fp6MulBy01(a.c0, b0, b1);
  Fp6 bb = Fp6MulBy1(a.c1, b4);
  Fp6 c1 = Fp6MulBy01(a.c0 + a.c1, b0, b1 + b4) - aa - bb;
  return {Fp6MulByV(bb) + aa, c1};
}

Fp12 Fp12CyclotomicSqr(const Fp12& a) {
  Fp2 z0 = a.c0.c0, z4 = a.c0.c1, z3 = a.c0.c2;
  Fp2 z2 = a.c1.c0, z1 = a.c1.c1, z5 = a.c1.c2;
  Fp2 t0, t1, t2, t3;
  Fp4Sqr(t0, t1, z0, z1);
  z0 = t0 - z0;
  z0 = z0 + z0 + t0;
  z1 = t1 + z1;
  z1 = z1 + z1 + t1;
  Fp4Sqr(t0, t1, z2, z3);
  Fp4Sqr(t2, t3, z4, z5);
  z4 = t0 - z4;
  z4 = z4 + z4 + t0;
  z5 = t1 + z5;
  z5 = z5 + z5 + t1;
  t0 = Fp2MulByXi(t3);
  z2 = t0 + z2;
  z2 = z2 + z2 + t0;
  z3 = t2 - z3;
  z3 = z3 + z3 + t2;
  return {{z0, z4, z3}, {z2, z1, z5}};
}

}  // namespace cryfttee::bls::internal
