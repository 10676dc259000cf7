// The bundled bls_tls_signer_v1 module running in the WASM engine over a real key vault, and the
// keyvault host functions called directly. Signatures are checked with bls::Verify and with an
// independent OpenSSL oracle; NodeIDs are recomputed from the returned certificates.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/sha256.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/node_id.h"
#include "crypto/openssl_oracle.h"
#include "crypto/shared_vectors.h"
#include "crypto/x509.h"
#include "keys/vault_fixture.h"
#include "modules/engine.h"
#include "modules/host_functions_base.h"
#include "modules/host_functions_keyvault.h"
#include "tee/in_process_client.h"

namespace cryfttee::modules {
namespace {

using nlohmann::json;

Bytes ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return Bytes(s.begin(), s.end());
}

std::string B64(ByteSpan b) { return Base64Encode(b); }

class SignerModuleTest : public keys::testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
#ifndef SIGNER_WASM
    GTEST_SKIP() << "bls_tls_signer_v1 was not built (CRYFTTEE_BUILD_MODULES=OFF)";
#else
    auto vault = keys::KeyVault::Open(Options());
    ASSERT_TRUE(vault.ok()) << vault.status().ToString();
    vault_ = std::shared_ptr<keys::KeyVault>(std::move(vault).value());
    std::vector<HostFunction> host = BaseHostFunctions();
    for (auto& f : KeyVaultHostFunctions(tee::MakeInProcessClient(vault_)))
      host.push_back(std::move(f));
    auto m = LoadModule("bls_tls_signer_v1", ReadBytes(SIGNER_WASM), Limits{}, host);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    module_ = *m;
#endif
  }

  json Call(const std::string& fn, const json& request) {
    auto r = module_->CallJson(fn, request.dump());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return json();
    json doc = json::parse(*r, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << *r;
    return doc;
  }

  std::shared_ptr<keys::KeyVault> vault_;
  std::shared_ptr<LoadedModule> module_;
};

TEST_F(SignerModuleTest, InterfaceMatchesModuleJson) {
#ifdef SIGNER_WASM
  auto iface = InspectWasm(ReadBytes(SIGNER_WASM));
  ASSERT_TRUE(iface.ok());
  std::ifstream in(std::string(SIGNER_MODULE_JSON));
  json descriptor = json::parse(in, nullptr, false);
  ASSERT_FALSE(descriptor.is_discarded());
  std::set<std::string> exports(iface->exports.begin(), iface->exports.end());
  EXPECT_EQ(exports, descriptor["exports"].get<std::set<std::string>>());
  std::set<std::string> declared = descriptor["hostFunctions"].get<std::set<std::string>>();
  std::set<std::string> imported;
  for (const auto& i : iface->imports) {
    EXPECT_EQ(i.module, "cryfttee");
    imported.insert(i.name);
  }
  EXPECT_EQ(imported, declared);
#endif
}

