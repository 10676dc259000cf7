#include <gtest/gtest.h>

#include "crypto/bls12_381/groups.h"
#include "crypto/bls12_381/projective.h"
#include "crypto/bls12_381/scalar_mul.h"
#include "crypto/bls12_381/serialize.h"
#include "test_util.h"

namespace cryfttee::bls::internal {
namespace {

// r, little-endian limbs.
constexpr uint64_t kR[4] = {0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805,
                            0x73eda753299d7d48};

TEST(CurveTest, GeneratorsOnCurveAndOfOrderR) {
  EXPECT_TRUE(G1OnCurve(G1Generator()));
  EXPECT_TRUE(G2OnCurve(G2Generator()));
  EXPECT_TRUE(JacIsIdentity(JacMulVartime(FromAffine(G1Generator()), kR, 4)));
  EXPECT_TRUE(JacIsIdentity(JacMulVartime(FromAffine(G2Generator()), kR, 4)));
  EXPECT_TRUE(G1InSubgroupVartime(FromAffine(G1Generator())));
  EXPECT_TRUE(G2InSubgroupVartime(FromAffine(G2Generator())));
}

TEST(CurveTest, ConstantTimeMulMatchesVartime) {
  std::mt19937_64 rng(7);
  G1 g1 = FromAffine(G1Generator());
  G2 g2 = FromAffine(G2Generator());
  for (int i = 0; i < 8; ++i) {
    uint64_t k[4] = {rng(), rng(), rng(), rng() >> 2};
    if (i == 0) k[0] = 1, k[1] = k[2] = k[3] = 0;
    if (i == 1) k[0] = 16, k[1] = k[2] = k[3] = 0;
    EXPECT_TRUE(JacEqualVartime(JacMulCt(g1, k), JacMulVartime(g1, k, 4)));
    EXPECT_TRUE(JacEqualVartime(JacMulCt(g2, k), JacMulVartime(g2, k, 4)));
  }
  uint64_t zero[4] = {0, 0, 0, 0};
  EXPECT_TRUE(JacIsIdentity(JacMulCt(g1, zero)));
}

template <class F>
Jacobian<F> ViaProjective(const Projective<F>& p) {
  return JacFromProjective(p);
}

TEST(CurveTest, CompleteProjectiveFormulas) {
  std::mt19937_64 rng(8);
  G2 g = FromAffine(G2Generator());
  uint64_t a[1] = {rng()}, b[1] = {rng()};
  G2 pa = JacMulVartime(g, a, 1), pb = JacMulVartime(g, b, 1);
  Projective<Fp2> qa = ProjFromJacobian(pa), qb = ProjFromJacobian(pb);
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjAdd(qa, qb)), JacAddVartime(pa, pb)));
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjAdd(qa, qa)), JacDouble(pa)));
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjDouble(qa)), JacDouble(pa)));
  Projective<Fp2> neg{qa.x, -qa.y, qa.z};
  EXPECT_TRUE(JacIsIdentity(ViaProjective(ProjAdd(qa, neg))));
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjAdd(qa, ProjIdentity<Fp2>())), pa));
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjAdd(ProjIdentity<Fp2>(), qa)), pa));
  EXPECT_TRUE(JacIsIdentity(ViaProjective(ProjDouble(ProjIdentity<Fp2>()))));
  EXPECT_TRUE(JacIsIdentity(ViaProjective(ProjFromJacobian(JacIdentity<Fp2>()))));
  G1 h = FromAffine(G1Generator());
  G1 ha = JacMulVartime(h, a, 1), hb = JacMulVartime(h, b, 1);
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjAdd(ProjFromJacobian(ha), ProjFromJacobian(hb))),
                              JacAddVartime(ha, hb)));
  EXPECT_TRUE(JacEqualVartime(ViaProjective(ProjDouble(ProjFromJacobian(ha))), JacDouble(ha)));
}

