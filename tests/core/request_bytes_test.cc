// core/request_bytes: the base64-or-0x-hex rule of design.md §4, including the cases that used to
// sign different bytes than the client meant.
#include "core/request_bytes.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace cryfttee {
namespace {

Bytes Auto(std::string_view text) {
  auto r = DecodeRequestBytes(text, ByteEncoding::kAuto, "message");
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Bytes{};
}

TEST(RequestBytes, ValidBase64WinsEvenWhenItLooksLikeHex) {
  // "0xabcdef1234" is valid padded base64 for 9 bytes: a Go client meant those 9 bytes.
  Bytes b = Auto("0xabcdef1234");
  EXPECT_EQ(b.size(), 9u);
  EXPECT_EQ(b, *Base64Decode("0xabcdef1234"));
  // Not valid base64 (odd length): then 0x hex.
  EXPECT_FALSE(DecodeRequestBytes("0xabcdef12345", ByteEncoding::kAuto, "m").ok());
}

TEST(RequestBytes, HexOnlyWhenNotBase64) {
  EXPECT_EQ(Auto("0x00ff"), (Bytes{0x00, 0xff}));  // 6 chars: not a multiple of 4
  EXPECT_EQ(Auto(""), Bytes{});                    // the empty message, as base64
  EXPECT_EQ(Auto("aGk="), (Bytes{'h', 'i'}));
}

TEST(RequestBytes, RefusesAmbiguousAndBroken) {
  for (const char* bad : {"====", "aGk", "aG=k", "a===", "aGl=", "hello world", "%%%"}) {
    auto r = DecodeRequestBytes(bad, ByteEncoding::kAuto, "message");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), "invalid_base64") << bad;
    }
  }
  for (const char* bad : {"0xz", "0xzzz", "0x1", "0x123"}) {
    auto r = DecodeRequestBytes(bad, ByteEncoding::kAuto, "message");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), "invalid_hex") << bad;
    }
  }
}

TEST(RequestBytes, ExplicitEncodingOverrides) {
  EXPECT_EQ(*DecodeRequestBytes("0xabcd", ByteEncoding::kHex, "m"), (Bytes{0xab, 0xcd}));
  EXPECT_EQ(*DecodeRequestBytes("abcd", ByteEncoding::kHex, "m"), (Bytes{0xab, 0xcd}));
  EXPECT_EQ(DecodeRequestBytes("abcd", ByteEncoding::kBase64, "m")->size(), 3u);
  EXPECT_FALSE(DecodeRequestBytes("0x00ff", ByteEncoding::kBase64, "m").ok());
  EXPECT_EQ(*ParseByteEncoding("HEX"), ByteEncoding::kHex);
  EXPECT_EQ(ParseByteEncoding("utf8").status().code(), "invalid_message_encoding");
}

TEST(RequestBytes, PublicKeysDecodeByTheirSize) {
  Bytes key(65, 0x04);
  EXPECT_EQ(*DecodePublicKeyText("0x" + HexEncode(key)), key);  // also valid base64 (99 bytes)
  EXPECT_EQ(*DecodePublicKeyText(HexEncode(key)), key);
  EXPECT_EQ(*DecodePublicKeyText(Base64Encode(key)), key);
  Bytes bls(48, 0xa1);
  EXPECT_EQ(*DecodePublicKeyText(Base64Encode(bls)), bls);
  EXPECT_EQ(DecodePublicKeyText("0x00").status().code(), "invalid_public_key");
}

TEST(RequestBytes, EveryGoEncodedMessageRoundTrips) {
  // Whatever the bytes, Go's encoding decodes to them: no message is refused or re-read as hex.
  std::mt19937_64 rng(2048);
  for (int i = 0; i < 20000; ++i) {
    Bytes m(rng() % 40);
    for (auto& b : m) b = static_cast<uint8_t>(rng());
    std::string text = Base64Encode(m);
    auto r = DecodeRequestBytes(text, ByteEncoding::kAuto, "message");
    ASSERT_TRUE(r.ok()) << text;
    ASSERT_EQ(*r, m) << text;
  }
}

}  // namespace
}  // namespace cryfttee
