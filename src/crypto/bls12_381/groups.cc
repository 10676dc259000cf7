#include "crypto/bls12_381/groups.h"

namespace cryfttee::bls::internal {
namespace {

// Cube root of unity beta with phi(P) = [-u^2]P on G1 (constants JSON, derived.G1_endomorphism).
constexpr Fp kBeta =
    FpFromHex("0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe");
// psi coefficients 1/(1+I)^((p-1)/3) and 1/(1+I)^((p-1)/2); psi^2 x-coefficient 1/2^((p-1)/3).
constexpr Fp2 kPsiX{Fp{}, FpFromHex("0x1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb"
                                    "85f9b409427eb4f49fffd8bfd00000000aaad")};
constexpr Fp2 kPsiY{FpFromHex("0x135203e60180a68ee2e9c448d77a2cd91c3dedd930b1cf60ef396489f61eb45e30"
                              "4466cf3e67fa0af1ee7b04121bdea2"),
                    FpFromHex("0x6af0e0437ff400b6831e36d6bd17ffe48395dabc2d3435e77f76e17009241c5ee6"
                              "7992f72ec05f4c81084fbede3cc09")};
constexpr Fp kPsi2X = FpFromHex(
    "0x1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000"
    "aaac");

template <class F>
Jacobian<F> MulAbsU(const Jacobian<F>& p) {
  const uint64_t k[1] = {kAbsU};
  return JacMulVartime(p, k, 1);
}

template <class F>
bool OnCurve(const Affine<F>& a, const F& b) {
  if (a.infinity) return true;
  return EqMask(Sqr(a.y), Sqr(a.x) * a.x + b) != 0;
}

}  // namespace

G1Affine G1Generator() {
  G1Affine g;
  g.x = FpFromHex(
      "0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb"
      "2"
      "2c6bb");
  g.y = FpFromHex(
      "0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946"
      "c"
      "5e7e1");
  g.infinity = false;
  return g;
}

G2Affine G2Generator() {
  G2Affine g;
  g.x.c0 = FpFromHex(
      "0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c1"
      "2"
      "1bdb8");
  g.x.c1 = FpFromHex(
      "0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d"
      "0"
      "42b7e");
  g.y.c0 = FpFromHex(
      "0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608"
      "b"
      "82801");
  g.y.c1 = FpFromHex(
      "0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff0"
      "5"
      "f79be");
  g.infinity = false;
  return g;
}

bool G1OnCurve(const G1Affine& a) { return OnCurve(a, kB1); }
bool G2OnCurve(const G2Affine& a) { return OnCurve(a, kB2); }

G1 G1MulAbsU(const G1& p) { return MulAbsU(p); }
G2 G2MulAbsU(const G2& p) { return MulAbsU(p); }

G1 G1Phi(const G1& p) { return {p.x * kBeta, p.y, p.z}; }

bool G1InSubgroupVartime(const G1& p) {
  G1 phi = G1Phi(p);
  G1 u2p = MulAbsU(MulAbsU(p));  // [u^2]P
  return JacEqualVartime(phi, JacNeg(u2p));
}

G2 G2Psi(const G2& p) {
  // On Jacobian coordinates: conjugation is a field automorphism, so Z needs only conjugating.
  return {Fp2Conj(p.x) * kPsiX, Fp2Conj(p.y) * kPsiY, Fp2Conj(p.z)};
}

G2 G2Psi2(const G2& p) { return {Fp2MulFp(p.x, kPsi2X), -p.y, p.z}; }

bool G2InSubgroupVartime(const G2& p) {
  return JacEqualVartime(G2Psi(p), JacNeg(MulAbsU(p)));  // [u]P = -[|u|]P
}

G2 G2ClearCofactor(const G2& p) {
  // RFC 9380 App. G.3 with c1 = u: t1 = uP; t2 = psi(P); t3 = psi2(2P) - t2; t2 = u(t1 + t2);
  // t3 = t3 + t2 - t1; result t3 - P.
  G2 t1 = JacNeg(MulAbsU(p));
  G2 t2 = G2Psi(p);
  G2 t3 = JacAddVartime(G2Psi2(JacDouble(p)), JacNeg(t2));
  t2 = JacNeg(MulAbsU(JacAddVartime(t1, t2)));
  t3 = JacAddVartime(JacAddVartime(t3, t2), JacNeg(t1));
  return JacAddVartime(t3, JacNeg(p));
}

}  // namespace cryfttee::bls::internal
