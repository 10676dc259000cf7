#include "crypto/bls12_381/hash_to_curve.h"

#include <gtest/gtest.h>

namespace cryfttee::bls::internal {
namespace {

constexpr char kDst[] = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";

TEST(HashToCurveTest, ExpandMessageXmdEmptyMessage) {
  // RFC 9380 App. K.1, DST "QUUX-V01-CS02-with-expander-SHA256-128", msg "", 0x20 bytes.
  auto out = ExpandMessageXmd({}, AsBytes("QUUX-V01-CS02-with-expander-SHA256-128"), 0x20);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(HexEncode(*out), "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235");
}

TEST(HashToCurveTest, G2RandomOracleEmptyMessage) {
  // RFC 9380 App. J.10.1, msg "".
  auto u = HashToFieldFp2({}, AsBytes(kDst));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(HexEncode((*u)[0]),
            "03dbc2cce174e91ba93cbb08f26b917f98194a2ea08d1cce75b2b9cc9f21689d80bd79b594a613d0a68eb8"
            "07dfdc1cf8");
  auto p = HashToG2({}, AsBytes(kDst));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(HexEncode(p->x_c0),
            "0141ebfbdca40eb85b87142e130ab689c673cf60f1a3e98d69335266f30d9b8d4ac44c1038e9dcdd5393fa"
            "f5c41fb78a");
  EXPECT_EQ(HexEncode(p->x_c1),
            "05cb8437535e20ecffaef7752baddf98034139c38452458baeefab379ba13dff5bf5dd71b72418717047f5"
            "b0f37da03d");
  EXPECT_EQ(HexEncode(p->y_c0),
            "0503921d7f6a12805e72940b963c0cf3471c7b2a524950ca195d11062ee75ec076daf2d4bc358c4b190c0c"
            "98064fdd92");
  EXPECT_EQ(HexEncode(p->y_c1),
            "12424ac32561493f3fe3c260708a12b7c620e7be00099a974e259ddc7d1f6395c3c811cdd19f1e8dbf3e9e"
            "cfdcbab8d6");
}

TEST(HashToCurveTest, RejectsEmptyDst) { EXPECT_FALSE(HashToG2({}, {}).ok()); }

}  // namespace
}  // namespace cryfttee::bls::internal