TEST_F(SignerModuleTest, BlsRegisterGenerateSignAndPop) {
  json reg = Call("bls_register", {{"mode", 0}, {"purpose", "validator"}});
  ASSERT_EQ(reg["success"], true) << reg;
  std::string handle = reg["key_handle"];
  std::string pubkey_hex = reg["public_key"];
  EXPECT_EQ(reg["pubkey"], pubkey_hex);
  ASSERT_TRUE(pubkey_hex.starts_with("0x"));
  auto key = vault_->Get(handle);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->label, "validator");
  EXPECT_EQ("0x" + HexEncode(key->public_key), pubkey_hex);
  auto pk = bls::PublicKey::FromBytes(key->public_key);
  ASSERT_TRUE(pk.ok());

  Bytes message = {'w', 'a', 'r', 'p'};
  json sig = Call("bls_sign", {{"key_handle", handle}, {"message", B64(message)}});
  ASSERT_EQ(sig["success"], true) << sig;
  std::string sig_hex = sig["signature"];
  EXPECT_FALSE(sig_hex.starts_with("0x"));  // the integration seed's client hex-decodes it
  EXPECT_EQ(sig["signature_hex"], "0x" + sig_hex);
  auto parsed = bls::Signature::FromBytes(HexDecode(sig_hex).value());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(bls::Verify(*pk, message, *parsed));

  // Attestation-seed shape: pubkey + data, signature as base64.
  json by_pubkey =
      Call("bls_sign", {{"pubkey", pubkey_hex}, {"data", B64(message)}, {"type", "ATTESTATION"}});
  ASSERT_EQ(by_pubkey["success"], true) << by_pubkey;
  EXPECT_EQ(Base64Decode(by_pubkey["signature"].get<std::string>()).value(),
            HexDecode(sig_hex).value());
  json forced_hex = Call(
      "bls_sign", {{"pubkey", pubkey_hex}, {"data", "0x77617270"}, {"signature_encoding", "hex"}});
  EXPECT_EQ(forced_hex["signature"], sig_hex);

  json pop = Call("bls_sign", {{"key_handle", handle}, {"type", "PROOF_OF_POSSESSION"}});
  ASSERT_EQ(pop["success"], true) << pop;
  auto pop_sig = bls::Signature::FromBytes(HexDecode(pop["signature"].get<std::string>()).value());
  ASSERT_TRUE(pop_sig.ok());
  EXPECT_TRUE(bls::PopVerify(*pk, *pop_sig));
  // PoP ciphersuite over a message (AvalancheGo's signed IP).
  json pop_msg =
      Call("bls_sign",
           {{"key_handle", handle}, {"message", B64(message)}, {"type", "PROOF_OF_POSSESSION"}});
  auto pop_msg_sig =
      bls::Signature::FromBytes(HexDecode(pop_msg["signature"].get<std::string>()).value());
  ASSERT_TRUE(pop_msg_sig.ok());
  EXPECT_TRUE(bls::Verify(*pk, message, *pop_msg_sig, bls::kDstPop));
  EXPECT_EQ(vault_->Get(handle)->sign_count, 5u);
}

TEST_F(SignerModuleTest, BlsRegisterImportsRawAndEip2335) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  std::string base = cryfttee::testing::SharedDir() + "/vectors/";
  json signers =
      json::parse(cryfttee::testing::ReadText(base + "avalanche/bls_local_signers.json"));
  const json& s1 = signers["signers"][0];
  json reg = Call("bls_register",
                  {{"mode", 1}, {"key_material", s1["secret_key_base64"]}, {"label", "signer1"}});
  ASSERT_EQ(reg["success"], true) << reg;
  EXPECT_EQ(reg["public_key"], s1["public_key_compressed"]);
  json pop = Call("bls_sign", {{"key_handle", reg["key_handle"]}, {"type", "PROOF_OF_POSSESSION"}});
  EXPECT_EQ("0x" + pop["signature"].get<std::string>(), s1["proof_of_possession"]);
  // Importing the same key again gives the same handle.
  json again = Call("bls_register",
                    {{"action", "import"}, {"key_material", s1["secret_key_file_bytes_hex"]}});
  EXPECT_EQ(again["key_handle"], reg["key_handle"]);

  json vectors = json::parse(cryfttee::testing::ReadText(base + "eip2335/test_vectors.json"));
  const json& v = vectors["test_cases"][1];  // pbkdf2
  std::string keystore = cryfttee::testing::ReadText(base + "eip2335/keystore_pbkdf2.json");
  json eip =
      Call("bls_register",
           {{"mode", 1}, {"key_material", B64(AsBytes(keystore))}, {"password", v["password"]}});
  ASSERT_EQ(eip["success"], true) << eip;
  EXPECT_EQ(eip["public_key"], "0x" + v["pubkey"].get<std::string>());
  json as_object =
      Call("bls_register",
           {{"mode", 1}, {"key_material", json::parse(keystore)}, {"password", v["password"]}});
  EXPECT_EQ(as_object["key_handle"], eip["key_handle"]);
  json wrong = Call("bls_register", {{"mode", 1}, {"key_material", keystore}, {"password", "x"}});
  EXPECT_EQ(wrong["success"], false);
  EXPECT_EQ(wrong["error"], "invalid_password");
}

