#include "keys/vault.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/sha256.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/node_id.h"
#include "crypto/openssl_oracle.h"
#include "crypto/shared_vectors.h"
#include "keys/key_file.h"
#include "keys/key_material.h"
#include "vault_fixture.h"

namespace cryfttee::keys {
namespace {

using nlohmann::json;
using testing::VaultTest;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

bool HasProblem(const KeyVault& vault, const std::string& code) {
  for (const auto& p : vault.load_problems()) {
    if (p.code == code) return true;
  }
  return false;
}

Bytes KnownSecret() {
  Bytes secret(32, 0x11);
  secret[0] = 0x01;
  return secret;
}

const char* OracleGroup(KeyType type) {
  return type == KeyType::kSecp256k1 ? "secp256k1" : "prime256v1";
}

TEST_F(VaultTest, GeneratesSignsAndListsEveryKeyType) {
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ(vault->seal_source(), SealSource::kPasswordFile);
  auto bls_key = vault->Generate(KeyType::kBls, "validator-bls");
  auto k1 = vault->Generate(KeyType::kSecp256k1, "node-tls");
  auto p256 = vault->Generate(KeyType::kP256, "");
  ASSERT_TRUE(bls_key.ok() && k1.ok() && p256.ok()) << bls_key.status().ToString();
  EXPECT_TRUE(bls_key->handle.starts_with("bls-"));
  EXPECT_TRUE(k1->handle.starts_with("secp256k1-"));
  EXPECT_TRUE(p256->handle.starts_with("p256-"));
  EXPECT_EQ(bls_key->public_key.size(), 48u);
  EXPECT_EQ(k1->public_key.size(), 33u);
  EXPECT_EQ(bls_key->handle, HandleFor(KeyType::kBls, bls_key->public_key));
  EXPECT_EQ(bls_key->label, "validator-bls");
  EXPECT_GT(bls_key->created_at, 1700000000);
  EXPECT_EQ(bls_key->sign_count, 0u);
  EXPECT_FALSE(bls_key->last_sign_at.has_value());

  auto list = vault->List();
  ASSERT_EQ(list.size(), 3u);
  std::set<std::string> handles;
  for (const auto& k : list) handles.insert(k.handle);
  EXPECT_EQ(handles, (std::set<std::string>{bls_key->handle, k1->handle, p256->handle}));

  // BLS: ordinary signature and proof of possession, checked with bls::Verify/PopVerify.
  Bytes message = {'h', 'e', 'l', 'l', 'o'};
  auto sig = vault->SignBls(bls_key->handle, message);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  auto pk = bls::PublicKey::FromBytes(bls_key->public_key);
  auto parsed_sig = bls::Signature::FromBytes(*sig);
  ASSERT_TRUE(pk.ok() && parsed_sig.ok());
  EXPECT_TRUE(bls::Verify(*pk, message, *parsed_sig));
  EXPECT_FALSE(bls::Verify(*pk, message, *parsed_sig, bls::kDstPop));
  auto pop = vault->ProveBlsPossession(bls_key->handle);
  ASSERT_TRUE(pop.ok());
  auto parsed_pop = bls::Signature::FromBytes(*pop);
  ASSERT_TRUE(parsed_pop.ok());
  EXPECT_TRUE(bls::PopVerify(*pk, *parsed_pop));
  auto pop_dst = vault->SignBls(bls_key->handle, message, BlsDst::kProofOfPossession);
  ASSERT_TRUE(pop_dst.ok());
  EXPECT_NE(*pop_dst, *sig);

  // ECDSA: verified by the independent OpenSSL oracle.
  for (const auto* key : {&*k1, &*p256}) {
    std::string text = "digest me";
    Sha256Digest digest = Sha256(AsBytes(text));
    auto ecdsa = vault->SignEcdsaDigest(key->handle, digest);
    ASSERT_TRUE(ecdsa.ok()) << ecdsa.status().ToString();
    EXPECT_TRUE(cryfttee::testing::OracleVerifySha256(OracleGroup(key->type), key->public_key,
                                                      AsBytes(text), ecdsa->der));
    EXPECT_EQ(ecdsa->compact.size(), 64u);
  }

  auto after = vault->Get(bls_key->handle);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->sign_count, 3u);
  ASSERT_TRUE(after->last_sign_at.has_value());
  EXPECT_GT(*after->last_sign_at, after->created_at * 1000 - 1000);
  EXPECT_EQ(vault->Get(k1->handle)->sign_count, 1u);

