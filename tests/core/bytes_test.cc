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

// The decoder takes whole groups of four through a table and the tail bit by bit: every length,
// both alphabets, and a bad character at every position of a group and of the tail.
TEST(Base64, GroupsAndTailsRoundTrip) {
  Bytes data;
  for (size_t n = 0; n < 40; ++n) {
    std::string text = Base64Encode(data);
    auto back = Base64Decode(text);
    ASSERT_TRUE(back.ok()) << text;
    EXPECT_EQ(*back, data) << text;
    std::string url = text;  // the URL alphabet decodes to the same bytes
    for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
    EXPECT_EQ(Base64Decode(url).value(), data);
    for (size_t at = 0; at < text.size() && text[at] != '='; ++at) {
      for (char bad : {'!', '=', '\0', '\x80', ' '}) {
        std::string broken = text;
        broken[at] = bad;
        // '=' followed only by padding is padding itself, not a bad character.
        if (bad == '=' && broken.find_first_not_of('=', at) == std::string::npos) continue;
        EXPECT_FALSE(Base64Decode(broken).ok()) << broken;
      }
    }
    data.push_back(static_cast<uint8_t>(n * 37 + 200));
  }
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