TEST(CurveTest, SecretScalarMultiplication) {
  std::mt19937_64 rng(9);
  G1 g1 = FromAffine(G1Generator());
  G2 g2 = FromAffine(G2Generator());
  // r - 1, |u|, |u|^2, |u|^3 and a few random values below r.
  std::vector<Scalar> ks;
  Scalar s;
  s.l = {kR[0] - 1, kR[1], kR[2], kR[3]};
  ks.push_back(s);
  s.l = {kAbsU, 0, 0, 0};
  ks.push_back(s);
  s.l = {1, 0, 0, 0};
  ks.push_back(s);
  unsigned __int128 u2 = (unsigned __int128)kAbsU * kAbsU;
  s.l = {uint64_t(u2), uint64_t(u2 >> 64), 0, 0};
  ks.push_back(s);
  for (int i = 0; i < 6; ++i) {
    s.l = {rng(), rng(), rng(), rng() >> 2};
    ks.push_back(s);
  }
  for (const Scalar& k : ks) {
    uint64_t d[4];
    DecomposeBaseAbsU(k, d);
    // Recombine with 128-bit pieces: k == ((d3 x + d2) x + d1) x + d0.
    G2 expect = JacMulVartime(g2, k.l.data(), 4);
    EXPECT_TRUE(JacEqualVartime(G2MulSecret(g2, k), expect));
    EXPECT_TRUE(JacEqualVartime(G1MulSecret(g1, k), JacMulVartime(g1, k.l.data(), 4)));
    for (int j = 0; j < 3; ++j) EXPECT_LT(d[j], kAbsU);
  }
  Scalar zero;
  EXPECT_TRUE(JacIsIdentity(G2MulSecret(g2, zero)));
  EXPECT_TRUE(JacIsIdentity(G1MulSecret(g1, zero)));
  EXPECT_TRUE(JacIsIdentity(G2MulSecret(JacIdentity<Fp2>(), ks[4])));
}

TEST(CurveTest, NonSubgroupPointsRejected) {
  // x = 0..: find points on E1 / E2 that are not in the subgroup (cofactor > 1 so most are not).
  int found1 = 0, found2 = 0;
  for (uint64_t x = 1; x < 40 && (found1 < 3 || found2 < 3); ++x) {
    G1Affine a;
    a.x = FpFromU64(x);
    a.infinity = false;
    if (found1 < 3 && FpSqrt(a.y, FpSqr(a.x) * a.x + kB1)) {
      EXPECT_FALSE(G1InSubgroupVartime(FromAffine(a)));
      ++found1;
    }
    G2Affine b;
    b.x = {FpFromU64(x), kFpOne};
    b.infinity = false;
    if (found2 < 3 && Fp2SqrtVartime(b.y, Fp2Sqr(b.x) * b.x + kB2)) {
      G2 p = FromAffine(b);
      EXPECT_FALSE(G2InSubgroupVartime(p));
      G2 cleared = G2ClearCofactor(p);
      EXPECT_TRUE(G2InSubgroupVartime(cleared));
      EXPECT_TRUE(JacIsIdentity(JacMulVartime(cleared, kR, 4)));
      ++found2;
    }
  }
  EXPECT_EQ(found1, 3);
  EXPECT_EQ(found2, 3);
}

TEST(CurveTest, GeneratorEncodings) {
  uint8_t c1[48], c2[96];
  G1Compress(c1, G1Generator());
  G2Compress(c2, G2Generator());
  EXPECT_EQ(HexEncode(ByteSpan(c1, 48)),
            "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af0"
            "0adb22c6bb");
  EXPECT_EQ(HexEncode(ByteSpan(c2, 96)),
            "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d"
            "055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805"
            "bbefd48056c8c121bdb8");
  auto d1 = G1Decode(ByteSpan(c1, 48));
  ASSERT_TRUE(d1.ok());
  EXPECT_TRUE(d1->x == G1Generator().x && d1->y == G1Generator().y);
  auto d2 = G2Decode(ByteSpan(c2, 96));
  ASSERT_TRUE(d2.ok());
  EXPECT_TRUE(d2->x == G2Generator().x && d2->y == G2Generator().y);
  uint8_t u1[96], u2[192];
  G1Uncompressed(u1, G1Generator());
  G2Uncompressed(u2, G2Generator());
  auto e1 = G1Decode(ByteSpan(u1, 96));
  auto e2 = G2Decode(ByteSpan(u2, 192));
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_TRUE(e1->y == G1Generator().y && e2->y == G2Generator().y);
  // Negated generator flips the sign flag only.
  G2Affine n = G2Generator();
  n.y = -n.y;
  uint8_t c3[96];
  G2Compress(c3, n);
  EXPECT_EQ(c3[0], c2[0] ^ 0x20);
  auto d3 = G2Decode(ByteSpan(c3, 96));
  ASSERT_TRUE(d3.ok());
  EXPECT_TRUE(d3->y == n.y);
}

TEST(CurveTest, InfinityEncodings) {
  G1Affine inf;
  uint8_t c[48];
  G1Compress(c, inf);
  EXPECT_EQ(c[0], 0xc0);
  auto d = G1Decode(ByteSpan(c, 48));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->infinity);
  c[0] = 0xe0;
  EXPECT_FALSE(G1Decode(ByteSpan(c, 48)).ok());
  c[0] = 0xc0;
  c[47] = 1;
  EXPECT_FALSE(G1Decode(ByteSpan(c, 48)).ok());
}

}  // namespace
}  // namespace cryfttee::bls::internal
