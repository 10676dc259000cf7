#include <gtest/gtest.h>

#include "crypto/bls12_381/pairing.h"
#include "test_util.h"

namespace cryfttee::bls::internal {
namespace {

using testing::FpFromHexString;

// e(G1, G2)^3 from the constants JSON (derived.pairing_test_vector.library_value_cubed), in the
// order c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1.
const char* kGtCubed[12] = {
    "1250ebd871fc0a92a7b2d83168d0d727272d441befa15c503dd8e90ce98db3e7b6d194f60839c508a84305aaca1789"
    "b6",
    "089a1c5b46e5110b86750ec6a532348868a84045483c92b7af5af689452eafabf1a8943e50439f1d59882a98eaa017"
    "0f",
    "1368bb445c7c2d209703f239689ce34c0378a68e72a6b3b216da0e22a5031b54ddff57309396b38c881c4c849ec23e"
    "87",
    "193502b86edb8857c273fa075a50512937e0794e1e65a7617c90d8bd66065b1fffe51d7a579973b1315021ec3c1993"
    "4f",
    "01b2f522473d171391125ba84dc4007cfbf2f8da752f7c74185203fcca589ac719c34dffbbaad8431dad1c1fb597aa"
    "a5",
    "018107154f25a764bd3c79937a45b84546da634b8f6be14a8061e55cceba478b23f7dacaa35c8ca78beae9624045b4"
    "b6",
    "19f26337d205fb469cd6bd15c3d5a04dc88784fbb3d0b2dbdea54d43b2b73f2cbb12d58386a8703e0f948226e47ee8"
    "9d",
    "06fba23eb7c5af0d9f80940ca771b6ffd5857baaf222eb95a7d2809d61bfe02e1bfd1b68ff02f0b8102ae1c2d5d5ab"
    "1a",
    "11b8b424cd48bf38fcef68083b0b0ec5c81a93b330ee1a677d0d15ff7b984e8978ef48881e32fac91b93b47333e2ba"
    "57",
    "03350f55a7aefcd3c31b4fcb6ce5771cc6a0e9786ab5973320c806ad360829107ba810c5a09ffdd9be2291a0c25a99"
    "a2",
    "04c581234d086a9902249b64728ffd21a189e87935a954051c7cdba7b3872629a4fafc05066245cb9108f0242d0fe3"
    "ef",
    "0f41e58663bf08cf068672cbd01a7ec73baca4d72ca93544deff686bfd6df543d48eaa24afe47e1efde449383b6766"
    "31",
};

TEST(PairingTest, GeneratorPairingMatchesPublishedValue) {
  Fp12 e = Pairing(G1Generator(), G2Generator());
  const Fp* got[12] = {&e.c0.c0.c0, &e.c0.c0.c1, &e.c0.c1.c0, &e.c0.c1.c1,
                       &e.c0.c2.c0, &e.c0.c2.c1, &e.c1.c0.c0, &e.c1.c0.c1,
                       &e.c1.c1.c0, &e.c1.c1.c1, &e.c1.c2.c0, &e.c1.c2.c1};
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(testing::FpHex(*got[i]), kGtCubed[i]) << "coefficient " << i;
}

TEST(PairingTest, Bilinear) {
  G1 g1 = FromAffine(G1Generator());
  G2 g2 = FromAffine(G2Generator());
  uint64_t a[1] = {0x1234567}, b[1] = {0x89abcdef};
  uint64_t ab[1] = {0x1234567ull * 0x89abcdefull};
  Fp12 lhs = Pairing(ToAffine(JacMulVartime(g1, a, 1)), ToAffine(JacMulVartime(g2, b, 1)));
  Fp12 rhs = Pairing(ToAffine(JacMulVartime(g1, ab, 1)), G2Generator());
  EXPECT_TRUE(lhs == rhs);
  Fp12 rhs2 = Pairing(G1Generator(), ToAffine(JacMulVartime(g2, ab, 1)));
  EXPECT_TRUE(lhs == rhs2);
  // e(P, Q) * e(-P, Q) == 1 through the multi-Miller loop.
  G1Affine p = ToAffine(JacMulVartime(g1, a, 1));
  G1Affine np = p;
  np.y = -np.y;
  PairingInput in[2] = {{p, G2Generator()}, {np, G2Generator()}};
  EXPECT_TRUE(PairingProductIsOne(in, 2));
  PairingInput bad[2] = {{p, G2Generator()}, {p, G2Generator()}};
  EXPECT_FALSE(PairingProductIsOne(bad, 2));
}

}  // namespace
}  // namespace cryfttee::bls::internal
