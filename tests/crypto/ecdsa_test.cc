#include "crypto/ecdsa.h"

#include <gtest/gtest.h>

#include "core/sha256.h"
#include "openssl_oracle.h"

namespace cryfttee::crypto {
namespace {

struct CurveCase {
  EcCurve curve;
  const char* openssl_group;
  const char* order_hex;
  const char* half_order_hex;
  const char* generator_compressed;  // public key of secret 1
};

const CurveCase kCases[] = {
    {EcCurve::kSecp256k1, "secp256k1",
     "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
     "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0",
     "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    {EcCurve::kP256, "prime256v1",
     "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
     "7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8",
     "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"},
};

class EcdsaTest : public ::testing::TestWithParam<CurveCase> {};

Bytes Hex(const std::string& s) { return HexDecode(s).value(); }

TEST_P(EcdsaTest, PublicKeyOfOneIsTheGenerator) {
  Bytes one(32, 0);
  one[31] = 1;
  auto pk = EcPublicKey(GetParam().curve, one);
  ASSERT_TRUE(pk.ok()) << pk.status().ToString();
  EXPECT_EQ(HexEncode(*pk), GetParam().generator_compressed);
}

TEST_P(EcdsaTest, RejectsOutOfRangeSecrets) {
  EcCurve curve = GetParam().curve;
  EXPECT_EQ(EcValidateSecretKey(curve, Bytes(32, 0)).code(), "invalid_secret_key");
  EXPECT_EQ(EcValidateSecretKey(curve, Hex(GetParam().order_hex)).code(), "invalid_secret_key");
  EXPECT_EQ(EcValidateSecretKey(curve, Bytes(32, 0xff)).code(), "invalid_secret_key");
  EXPECT_EQ(EcValidateSecretKey(curve, Bytes(31, 1)).code(), "invalid_secret_key");
  Bytes n_minus_1 = Hex(GetParam().order_hex);
  n_minus_1[31] -= 1;
  EXPECT_TRUE(EcValidateSecretKey(curve, n_minus_1).ok());
  EXPECT_EQ(EcdsaSignDigest(curve, Bytes(32, 0), Bytes(32, 1)).status().code(),
            "invalid_secret_key");
}

TEST_P(EcdsaTest, SignaturesVerifyUnderAnIndependentOpenSslOracle) {
  EcCurve curve = GetParam().curve;
  Bytes half = Hex(GetParam().half_order_hex);
  for (int i = 0; i < 40; ++i) {
    auto secret = EcGenerateSecretKey(curve);
    ASSERT_TRUE(secret.ok());
    auto pk = EcPublicKey(curve, secret->span());
    ASSERT_TRUE(pk.ok());
    ASSERT_EQ(pk->size(), 33u);
    std::string message = "cryfttee ecdsa test message " + std::to_string(i);
    Sha256Digest digest = Sha256(AsBytes(message));
    auto sig = EcdsaSignDigest(curve, secret->span(), digest);
    ASSERT_TRUE(sig.ok()) << sig.status().ToString();
    ASSERT_EQ(sig->compact.size(), 64u);
    // Low-S: s <= n/2, compared as 32-byte big-endian numbers.
    EXPECT_LE(Bytes(sig->compact.begin() + 32, sig->compact.end()), half);
    auto der_from_compact = EcdsaCompactToDer(sig->compact);
    ASSERT_TRUE(der_from_compact.ok());
    EXPECT_EQ(*der_from_compact, sig->der);

    EXPECT_TRUE(
        testing::OracleVerifySha256(GetParam().openssl_group, *pk, AsBytes(message), sig->der));
    EXPECT_TRUE(EcdsaVerifyDigest(curve, *pk, digest, sig->der));
    EXPECT_TRUE(EcdsaVerifyDigest(curve, *pk, digest, sig->compact));

    Bytes tampered = sig->der;
    tampered[tampered.size() - 1] ^= 1;
    EXPECT_FALSE(testing::OracleVerifySha256(GetParam().openssl_group, *pk, AsBytes(message + "x"),
                                             sig->der));
    EXPECT_FALSE(EcdsaVerifyDigest(curve, *pk, digest, tampered));
    Sha256Digest other = Sha256(AsBytes(message + "x"));
    EXPECT_FALSE(EcdsaVerifyDigest(curve, *pk, other, sig->der));
  }
}

TEST_P(EcdsaTest, UncompressedKeysNormaliseAndVerify) {
  EcCurve curve = GetParam().curve;
  auto secret = EcGenerateSecretKey(curve);
  ASSERT_TRUE(secret.ok());
  auto pk = EcPublicKey(curve, secret->span());
  ASSERT_TRUE(pk.ok());
  EVP_PKEY* pkey = testing::OraclePublicKey(GetParam().openssl_group, *pk);
  ASSERT_NE(pkey, nullptr);
  uint8_t point[65];
  size_t len = 0;
  ASSERT_EQ(
      EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &len),
      1);
  EVP_PKEY_free(pkey);
  Bytes uncompressed(point, point + len);
  if (uncompressed.size() == 65) {
    auto normalized = EcNormalizePublicKey(curve, uncompressed);
    ASSERT_TRUE(normalized.ok());
    EXPECT_EQ(*normalized, *pk);
  }
  Bytes off_curve = *pk;
  off_curve[0] = 0x05;
  EXPECT_EQ(EcNormalizePublicKey(curve, off_curve).status().code(), "invalid_public_key");
}

TEST_P(EcdsaTest, WrongDigestLengthIsAnError) {
  EcCurve curve = GetParam().curve;
  auto secret = EcGenerateSecretKey(curve);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(EcdsaSignDigest(curve, secret->span(), Bytes(31, 1)).status().code(), "invalid_digest");
  EXPECT_EQ(EcdsaSignDigest(curve, secret->span(), Bytes(33, 1)).status().code(), "invalid_digest");
}

TEST_P(EcdsaTest, HighSTwinStillVerifies) {
  EcCurve curve = GetParam().curve;
  auto secret = EcGenerateSecretKey(curve);
  auto pk = EcPublicKey(curve, secret->span());
  Sha256Digest digest = Sha256(AsBytes("twin"));
  auto sig = EcdsaSignDigest(curve, secret->span(), digest);
  ASSERT_TRUE(sig.ok());
  // s' = n - s, computed on bytes with a simple big-endian subtraction.
  Bytes n = Hex(GetParam().order_hex);
  Bytes twin = sig->compact;
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int v = n[i] - sig->compact[32 + i] - borrow;
    borrow = v < 0;
    twin[32 + i] = static_cast<uint8_t>(v + (borrow ? 256 : 0));
  }
  EXPECT_TRUE(EcdsaVerifyDigest(curve, *pk, digest, twin));
}

INSTANTIATE_TEST_SUITE_P(Curves, EcdsaTest, ::testing::ValuesIn(kCases), [](const auto& info) {
  return std::string(EcCurveName(info.param.curve));
});

TEST(EcdsaDer, RejectsMalformedAndNonCanonical) {
  EXPECT_EQ(EcdsaDerToCompact(Bytes{0x30, 0x00}).status().code(), "invalid_signature");
  EXPECT_EQ(EcdsaDerToCompact(Bytes{}).status().code(), "invalid_signature");
  // r = 1 encoded with a superfluous leading zero: BER, not DER.
  Bytes ber = {0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01};
  EXPECT_EQ(EcdsaDerToCompact(ber).status().code(), "invalid_signature");
  Bytes der = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02};
  auto compact = EcdsaDerToCompact(der);
  ASSERT_TRUE(compact.ok());
  EXPECT_EQ((*compact)[31], 1);
  EXPECT_EQ((*compact)[63], 2);
  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(EcdsaDerToCompact(trailing).status().code(), "invalid_signature");
}

}  // namespace
}  // namespace cryfttee::crypto