  // Key files are private and do not contain the secret in any obvious form.
  struct stat st {};
  ASSERT_EQ(::stat(KeyPath(bls_key->handle).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(VaultTest, ImportsAvalancheLocalSignersToTheirPublishedKeysAndPops) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  json v = json::parse(cryfttee::testing::ReadText(cryfttee::testing::SharedDir() +
                                                   "/vectors/avalanche/bls_local_signers.json"));
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  ASSERT_EQ(v["signers"].size(), 5u);
  for (const auto& s : v["signers"]) {
    auto secret = HexDecode(s["secret_key_file_bytes_hex"].get<std::string>());
    ASSERT_TRUE(secret.ok());
    auto info = vault->Import(KeyType::kBls, *secret, s["name"].get<std::string>());
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ("0x" + HexEncode(info->public_key), s["public_key_compressed"].get<std::string>());
    auto pop = vault->ProveBlsPossession(info->handle);
    ASSERT_TRUE(pop.ok());
    EXPECT_EQ("0x" + HexEncode(*pop), s["proof_of_possession"].get<std::string>());
  }
}

TEST_F(VaultTest, ImportIsIdempotentAndHandlesComeFromThePublicKey) {
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  Bytes one(32, 0);
  one[31] = 1;
  auto first = vault->Import(KeyType::kSecp256k1, one, "first label");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(HexEncode(first->public_key),
            "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  EXPECT_EQ(first->handle, "secp256k1-" + HexEncode(ByteSpan(Sha256(first->public_key).data(), 8)));
  auto again = vault->Import(KeyType::kSecp256k1, one, "second label");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->handle, first->handle);
  EXPECT_EQ(again->label, "first label");
  EXPECT_EQ(vault->List().size(), 1u);
  // The same scalar on another curve is another key.
  auto p256 = vault->Import(KeyType::kP256, one, "");
  ASSERT_TRUE(p256.ok());
  EXPECT_NE(p256->handle, first->handle);

  auto by_pubkey = vault->FindByPublicKey(first->public_key);
  ASSERT_TRUE(by_pubkey.ok());
  EXPECT_EQ(by_pubkey->handle, first->handle);
  EXPECT_EQ(vault->FindByPublicKey(Bytes(33, 2)).status().code(), "key_not_found");
}

TEST_F(VaultTest, BadRequestsGiveStableErrorCodes) {
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  auto bls_key = vault->Generate(KeyType::kBls, "");
  auto ec_key = vault->Generate(KeyType::kP256, "");
  ASSERT_TRUE(bls_key.ok() && ec_key.ok());
  EXPECT_EQ(vault->Get("bls-0000000000000000").status().code(), "key_not_found");
  EXPECT_EQ(vault->Get("bls-0000000000000000").status().category(), StatusCategory::kNotFound);
  EXPECT_EQ(vault->SignBls("nope", Bytes{1}).status().code(), "key_not_found");
  EXPECT_EQ(vault->SignBls(ec_key->handle, Bytes{1}).status().code(), "wrong_key_type");
  EXPECT_EQ(vault->SignEcdsaDigest(bls_key->handle, Bytes(32, 1)).status().code(),
            "wrong_key_type");
  EXPECT_EQ(vault->SignEcdsaDigest(ec_key->handle, Bytes(31, 1)).status().code(), "invalid_digest");
  EXPECT_EQ(vault->SignEcdsaDigest(ec_key->handle, Bytes(33, 1)).status().code(), "invalid_digest");
  EXPECT_EQ(vault->Import(KeyType::kBls, Bytes(31, 1), "").status().code(), "invalid_secret_key");
  EXPECT_EQ(vault->Import(KeyType::kBls, Bytes(32, 0), "").status().code(), "invalid_secret_key");
  EXPECT_EQ(vault->Import(KeyType::kBls, Bytes(32, 0xff), "").status().code(),
            "invalid_secret_key");
  EXPECT_EQ(vault->Import(KeyType::kSecp256k1, Bytes(32, 0), "").status().code(),
            "invalid_secret_key");
  EXPECT_EQ(vault->Generate(KeyType::kBls, std::string(300, 'x')).status().code(), "invalid_label");
  EXPECT_EQ(vault->ExportEip2335(ec_key->handle, "pw", {}).status().code(), "wrong_key_type");
  EXPECT_EQ(vault->CreateSelfSignedCertificate(bls_key->handle, {}).status().code(),
            "wrong_key_type");
  EXPECT_EQ(vault->ImportEip2335("{}", "pw", "").status().code(), "invalid_keystore");
  // Failed operations never count as signatures.
  EXPECT_EQ(vault->Get(ec_key->handle)->sign_count, 0u);
}

TEST_F(VaultTest, RestartKeepsHandlesKeysAndLabels) {
  VaultOptions options = Options();
  std::vector<KeyInfo> before;
  Bytes message = {9, 9, 9};
  Bytes bls_sig;
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    for (KeyType t : {KeyType::kBls, KeyType::kSecp256k1, KeyType::kP256, KeyType::kBls}) {
      ASSERT_TRUE(vault->Generate(t, std::string("label-") + std::string(KeyTypeName(t))).ok());
    }
    before = vault->List();
    bls_sig = vault->SignBls(before[0].handle, message).value();
  }
  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_TRUE(vault->load_problems().empty());
  auto after = vault->List();
  ASSERT_EQ(after.size(), before.size());
  for (const auto& k : before) {
    auto found = vault->Get(k.handle);
    ASSERT_TRUE(found.ok()) << k.handle;
    EXPECT_EQ(found->public_key, k.public_key);
    EXPECT_EQ(found->label, k.label);
    EXPECT_EQ(found->created_at, k.created_at);
    EXPECT_EQ(found->type, k.type);
  }
  // BLS signing is deterministic: the same key gives the same signature after the restart.
  EXPECT_EQ(vault->SignBls(before[0].handle, message).value(), bls_sig);
}

TEST_F(VaultTest, ASecondOpenOfTheSameVaultIsRefused) {
  VaultOptions options = Options();
  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  auto second = KeyVault::Open(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), "vault_locked");
  vault.reset();
  EXPECT_TRUE(KeyVault::Open(options).ok());
}

TEST_F(VaultTest, TamperedAndDamagedFilesAreReportedNotFatal) {
  VaultOptions options = Options();
  std::string good, relabelled, flipped, truncated, renamed_from;
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    good = vault->Generate(KeyType::kBls, "good")->handle;
    relabelled = vault->Generate(KeyType::kP256, "original")->handle;
    flipped = vault->Import(KeyType::kSecp256k1, KnownSecret(), "")->handle;
    truncated = vault->Generate(KeyType::kBls, "")->handle;
    renamed_from = vault->Generate(KeyType::kP256, "")->handle;
  }
  // Authenticated metadata: changing the label breaks the tag.
  std::string text = Slurp(KeyPath(relabelled));
  json doc = json::parse(text);
  doc["label"] = "attacker";
  Spit(KeyPath(relabelled), doc.dump());
  // A flipped ciphertext bit.
  doc = json::parse(Slurp(KeyPath(flipped)));
  std::string ct = doc["ciphertext"];
  ct[0] = ct[0] == '0' ? '1' : '0';
  doc["ciphertext"] = ct;
  Spit(KeyPath(flipped), doc.dump());
  // Half a file.
  text = Slurp(KeyPath(truncated));
  Spit(KeyPath(truncated), text.substr(0, text.size() / 2));
  // A key file under another key's name.
  std::filesystem::rename(KeyPath(renamed_from), KeyPath("p256-0000000000000000"));

  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_TRUE(vault->Get(good).ok());
  for (const auto& h : {relabelled, flipped, truncated, renamed_from}) {
    EXPECT_EQ(vault->Get(h).status().code(), "key_not_found") << h;
  }
  EXPECT_EQ(vault->List().size(), 1u);
  EXPECT_EQ(vault->load_problems().size(), 4u);
  EXPECT_TRUE(HasProblem(*vault, "key_file_corrupt"));
  EXPECT_TRUE(HasProblem(*vault, "key_file_invalid"));
  // A damaged file is never overwritten: re-importing its key is refused with a clear code.
  EXPECT_EQ(vault->Import(KeyType::kSecp256k1, KnownSecret(), "").status().code(),
            "key_file_exists");
  EXPECT_TRUE(vault->Generate(KeyType::kBls, "").ok());
}

