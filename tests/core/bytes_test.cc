#include <gtest/gtest.h>

#include "core/bytes.h"
#include "core/sha256.h"

namespace cryfttee {
namespace {

TEST(Hex, RoundTripAndPrefix) {
  Bytes b = {0x00, 0xab, 0xff};
  EXPECT_EQ(HexEncode(b), "00abff");
  auto d = HexDecode("0x00ABff");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, b);
}

TEST(Hex, RejectsOddAndNonHex) {
  EXPECT_EQ(HexDecode("abc").status().code(), "invalid_hex");
  EXPECT_EQ(HexDecode("zz").status().code(), "invalid_hex");
}

TEST(Base64, KnownAnswers) {
  EXPECT_EQ(Base64Encode(AsBytes("")), "");
  EXPECT_EQ(Base64Encode(AsBytes("f")), "Zg==");
  EXPECT_EQ(Base64Encode(AsBytes("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(AsBytes("foobar")), "Zm9vYmFy");
  auto d = Base64Decode("Zm9vYg==");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(std::string(d->begin(), d->end()), "foob");
}

TEST(Base64, RejectsGarbage) {
  EXPECT_EQ(Base64Decode("Zm9v!").status().code(), "invalid_base64");
  EXPECT_EQ(Base64Decode("Zh==").status().code(), "invalid_base64");  // non-zero padding bits
  EXPECT_EQ(Base64Decode("Z").status().code(), "invalid_base64");
}

TEST(Sha256, KnownAnswer) {
  EXPECT_EQ(FormatSha256(Sha256(AsBytes("abc"))),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(IsSha256Text(FormatSha256(Sha256(AsBytes("")))));
  EXPECT_FALSE(IsSha256Text("sha256:ABC"));
}

TEST(SecretBytes, WipesOnClear) {
  SecretBytes s(4);
  for (size_t i = 0; i < 4; ++i) s.data()[i] = 0x5a;
  s.Wipe();
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace cryfttee
