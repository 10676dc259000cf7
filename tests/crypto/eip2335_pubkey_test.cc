// EIP-2335 vectors end to end: each keystore decrypts to a secret whose BLS public key is the
// spec's pubkey. Separate binary because it needs the BLS implementation.
#include <gtest/gtest.h>

#include "crypto/bls12_381/bls.h"
#include "crypto/eip2335.h"
#include "shared_vectors.h"

namespace cryfttee::crypto {
namespace {

using nlohmann::json;

TEST(Eip2335Bls, KeystoresDecryptToTheExpectedPublicKey) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  std::string base = testing::SharedDir() + "/vectors/eip2335/";
  const json vectors = json::parse(testing::ReadText(base + "test_vectors.json"));
  ASSERT_EQ(vectors["test_cases"].size(), 2u);
  for (const auto& c : vectors["test_cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto keystore = Eip2335Decrypt(testing::ReadText(base + c["keystore_file"].get<std::string>()),
                                   c["password"].get<std::string>());
    ASSERT_TRUE(keystore.ok()) << keystore.status().ToString();
    auto sk = bls::SecretKey::FromBytes(keystore->secret.span());
    ASSERT_TRUE(sk.ok()) << sk.status().ToString();
    auto pk = sk->GetPublicKey().ToBytes();
    EXPECT_EQ(HexEncode(pk), c["pubkey"].get<std::string>());
    EXPECT_EQ(keystore->declared_pubkey, Bytes(pk.begin(), pk.end()));
  }
}

}  // namespace
}  // namespace cryfttee::crypto