// Open() authenticates every file but derives public keys lazily: a file sealed with the right
// root whose secret is not its public key's (a faulty writer) opens, and its first use and every
// later one fail with key_file_corrupt; other keys are unaffected.
TEST_F(VaultTest, ASecretThatDoesNotMatchItsPublicKeyFailsAtFirstUse) {
  VaultOptions options = Options();
  std::string bad, good;
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    bad = vault->Generate(KeyType::kBls, "")->handle;
    good = vault->Generate(KeyType::kBls, "")->handle;
  }
  auto root = SealRoot::Open(options.data_dir + "/keys", options.seal, false);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  auto file = DecodeKeyFile(AsBytes(Slurp(KeyPath(bad))));
  ASSERT_TRUE(file.ok());
  auto resealed = root->Seal(file->salt, file->nonce, KeyFileAad(*file), KnownSecret());
  ASSERT_TRUE(resealed.ok());
  file->ciphertext = *resealed;
  Spit(KeyPath(bad), EncodeKeyFile(*file));

  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_TRUE(vault->load_problems().empty());  // it authenticates
  EXPECT_TRUE(vault->Get(bad).ok());
  for (int i = 0; i < 2; ++i) {
    auto sig = vault->SignBls(bad, AsBytes("m"));
    ASSERT_FALSE(sig.ok());
    EXPECT_EQ(sig.status().code(), "key_file_corrupt");
    EXPECT_NE(sig.status().message().find("does not match its public key"), std::string::npos);
  }
  EXPECT_EQ(vault->ProveBlsPossession(bad).status().code(), "key_file_corrupt");
  EXPECT_TRUE(vault->SignBls(good, AsBytes("m")).ok());
}