TEST_F(SignerModuleTest, TlsRegisterCertificateAndSign) {
  for (const char* type : {"secp256k1", "p256", "SECP256K1"}) {
    SCOPED_TRACE(type);
    json reg = Call("tls_register", {{"mode", 0}, {"key_type", type}, {"purpose", "node_tls"}});
    ASSERT_EQ(reg["success"], true) << reg;
    std::string handle = reg["key_handle"];
    Bytes pub = HexDecode(reg["public_key"].get<std::string>()).value();
    ASSERT_EQ(pub.size(), 33u);
    auto der = crypto::CertificateDerFromPem(reg["certificate"].get<std::string>());
    ASSERT_TRUE(der.ok());
    auto info = crypto::ParseCertificate(*der);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->public_key, pub);
    EXPECT_TRUE(info->self_signed);
    auto id = crypto::NodeIdFromCertificateDer(*der);
    EXPECT_EQ(reg["node_id"], crypto::FormatNodeId(*id));

    std::string group = std::string(type) == "p256" ? "prime256v1" : "secp256k1";
    std::string text = "handshake transcript";
    Sha256Digest digest = Sha256(AsBytes(text));
    json sig =
        Call("tls_sign",
             {{"key_handle", handle}, {"digest", B64(digest)}, {"algorithm", "ecdsa-sha256"}});
    ASSERT_EQ(sig["success"], true) << sig;
    Bytes der_sig = HexDecode(sig["signature"].get<std::string>()).value();
    EXPECT_TRUE(cryfttee::testing::OracleVerifySha256(group, pub, AsBytes(text), der_sig));
    json compact =
        Call("tls_sign",
             {{"key_handle", handle}, {"digest", "0x" + HexEncode(digest)}, {"format", "compact"}});
    ASSERT_EQ(compact["success"], true) << compact;
    Bytes rs = HexDecode(compact["signature"].get<std::string>()).value();
    ASSERT_EQ(rs.size(), 64u);
    EXPECT_TRUE(crypto::EcdsaVerifyDigest(
        group == "secp256k1" ? crypto::EcCurve::kSecp256k1 : crypto::EcCurve::kP256, pub, digest,
        rs));
    // Attestation-seed shape: pubkey + data, base64 signature.
    json seed = Call("tls_sign", {{"pubkey", reg["pubkey"]}, {"data", B64(digest)}});
    ASSERT_EQ(seed["success"], true) << seed;
    EXPECT_TRUE(cryfttee::testing::OracleVerifySha256(
        group, pub, AsBytes(text), Base64Decode(seed["signature"].get<std::string>()).value()));
  }
}

