// Which key the gRPC signer serves (rpcsigner::ResolveServedKey) against a real vault on disk:
// the named one, or the vault's oldest BLS key; every refusal names --rpcsigner-key.
#include <gtest/gtest.h>

#include "keys/vault.h"
#include "rpcsigner/signer_backend.h"
#include "support/daemon_process.h"
#include "tee/in_process_client.h"

namespace cryfttee::rpcsigner {
namespace {

std::shared_ptr<keys::KeyVault> OpenVault(const cryfttee::testing::TempDir& dir) {
  keys::VaultOptions options;
  options.data_dir = dir.path();
  options.seal.use_environment = false;
  auto vault = keys::KeyVault::Open(options);
  EXPECT_TRUE(vault.ok()) << vault.status().ToString();
  return vault.ok() ? std::move(*vault) : nullptr;
}

void ExpectRefused(const Result<keys::KeyInfo>& r, const std::string& code) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code);
  EXPECT_NE(r.status().message().find("--rpcsigner-key"), std::string::npos)
      << r.status().message();
}

TEST(ServedKey, AnEmptyVaultIsAClearStartUpError) {
  cryfttee::testing::TempDir dir;
  auto vault = OpenVault(dir);
  ASSERT_TRUE(vault);
  auto r = ResolveServedKey(*tee::MakeInProcessClient(vault), "");
  ExpectRefused(r, "no_bls_key");
  EXPECT_EQ(r.status().category(), StatusCategory::kFailedPrecondition);
}

TEST(ServedKey, DefaultIsTheOldestBlsKeyNeverAnotherType) {
  cryfttee::testing::TempDir dir;
  auto vault = OpenVault(dir);
  ASSERT_TRUE(vault);
  auto tls = vault->Generate(keys::KeyType::kP256, "tls");
  ASSERT_TRUE(tls.ok()) << tls.status().ToString();
  ExpectRefused(ResolveServedKey(*tee::MakeInProcessClient(vault), ""),
                "no_bls_key");  // a TLS key is not served

  auto bls = vault->Generate(keys::KeyType::kBls, "staking");
  ASSERT_TRUE(bls.ok()) << bls.status().ToString();
  auto served = ResolveServedKey(*tee::MakeInProcessClient(vault), "");
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ(served->handle, bls->handle);
  EXPECT_EQ(served->public_key, bls->public_key);
  EXPECT_EQ(served->public_key.size(), 48u);
}

TEST(ServedKey, ANamedKeyMustExistAndBeBls) {
  cryfttee::testing::TempDir dir;
  auto vault = OpenVault(dir);
  ASSERT_TRUE(vault);
  auto tls = vault->Generate(keys::KeyType::kP256, "tls");
  auto first = vault->Generate(keys::KeyType::kBls, "first");
  auto second = vault->Generate(keys::KeyType::kBls, "second");
  ASSERT_TRUE(tls.ok() && first.ok() && second.ok());

  auto named = ResolveServedKey(*tee::MakeInProcessClient(vault), second->handle);
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(named->handle, second->handle);

  auto missing = ResolveServedKey(*tee::MakeInProcessClient(vault), "bls-nope");
  ExpectRefused(missing, "key_not_found");
  EXPECT_EQ(missing.status().category(), StatusCategory::kNotFound);
  auto wrong = ResolveServedKey(*tee::MakeInProcessClient(vault), tls->handle);
  ExpectRefused(wrong, "wrong_key_type");
  EXPECT_EQ(wrong.status().category(), StatusCategory::kInvalidArgument);
}

}  // namespace
}  // namespace cryfttee::rpcsigner