TEST_F(VaultTest, WrongSealSecretIsAClearError) {
  VaultOptions options = Options("first password");
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    ASSERT_TRUE(vault->Generate(KeyType::kBls, "").ok());
  }
  auto wrong = KeyVault::Open(Options("second password"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), "seal_secret_mismatch");
  EXPECT_NE(wrong.status().message().find("wrong seal password"), std::string::npos);
  auto none = KeyVault::Open(Options(""));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), "seal_secret_mismatch");
  EXPECT_TRUE(KeyVault::Open(Options("first password")).ok());
}

TEST_F(VaultTest, MachineSecretVaultRefusesAPasswordAndKeepsItsSecretPrivate) {
  VaultOptions machine = Options("");
  std::string handle;
  {
    auto vault = MustOpen(machine);
    ASSERT_NE(vault, nullptr);
    EXPECT_EQ(vault->seal_source(), SealSource::kMachineSecret);
    handle = vault->Generate(KeyType::kP256, "")->handle;
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir_ + "/data/keys/machine-secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  EXPECT_EQ(KeyVault::Open(Options("some password")).status().code(), "seal_secret_mismatch");
  auto vault = MustOpen(machine);
  ASSERT_NE(vault, nullptr);
  EXPECT_TRUE(vault->Get(handle).ok());
}

TEST_F(VaultTest, EnvironmentPasswordIsUsedWhenNoFileIsGiven) {
  VaultOptions options = Options("");
  options.seal.use_environment = true;
  ::setenv("CRYFTTEE_SEAL_PASSWORD", "from the environment", 1);
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    EXPECT_EQ(vault->seal_source(), SealSource::kEnvironment);
  }
  // The same password from a file opens it too; another password does not.
  EXPECT_TRUE(KeyVault::Open(Options("from the environment")).ok());
  ::setenv("CRYFTTEE_SEAL_PASSWORD", "different", 1);
  EXPECT_EQ(KeyVault::Open(options).status().code(), "seal_secret_mismatch");
  ::unsetenv("CRYFTTEE_SEAL_PASSWORD");
}