TEST_F(SignerModuleTest, TlsRegisterFromCsrAndImport) {
  EVP_PKEY* node_key = EVP_EC_gen("P-256");
  ASSERT_NE(node_key, nullptr);
  X509_REQ* req = X509_REQ_new();
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("node"), -1, -1, 0);
  X509_REQ_set_pubkey(req, node_key);
  X509_REQ_sign(req, node_key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string csr(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_REQ_free(req);
  EVP_PKEY_free(node_key);

  json reg = Call("tls_register", {{"mode", 0}, {"key_type", "p256"}, {"csr_pem", csr}});
  ASSERT_EQ(reg["success"], true) << reg;
  auto der = crypto::CertificateDerFromPem(reg["certificate"].get<std::string>()).value();
  auto info = crypto::ParseCertificate(der).value();
  EXPECT_EQ(info.subject, "CN=node");
  EXPECT_TRUE(crypto::CertificateSignedBy(der, crypto::EcCurve::kP256,
                                          HexDecode(reg["public_key"].get<std::string>()).value()));
  EXPECT_EQ(reg["node_id"], crypto::FormatNodeId(crypto::NodeIdFromCertificateDer(der).value()));

  Bytes one(32, 0);
  one[31] = 1;
  json imported = Call("tls_register", {{"mode", 1}, {"key_material", B64(one)}});
  ASSERT_EQ(imported["success"], true) << imported;
  EXPECT_EQ(imported["public_key"],
            "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  EXPECT_EQ(imported["key_type"], "secp256k1");
}

TEST_F(SignerModuleTest, ErrorsHaveStableCodes) {
  json bls = Call("bls_register", json::object());
  ASSERT_EQ(bls["success"], true) << bls;  // no mode means generate
  // The request must be an object (the API turns an empty body into "{}").
  EXPECT_EQ(Call("bls_register", nullptr)["error"], "invalid_json");
  json tls = Call("tls_register", {{"mode", 0}});
  ASSERT_EQ(tls["success"], true);
  auto code = [&](const std::string& fn, const json& req) {
    json r = Call(fn, req);
    EXPECT_EQ(r["success"], false) << fn << " " << req;
    return r.value("error", "");
  };
  EXPECT_EQ(code("bls_sign", {{"key_handle", "bls-0000000000000000"}, {"message", "AA=="}}),
            "key_not_found");
  EXPECT_EQ(code("tls_sign", {{"key_handle", "secp256k1-0000000000000000"}, {"digest", "AA=="}}),
            "key_not_found");
  EXPECT_EQ(code("bls_sign", {{"key_handle", bls["key_handle"]}, {"message", "%%%"}}),
            "invalid_base64");
  // "0xzz" is valid padded base64 (design.md §4): it signs those 3 bytes. "0xzzz" is neither.
  EXPECT_EQ(Call("bls_sign", {{"key_handle", bls["key_handle"]}, {"message", "0xzz"}})["success"],
            true);
  EXPECT_EQ(code("bls_sign", {{"key_handle", bls["key_handle"]}, {"message", "0xzzz"}}),
            "invalid_hex");
  EXPECT_EQ(code("bls_sign", {{"key_handle", bls["key_handle"]}}), "missing_message");
  EXPECT_EQ(code("bls_sign", {{"message", "AA=="}}), "missing_key_handle");
  EXPECT_EQ(code("tls_sign", {{"key_handle", tls["key_handle"]}, {"digest", B64(Bytes(31, 1))}}),
            "invalid_digest");
  EXPECT_EQ(code("tls_sign", {{"key_handle", tls["key_handle"]},
                              {"digest", B64(Bytes(32, 1))},
                              {"algorithm", "rsa-pss"}}),
            "unsupported_algorithm");
  EXPECT_EQ(
      code("tls_sign",
           {{"key_handle", tls["key_handle"]}, {"digest", B64(Bytes(32, 1))}, {"format", "pem"}}),
      "invalid_format");
  EXPECT_EQ(code("tls_sign", {{"key_handle", bls["key_handle"]}, {"digest", B64(Bytes(32, 1))}}),
            "wrong_key_type");
  EXPECT_EQ(code("bls_sign", {{"key_handle", tls["key_handle"]}, {"message", "AA=="}}),
            "wrong_key_type");
  EXPECT_EQ(code("bls_register", {{"mode", 2}}), "invalid_mode");
  EXPECT_EQ(code("bls_register", {{"mode", 1}}), "missing_key_material");
  EXPECT_EQ(code("bls_register", {{"key_type", "SECP256K1"}}), "invalid_key_type");
  EXPECT_EQ(code("bls_register", {{"mode", 1}, {"key_material", B64(Bytes(31, 1))}}),
            "invalid_secret_key");
  EXPECT_EQ(code("tls_register", {{"key_type", "bls"}}), "invalid_key_type");
  EXPECT_EQ(code("tls_register", {{"mode", 0}, {"csr_pem", "garbage"}}), "invalid_csr");
  EXPECT_EQ(code("bls_sign", {{"key_handle", bls["key_handle"]},
                              {"message", "AA=="},
                              {"signature_encoding", "base58"}}),
            "invalid_signature_encoding");
}

TEST_F(SignerModuleTest, StatusPanelFollowsTheSeedSchema) {
  json bls = Call("bls_register", {{"mode", 0}, {"purpose", "Primary Staking Key"}});
  json tls = Call("tls_register", {{"mode", 0}, {"purpose", "Node Identity"}});
  ASSERT_EQ(bls["success"], true);
  ASSERT_EQ(tls["success"], true);
  for (int i = 0; i < 3; ++i) {
    Call("bls_sign", {{"key_handle", bls["key_handle"]}, {"message", "AA=="}});
  }
  Call("tls_sign", {{"key_handle", tls["key_handle"]}, {"digest", B64(Bytes(32, 7))}});

  json panel = Call("get_status_panel", json::object());
  // module_id and module_version are the host's to add (api/module_call.cc FetchStatusPanel).
  EXPECT_FALSE(panel.contains("module_id")) << panel;
  EXPECT_EQ(panel["title"], "BLS/TLS Signer");
  ASSERT_EQ(panel["sections"].size(), 3u) << panel;
  const json& keys = panel["sections"][0];
  EXPECT_EQ(keys["heading"], "Managed Keys");
  ASSERT_EQ(keys["items"].size(), 2u);
  std::set<std::string> kinds;
  for (const auto& item : keys["items"]) {
    EXPECT_EQ(item["type"], "public_key");
    kinds.insert(item["key_type"]);
    EXPECT_TRUE(item["public_key"].get<std::string>().starts_with("0x"));
    EXPECT_TRUE(item["created"].get<std::string>().ends_with("Z"));
    if (item["key_type"] == "BLS") {
      EXPECT_EQ(item["label"], "Primary Staking Key");
      EXPECT_EQ(item["public_key"], bls["public_key"]);
    } else {
      EXPECT_EQ(item["label"], "Node Identity");
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"BLS", "TLS"}));
  const json& backend = panel["sections"][1];
  EXPECT_EQ(backend["items"][0]["value"], "Local key vault (sealed files)");
  const json& stats = panel["sections"][2];
  EXPECT_EQ(stats["heading"], "Signing Statistics");
  EXPECT_EQ(stats["items"][0]["key"], "BLS Signs");
  EXPECT_EQ(stats["items"][0]["value"], "3");
  EXPECT_EQ(stats["items"][1]["value"], "1");
  EXPECT_TRUE(stats["items"][2]["value"].get<std::string>().ends_with("ago"));
}

// ---- The host functions called directly, with a fake guest memory.

class FakeMemory : public GuestMemory {
 public:
  explicit FakeMemory(size_t size) : bytes_(size) {}
  Result<ByteSpan> Read(uint32_t ptr, uint32_t len) const override {
    if (uint64_t{ptr} + len > bytes_.size()) {
      return Status::InvalidArgument("bad_guest_pointer", "out of range");
    }
    return ByteSpan(bytes_.data() + ptr, len);
  }
  Status Write(uint32_t ptr, ByteSpan data) override {
    if (uint64_t{ptr} + data.size() > bytes_.size()) {
      return Status::InvalidArgument("bad_guest_pointer", "out of range");
    }
    std::copy(data.begin(), data.end(), bytes_.begin() + ptr);
    return Status::Ok();
  }
  Bytes bytes_;
};

class KeyvaultHostFunctionTest : public keys::testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    auto vault = keys::KeyVault::Open(Options());
    ASSERT_TRUE(vault.ok());
    vault_ = std::shared_ptr<keys::KeyVault>(std::move(vault).value());
    for (auto& f : KeyVaultHostFunctions(tee::MakeInProcessClient(vault_))) fns_[f.name] = f;
  }
  // Places the request at 0 and the answer at 65536; returns the i32 result.
  int32_t Invoke(const std::string& name, const std::string& request, uint32_t out_cap,
                 std::string* answer = nullptr) {
    std::copy(request.begin(), request.end(), memory_.bytes_.begin());
    std::string module_id = "test";
    HostCallContext ctx{memory_, module_id, nullptr};
    uint64_t args[] = {0, request.size(), 65536, out_cap};
    auto r = fns_.at(name).fn(ctx, args);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    int32_t n = static_cast<int32_t>(static_cast<uint32_t>((*r)[0]));
    if (answer && n > 0) {
      answer->assign(reinterpret_cast<const char*>(memory_.bytes_.data() + 65536),
                     std::min<uint32_t>(static_cast<uint32_t>(n), out_cap));
    }
    return n;
  }
  FakeMemory memory_{1 << 20};
  std::shared_ptr<keys::KeyVault> vault_;
  std::map<std::string, HostFunction> fns_;
};

