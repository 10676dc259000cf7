#include "crypto/bls12_381/fp6.h"

namespace cryfttee::bls::internal {
namespace {

// xi^((p-1)/3) and xi^(2(p-1)/3): v^p = xi^((p-1)/3) v (computed from the tower definition).
constexpr Fp2 kFrobV1{Fp{}, FpFromHex("0x1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650f"
                                      "b85f9b409427eb4f49fffd8bfd00000000aaac")};
constexpr Fp2 kFrobV2{FpFromHex("0x1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9"
                                "b409427eb4f49fffd8bfd00000000aaad"),
                      Fp{}};

}  // namespace

Fp6 operator*(const Fp6& a, const Fp6& b) {
  // Karatsuba over three coefficients: six Fp2 products.
  Fp2 t0 = a.c0 * b.c0;
  Fp2 t1 = a.c1 * b.c1;
  Fp2 t2 = a.c2 * b.c2;
  Fp2 c0 = Fp2MulByXi((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2) + t0;
  Fp2 c1 = (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + Fp2MulByXi(t2);
  Fp2 c2 = (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1;
  return {c0, c1, c2};
}

Fp6 Fp6Sqr(const Fp6& a) {
  // Chung-Hasan SQR2.
  Fp2 s0 = Fp2Sqr(a.c0);
  Fp2 ab = a.c0 * a.c1;
  Fp2 s1 = ab + ab;
  Fp2 s2 = Fp2Sqr(a.c0 - a.c1 + a.c2);
  Fp2 bc = a.c1 * a.c2;
  Fp2 s3 = bc + bc;
  Fp2 s4 = Fp2Sqr(a.c2);
  return {Fp2MulByXi(s3) + s0, Fp2MulByXi(s4) + s1, s1 + s2 + s3 - s0 - s4};
}

Fp6 Fp6MulBy01(const Fp6& a, const Fp2& b0, const Fp2& b1) {
  Fp2 aa = a.c0 * b0;
  Fp2 bb = a.c1 * b1;
  Fp2 c0 = Fp2MulByXi(a.c2 * b1) + aa;
  Fp2 c1 = (a.c0 + a.c1) * (b0 + b1) - aa - bb;
  Fp2 c2 = a.c2 * b0 + bb;
  return {c0, c1, c2};
}

Fp6 Fp6MulBy1(const Fp6& a, const Fp2& b1) { return {Fp2MulByXi(a.c2 * b1), a.c0 * b1, a.c1 * b1}; }

Fp6 Fp6MulFp2(const Fp6& a, const Fp2& b) { return {a.c0 * b, a.c1 * b, a.c2 * b}; }

Fp6 Fp6Inv(const Fp6& a) {
  Fp2 t0 = Fp2Sqr(a.c0) - Fp2MulByXi(a.c1 * a.c2);
  Fp2 t1 = Fp2MulByXi(Fp2Sqr(a.c2)) - a.c0 * a.c1;
  Fp2 t2 = Fp2Sqr(a.c1) - a.c0 * a.c2;
  Fp2 n = a.c0 * t0 + Fp2MulByXi(a.c2 * t1 + a.c1 * t2);
  Fp2 inv = Fp2Inv(n);
  return {t0 * inv, t1 * inv, t2 * inv};
}

Fp6 Fp6Frobenius(const Fp6& a) {
  return {Fp2Conj(a.c0), Fp2Conj(a.c1) * kFrobV1, Fp2Conj(a.c2) * kFrobV2};
}

}  // namespace cryfttee::bls::internal