TEST_F(VaultTest, PermissiveModesAreRefused) {
  VaultOptions options = Options();
  std::string handle;
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    handle = vault->Generate(KeyType::kSecp256k1, "")->handle;
  }
  // A group-readable key file is refused (and named); the vault still opens.
  ASSERT_EQ(::chmod(KeyPath(handle).c_str(), 0640), 0);
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    EXPECT_EQ(vault->Get(handle).status().code(), "key_not_found");
    ASSERT_EQ(vault->load_problems().size(), 1u);
    EXPECT_EQ(vault->load_problems()[0].code, "insecure_permissions");
    EXPECT_NE(vault->load_problems()[0].message.find("chmod 600"), std::string::npos);
  }
  ASSERT_EQ(::chmod(KeyPath(handle).c_str(), 0600), 0);
  // A world-readable password file is refused outright.
  VaultOptions loose = options;
  loose.seal.password_file = PasswordFile("correct horse battery staple", 0644);
  EXPECT_EQ(KeyVault::Open(loose).status().code(), "insecure_permissions");
  // So is a keys directory that others can enter.
  ASSERT_EQ(::chmod((dir_ + "/data/keys").c_str(), 0755), 0);
  EXPECT_EQ(KeyVault::Open(options).status().code(), "insecure_permissions");
  ASSERT_EQ(::chmod((dir_ + "/data/keys").c_str(), 0700), 0);
  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_TRUE(vault->Get(handle).ok());
}

TEST_F(VaultTest, LeftoverTemporaryFilesAreSkippedAndRemoved) {
  VaultOptions options = Options();
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    ASSERT_TRUE(vault->Generate(KeyType::kBls, "").ok());
  }
  std::string temp = dir_ + "/data/keys/.bls-1234.key.tmp-99-abcdef";
  Spit(temp, "{\"half\":");
  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ(vault->List().size(), 1u);
  EXPECT_TRUE(HasProblem(*vault, "leftover_temp_file"));
  EXPECT_FALSE(std::filesystem::exists(temp));
}

TEST_F(VaultTest, Eip2335ImportAndExportRoundTrip) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  std::string base = cryfttee::testing::SharedDir() + "/vectors/eip2335/";
  json v = json::parse(cryfttee::testing::ReadText(base + "test_vectors.json"));
  const json& pbkdf2 = v["test_cases"][1];
  ASSERT_EQ(pbkdf2["kdf"], "pbkdf2");
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  auto info = vault->ImportEip2335(cryfttee::testing::ReadText(base + "keystore_pbkdf2.json"),
                                   pbkdf2["password"].get<std::string>(), "from keystore");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(HexEncode(info->public_key), pbkdf2["pubkey"].get<std::string>());
  EXPECT_EQ(info->type, KeyType::kBls);

  crypto::Eip2335EncryptOptions options;
  options.kdf = crypto::Eip2335Kdf::kPbkdf2;
  options.pbkdf2_iterations = 2048;
  auto exported = vault->ExportEip2335(info->handle, "export password", options);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_EQ(json::parse(*exported)["pubkey"], pbkdf2["pubkey"]);
  auto decrypted = crypto::Eip2335Decrypt(*exported, "export password");
  ASSERT_TRUE(decrypted.ok());
  EXPECT_EQ("0x" + HexEncode(decrypted->secret.span()), pbkdf2["secret"].get<std::string>());

  // A keystore whose declared pubkey is not its secret's is refused.
  json doc = json::parse(*exported);
  doc["pubkey"] = std::string(96, 'a');
  EXPECT_EQ(vault->ImportEip2335(doc.dump(), "export password", "").status().code(),
            "keystore_pubkey_mismatch");
  EXPECT_EQ(vault->ImportEip2335(*exported, "wrong", "").status().code(), "invalid_password");
}

TEST_F(VaultTest, CertificatesAreSignedByTheVaultKey) {
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  for (KeyType t : {KeyType::kP256, KeyType::kSecp256k1}) {
    auto key = vault->Generate(t, "tls");
    ASSERT_TRUE(key.ok());
    auto cert = vault->CreateSelfSignedCertificate(key->handle, {});
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    auto info = crypto::ParseCertificate(cert->der);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->public_key, key->public_key);
    EXPECT_TRUE(info->self_signed);
    auto id = crypto::NodeIdFromCertificateDer(cert->der);
    ASSERT_TRUE(id.ok());
    EXPECT_TRUE(crypto::FormatNodeId(*id).starts_with("NodeID-"));
  }
}