TEST_F(KeyvaultHostFunctionTest, AllAreGrantedAsKeyvault) {
  ASSERT_EQ(fns_.size(), 6u);
  for (const auto& [name, f] : fns_) {
    EXPECT_EQ(f.grant, "keyvault") << name;
    EXPECT_TRUE(name.starts_with("keyvault_"));
  }
}

TEST_F(KeyvaultHostFunctionTest, SmallOutBufferRefusesBeforeActing) {
  EXPECT_EQ(Invoke("keyvault_generate", R"({"key_type":"bls"})", 100), kHostErrorTooLarge);
  EXPECT_TRUE(vault_->List().empty());  // nothing was generated
  std::string answer;
  int32_t n = Invoke("keyvault_generate", R"({"key_type":"bls","label":"x"})", 4096, &answer);
  ASSERT_GT(n, 0);
  json key = json::parse(answer);
  EXPECT_EQ(key["success"], true);
  // Read-only calls report the full length so the guest can retry with a larger buffer.
  int32_t full = Invoke("keyvault_list", "{}", 10, &answer);
  EXPECT_GT(full, 10);
  EXPECT_EQ(answer.size(), 10u);
  EXPECT_EQ(Invoke("keyvault_list", "{}", static_cast<uint32_t>(full), &answer), full);
  json list = json::parse(answer);
  ASSERT_EQ(list["keys"].size(), 1u);
  EXPECT_EQ(list["keys"][0]["key_handle"], key["key_handle"]);
}

