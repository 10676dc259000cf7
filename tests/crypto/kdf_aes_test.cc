#include <gtest/gtest.h>

#include "crypto/aes.h"
#include "crypto/kdf.h"

namespace cryfttee::crypto {
namespace {

Bytes Hex(const std::string& s) { return HexDecode(s).value(); }
std::string Hex(const SecretBytes& b) { return HexEncode(b.span()); }

TEST(Hkdf, Rfc5869TestCase1) {
  auto okm = HkdfSha256(Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                        Hex("000102030405060708090a0b0c"), Hex("f0f1f2f3f4f5f6f7f8f9"), 42);
  ASSERT_TRUE(okm.ok()) << okm.status().ToString();
  EXPECT_EQ(Hex(*okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Hkdf, Rfc5869TestCase3EmptySaltAndInfo) {
  auto okm = HkdfSha256(Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), {}, {}, 42);
  ASSERT_TRUE(okm.ok()) << okm.status().ToString();
  EXPECT_EQ(Hex(*okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  EXPECT_EQ(HkdfSha256(Hex("00"), {}, {}, 0).status().code(), "invalid_kdf_params");
}

TEST(Pbkdf2, Rfc7914Vector) {
  auto dk = Pbkdf2HmacSha256(AsBytes("passwd"), AsBytes("salt"), 1, 64);
  ASSERT_TRUE(dk.ok()) << dk.status().ToString();
  EXPECT_EQ(Hex(*dk),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664"
            "b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(Pbkdf2HmacSha256(AsBytes("p"), AsBytes("s"), 0, 32).status().code(),
            "invalid_kdf_params");
}

TEST(Scrypt, Rfc7914Vector) {
  auto dk = Scrypt(AsBytes("password"), AsBytes("NaCl"), {1024, 8, 16}, 64, 64 << 20);
  ASSERT_TRUE(dk.ok()) << dk.status().ToString();
  EXPECT_EQ(Hex(*dk),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109"
            "279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(Scrypt, RejectsBadOrExpensiveParameters) {
  EXPECT_EQ(Scrypt(AsBytes("p"), AsBytes("s"), {1000, 8, 1}, 32, 1 << 30).status().code(),
            "invalid_kdf_params");  // not a power of two
  EXPECT_EQ(Scrypt(AsBytes("p"), AsBytes("s"), {1024, 0, 1}, 32, 1 << 30).status().code(),
            "invalid_kdf_params");
  EXPECT_EQ(Scrypt(AsBytes("p"), AsBytes("s"), {1ull << 40, 8, 1}, 32, 1 << 30).status().code(),
            "invalid_kdf_params");  // far over the memory budget
  EXPECT_EQ(ScryptMemoryBytes({262144, 8, 1}), 268436480u);
  EXPECT_EQ(ScryptMemoryBytes({~0ull, ~0u, ~0u}), 0u);  // overflow is reported as 0
}

TEST(AesGcm, McGrewViegaTestCases13And14) {
  Bytes key(32, 0), nonce(12, 0);
  auto empty = Aes256GcmSeal(key, nonce, {}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(HexEncode(*empty), "530f8afbc74536b9a963b4f1c4cb738b");
  auto block = Aes256GcmSeal(key, nonce, {}, Bytes(16, 0));
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(HexEncode(*block), "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
}

TEST(AesGcm, RoundTripAndAuthenticationFailures) {
  Bytes key(32, 7), nonce(12, 9);
  Bytes aad = {1, 2, 3};
  Bytes plaintext(100, 0x42);
  auto sealed = Aes256GcmSeal(key, nonce, aad, plaintext);
  ASSERT_TRUE(sealed.ok());
  auto opened = Aes256GcmOpen(key, nonce, aad, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Bytes(opened->span().begin(), opened->span().end()), plaintext);

  Bytes tampered = *sealed;
  tampered[5] ^= 0x80;
  EXPECT_EQ(Aes256GcmOpen(key, nonce, aad, tampered).status().code(), "decryption_failed");
  EXPECT_EQ(Aes256GcmOpen(key, nonce, Bytes{1, 2, 4}, *sealed).status().code(),
            "decryption_failed");
  Bytes other_key(32, 8);
  EXPECT_EQ(Aes256GcmOpen(other_key, nonce, aad, *sealed).status().code(), "decryption_failed");
  EXPECT_EQ(Aes256GcmOpen(key, nonce, aad, Bytes(15, 0)).status().code(), "decryption_failed");
  EXPECT_EQ(Aes256GcmSeal(Bytes(16, 0), nonce, aad, plaintext).status().code(),
            "invalid_cipher_params");
}

TEST(AesCtr, Sp800_38aF51) {
  auto out =
      Aes128Ctr(Hex("2b7e151628aed2a6abf7158809cf4f3c"), Hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
                Hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Hex(*out), "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
}

}  // namespace
}  // namespace cryfttee::crypto