size_t KeyFileCount(const std::string& keys_dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(keys_dir)) {
    n += e.path().extension() == ".key";
  }
  return n;
}

TEST_F(VaultTest, TlsRegistrationStoresTheKeyWithItsCertificateOrNothing) {
  VaultOptions options = Options();
  std::string handle;
  Bytes der;
  {
    auto vault = MustOpen(options);
    ASSERT_NE(vault, nullptr);
    // Refused before anything is written: a bad CSR, a bad common name, a BLS key.
    crypto::CertificateOptions long_cn;
    long_cn.common_name = std::string(65, 'x');
    EXPECT_EQ(vault->RegisterTls(KeyType::kP256, {}, "", "garbage", {}).status().code(),
              "invalid_csr");
    EXPECT_EQ(vault->RegisterTls(KeyType::kSecp256k1, {}, "", "", long_cn).status().code(),
              "invalid_common_name");
    EXPECT_EQ(
        vault->RegisterTls(KeyType::kSecp256k1, KnownSecret(), "", "garbage", {}).status().code(),
        "invalid_csr");
    EXPECT_EQ(vault->RegisterTls(KeyType::kBls, {}, "", "", {}).status().code(),
              "invalid_key_type");
    EXPECT_EQ(vault->List().size(), 0u);
    EXPECT_EQ(KeyFileCount(vault->keys_dir()), 0u);

    auto reg = vault->RegisterTls(KeyType::kP256, {}, "node", "", {});
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    handle = reg->key.handle;
    der = reg->certificate.der;
    EXPECT_EQ(reg->key.certificate, der);
    EXPECT_EQ(crypto::CertificateDerFromPem(reg->certificate.pem).value(), der);
    auto info = crypto::ParseCertificate(der);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->public_key, reg->key.public_key);
    EXPECT_TRUE(info->self_signed);
    EXPECT_EQ(vault->Get(handle)->certificate, der);
    EXPECT_TRUE(vault->Generate(KeyType::kP256, "")->certificate.empty());
  }
  // The certificate is part of the key file and its authenticated data.
  auto vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ(vault->Get(handle)->certificate, der);
  // Registering an imported key again keeps the stored certificate (a stable NodeID).
  auto first = vault->RegisterTls(KeyType::kSecp256k1, KnownSecret(), "", "", {});
  ASSERT_TRUE(first.ok());
  auto again = vault->RegisterTls(KeyType::kSecp256k1, KnownSecret(), "", "", {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->certificate.der, first->certificate.der);
  EXPECT_EQ(again->key.handle, first->key.handle);

  json doc = json::parse(Slurp(KeyPath(handle)));
  std::string cert_hex = doc["certificate"];
  cert_hex[cert_hex.size() - 1] = cert_hex.back() == '0' ? '1' : '0';
  doc["certificate"] = cert_hex;
  vault.reset();
  Spit(KeyPath(handle), doc.dump());
  vault = MustOpen(options);
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ(vault->Get(handle).status().code(), "key_not_found");
  EXPECT_TRUE(HasProblem(*vault, "key_file_corrupt") || HasProblem(*vault, "seal_failed") ||
              !vault->load_problems().empty());
}

TEST_F(VaultTest, ConcurrentSigningAndGeneration) {
  auto vault = MustOpen(Options());
  ASSERT_NE(vault, nullptr);
  auto bls_key = vault->Generate(KeyType::kBls, "");
  auto ec_key = vault->Generate(KeyType::kSecp256k1, "");
  ASSERT_TRUE(bls_key.ok() && ec_key.ok());
  constexpr int kThreads = 4, kPerThread = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Bytes msg = {static_cast<uint8_t>(t), static_cast<uint8_t>(i)};
        if (!vault->SignBls(bls_key->handle, msg).ok()) ++failures;
        if (!vault->SignEcdsaDigest(ec_key->handle, Sha256(msg)).ok()) ++failures;
        if (i % 5 == 0 && !vault->Generate(KeyType::kP256, "").ok()) ++failures;
        (void)vault->List();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(vault->Get(bls_key->handle)->sign_count, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(vault->Get(ec_key->handle)->sign_count, uint64_t{kThreads * kPerThread});
  EXPECT_EQ(vault->List().size(), 2u + kThreads * 2);
}

}  // namespace
}  // namespace cryfttee::keys
