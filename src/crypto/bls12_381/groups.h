// G1 (over Fp) and G2 (over Fp2, the M-type sextic twist): generators, curve constants,
// endomorphisms, subgroup checks and cofactor clearing.
#pragma once

#include "crypto/bls12_381/curve.h"

namespace cryfttee::bls::internal {

using G1Affine = Affine<Fp>;
using G1 = Jacobian<Fp>;
using G2Affine = Affine<Fp2>;
using G2 = Jacobian<Fp2>;

// |u| for u = -0xd201000000010000, the BLS parameter.
inline constexpr uint64_t kAbsU = 0xd201000000010000;

inline constexpr Fp kB1 = FpFromU64(4);
inline constexpr Fp2 kB2{FpFromU64(4), FpFromU64(4)};  // 4(1 + I)

G1Affine G1Generator();
G2Affine G2Generator();

bool G1OnCurve(const G1Affine& a);  // the identity counts as on the curve
bool G2OnCurve(const G2Affine& a);

// [|u|]P for public P (u is sparse: 63 doublings, 5 additions).
G1 G1MulAbsU(const G1& p);
G2 G2MulAbsU(const G2& p);

// Scott 2021: P in G1 iff phi(P) == [-u^2]P with phi(x, y) = (beta x, y). P must be on E1.
bool G1InSubgroupVartime(const G1& p);
// Scott 2021: P in G2 iff psi(P) == [u]P. P must be on E2.
bool G2InSubgroupVartime(const G2& p);

// phi(x, y) = (beta x, y) on Jacobian or projective coordinates (only X changes).
G1 G1Phi(const G1& p);
// psi = untwist-Frobenius-twist, and psi^2.
G2 G2Psi(const G2& p);
G2 G2Psi2(const G2& p);
// h_eff * P via Budroni-Pintore (RFC 9380 App. G.3).
G2 G2ClearCofactor(const G2& p);

}  // namespace cryfttee::bls::internal