TEST_F(KeyvaultHostFunctionTest, BadGuestPointersTrapAndBadJsonIsAnAnswer) {
  std::string module_id = "test";
  HostCallContext ctx{memory_, module_id, nullptr};
  uint64_t outside[] = {(1u << 20) - 2, 100, 65536, 4096};
  EXPECT_EQ(fns_.at("keyvault_list").fn(ctx, outside).status().code(), "bad_guest_pointer");
  uint64_t bad_out[] = {0, 2, (1u << 20) - 10, 4096};
  EXPECT_EQ(fns_.at("keyvault_list").fn(ctx, bad_out).status().code(), "bad_guest_pointer");
  std::string answer;
  ASSERT_GT(Invoke("keyvault_list", "not json", 4096, &answer), 0);
  EXPECT_EQ(json::parse(answer)["error"], "invalid_json");
}

TEST_F(KeyvaultHostFunctionTest, AnswersNeverContainSecretMaterial) {
  Bytes secret(32, 0x42);
  std::string answer;
  std::string req = json{{"key_type", "secp256k1"}, {"key_material", B64(secret)}}.dump();
  ASSERT_GT(Invoke("keyvault_import", req, 4096, &answer), 0);
  EXPECT_EQ(answer.find(HexEncode(secret)), std::string::npos);
  EXPECT_EQ(answer.find(B64(secret)), std::string::npos);
  json key = json::parse(answer);
  ASSERT_EQ(key["success"], true) << answer;
  for (const char* fn : {"keyvault_public_key", "keyvault_list"}) {
    ASSERT_GT(Invoke(fn, json{{"key_handle", key["key_handle"]}}.dump(), 65536, &answer), 0);
    EXPECT_EQ(answer.find(HexEncode(secret)), std::string::npos) << fn;
  }
}

}  // namespace
}  // namespace cryfttee::modules
