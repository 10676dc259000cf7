// Ed25519 wrapper and the canonical signed form of a manifest entry.
#include <gtest/gtest.h>

#include <string>

#include "core/bytes.h"
#include "crypto/ed25519.h"
#include "modules/manifest.h"
#include "modules/signing.h"

namespace cryfttee::modules {
namespace {

SecretBytes Seed(const char* hex) { return SecretBytes(*HexDecode(hex)); }

// RFC 8032 §7.1, TEST 1 and TEST 2.
TEST(Ed25519, Rfc8032Vectors) {
  struct {
    const char* seed;
    const char* pub;
    const char* msg;
    const char* sig;
  } vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf"
       "9"
       "b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f"
       "1"
       "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const auto& v : vectors) {
    SecretBytes seed = Seed(v.seed);
    auto pub = crypto::Ed25519PublicKey(seed);
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(HexEncode(*pub), v.pub);
    Bytes msg = *HexDecode(v.msg);
    auto sig = crypto::Ed25519Sign(seed, msg);
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(HexEncode(*sig), v.sig);
    EXPECT_TRUE(crypto::Ed25519Verify(*pub, msg, *sig));
    Bytes bad = *sig;
    bad[10] ^= 1;
    EXPECT_FALSE(crypto::Ed25519Verify(*pub, msg, bad));
    Bytes other_msg = msg;
    other_msg.push_back(0);
    EXPECT_FALSE(crypto::Ed25519Verify(*pub, other_msg, *sig));
  }
}

TEST(Ed25519, MalformedInputsAreFalseNotCrashes) {
  auto pair = crypto::Ed25519Generate();
  ASSERT_TRUE(pair.ok());
  Bytes msg = {1, 2, 3};
  Bytes sig = *crypto::Ed25519Sign(pair->seed, msg);
  EXPECT_TRUE(crypto::Ed25519Verify(pair->public_key, msg, sig));
  EXPECT_FALSE(crypto::Ed25519Verify(Bytes(31, 0), msg, sig));
  EXPECT_FALSE(crypto::Ed25519Verify(pair->public_key, msg, Bytes(63, 0)));
  EXPECT_FALSE(crypto::Ed25519Verify(pair->public_key, msg, Bytes(64, 0xff)));
  EXPECT_FALSE(crypto::Ed25519Verify({}, msg, {}));
  EXPECT_FALSE(crypto::Ed25519Sign(SecretBytes(31), msg).ok());
}

TEST(Ed25519, PemRoundTrip) {
  auto pair = crypto::Ed25519Generate();
  ASSERT_TRUE(pair.ok());
  auto pem = crypto::Ed25519SeedToPem(pair->seed);
  ASSERT_TRUE(pem.ok());
  std::string text(reinterpret_cast<const char*>(pem->data()), pem->size());
  EXPECT_EQ(text.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  auto back = crypto::Ed25519SeedFromPem(pem->span());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HexEncode(back->span()), HexEncode(pair->seed.span()));
  EXPECT_FALSE(crypto::Ed25519SeedFromPem(AsBytes("not a key")).ok());
  EXPECT_EQ(crypto::Ed25519SeedFromPem(AsBytes("not a key")).status().code(),
            "invalid_private_key");
}

ManifestEntry Entry() {
  ManifestEntry e;
  e.id = "bls_tls_signer_v1";
  e.dir = "bls_tls_signer_v1";
  e.file = "module.wasm";
  e.version = "1.0.0";
  e.min_cryfttee_version = "0.4.0";
  e.capabilities = {"tls_sign", "bls_sign", "bls_register"};
  e.publisher_id = "cryft-labs";
  e.hash = "sha256:" + std::string(64, 'a');
  return e;
}

// The signed form is a wire format: publishers sign offline with other tools, so it must not
// drift. This is the exact text docs/module-abi.md specifies.
TEST(CanonicalMessage, ExactBytes) {
  EXPECT_EQ(CanonicalSigningMessage(Entry()),
            "cryfttee-module-v1\n"
            "{\"capabilities\":[\"bls_register\",\"bls_sign\",\"tls_sign\"],"
            "\"hash\":\"sha256:" +
                std::string(64, 'a') +
                "\",\"id\":\"bls_tls_signer_v1\",\"minCryfteeVersion\":\"0.4.0\","
                "\"publisherId\":\"cryft-labs\",\"version\":\"1.0.0\"}");
}

TEST(CanonicalMessage, EveryIdentityFieldIsBoundAndOperatorFieldsAreNot) {
  auto pair = crypto::Ed25519Generate();
  ASSERT_TRUE(pair.ok());
  ManifestEntry e = Entry();
  auto sig = SignManifestEntry(e, pair->seed);
  ASSERT_TRUE(sig.ok());
  e.signature = *sig;
  ASSERT_TRUE(VerifyManifestEntrySignature(e, pair->public_key));

  // Relabelling signed bytes under another identity must fail.
  auto mutate = [&](auto fn) {
    ManifestEntry m = e;
    fn(m);
    return VerifyManifestEntrySignature(m, pair->public_key);
  };
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.id = "other"; }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.version = "1.0.1"; }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.hash = "sha256:" + std::string(64, 'b'); }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.min_cryfttee_version = "0.1.0"; }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.publisher_id = "evil"; }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.capabilities.push_back("bls_extra"); }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.capabilities.pop_back(); }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.signature = ""; }));
  EXPECT_FALSE(mutate([](ManifestEntry& m) { m.signature = "!!notbase64"; }));

  // The operator's choices are not signed.
  EXPECT_TRUE(mutate([](ManifestEntry& m) { m.default_for["bls"] = true; }));
  EXPECT_TRUE(mutate([](ManifestEntry& m) { m.dir = "elsewhere"; }));
  EXPECT_TRUE(mutate([](ManifestEntry& m) { m.description = "changed"; }));
  // Capabilities are a set: order carries no meaning.
  EXPECT_TRUE(mutate([](ManifestEntry& m) { std::swap(m.capabilities[0], m.capabilities[2]); }));

  auto other = crypto::Ed25519Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(VerifyManifestEntrySignature(e, other->public_key));
}

TEST(CanonicalMessage, RefusesToSignWithoutHash) {
  ManifestEntry e = Entry();
  e.hash.clear();
  auto pair = crypto::Ed25519Generate();
  EXPECT_FALSE(SignManifestEntry(e, pair->seed).ok());
}

}  // namespace
}  // namespace cryfttee::modules
