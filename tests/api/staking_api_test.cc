// The staking API through the running daemon with the bundled, build-signed modules: every
// endpoint and error path, keys kept across restarts, signatures checked by independent code
// (BLS by @chainsafe/blst and @noble/curves in node, ECDSA by OpenSSL).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "core/bytes.h"
#include "core/sha256.h"
#include "crypto/node_id.h"
#include "support/daemon_process.h"

namespace cryfttee::testing {
namespace {

using Json = nlohmann::json;

DaemonOptions WithDataDir(const std::string& data_dir) {
  return DaemonOptions{
      .args = {"--data-dir", data_dir}, .env = {}, .use_uds = true, .bundled_modules = true};
}

Json PostJson(const DaemonProcess& d, const std::string& path, const Json& body, int* status) {
  RawResponse r = d.Post(path, body.dump());
  *status = r.status;
  return r.Json();
}

void ExpectError(const RawResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  Json j = r.Json();
  EXPECT_EQ(j.value("success", true), false) << r.body;
  EXPECT_EQ(j.value("code", ""), code) << r.body;
}

std::string RunShell(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int st = ::pclose(pipe);
  *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// Verifies BLS cases with the npm oracles; each case {scheme, pk, msg, sig}.
std::vector<bool> VerifyBlsIndependently(const Json& cases) {
  TempDir dir;
  std::ofstream(dir.File("cases.json")) << cases.dump();
  int rc = 0;
  std::string out = RunShell(
      "cd " + SourceDir() + " && node tests/js/verify_bls.mjs " + dir.File("cases.json"), &rc);
  EXPECT_EQ(rc, 0) << "independent BLS verifier failed (is node_modules installed? run npm ci)";
  Json results = Json::parse(out, nullptr, false);
  std::vector<bool> v;
  if (results.is_array()) {
    for (const Json& b : results) v.push_back(b.get<bool>());
  }
  return v;
}

// OpenSSL verification of a DER ECDSA signature over a digest, with the certificate's key.
bool OpenSslVerifyDigest(const std::string& cert_pem, const Bytes& digest, const Bytes& der) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(cert.get()),
                                                          &EVP_PKEY_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return false;
  return EVP_PKEY_verify(ctx.get(), der.data(), der.size(), digest.data(), digest.size()) == 1;
}

// AvalancheGo's NodeID rule computed here with OpenSSL's digests: RIPEMD-160(SHA-256(DER)).
// The daemon's answer is decoded (cb58, checked against AvalancheGo's vectors in crypto_test)
// and compared byte for byte.
bool NodeIdMatchesCertificate(const std::string& node_id, const std::string& cert_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return false;
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) return false;
  unsigned char sha[32], rmd[EVP_MAX_MD_SIZE];
  unsigned int rmd_len = 0;
  bool ok = EVP_Digest(der, der_len, sha, nullptr, EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> ripemd(
      EVP_MD_fetch(nullptr, "RIPEMD160", nullptr), &EVP_MD_free);
  if (!ok || !ripemd) return false;
  if (EVP_Digest(sha, sizeof(sha), rmd, &rmd_len, ripemd.get(), nullptr) != 1) return false;
  auto parsed = crypto::ParseNodeId(node_id);
  return parsed.ok() && rmd_len == 20 && std::equal(parsed->begin(), parsed->end(), rmd);
}

// The /v1/staking/keys entry of a handle (null when absent).
Json KeyEntry(const Json& keys, const std::string& handle) {
  for (const Json& k : keys["keys"]) {
    if (k.value("key_handle", "") == handle) return k;
  }
  return nullptr;
}

class StakingApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonProcess>(WithDataDir(data_.File("data")));
    ASSERT_TRUE(daemon_->Start()) << daemon_->Log();
  }
  void TearDown() override {
    if (daemon_) {
      EXPECT_EQ(daemon_->Stop(), 0) << daemon_->Log();
    }
  }
  TempDir data_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(StakingApiTest, SignerIsReadyWithTheBundledDefault) {
  Json s = daemon_->Get("/v1/staking/status").Json();
  ASSERT_TRUE(s.value("ready", false)) << s.dump(2) << daemon_->Log();
  EXPECT_EQ(s["defaults"].value("bls", ""), "bls_tls_signer_v1");
  EXPECT_EQ(s["defaults"].value("tls", ""), "bls_tls_signer_v1");
  EXPECT_EQ(s.value("signer_module_id", ""), "bls_tls_signer_v1");
  EXPECT_FALSE(s["keys"]["bls"].value("available", true));
  bool found = false;
  for (const Json& m : s["modules"]) {
    if (m.value("id", "") != "bls_tls_signer_v1") continue;
    found = true;
    EXPECT_TRUE(m.value("loaded", false));
    EXPECT_TRUE(m.value("enabled", false));
    EXPECT_TRUE(m.contains("status_panel"));
  }
  EXPECT_TRUE(found);
  Json caps = s["capabilities"];
  EXPECT_NE(std::find(caps.begin(), caps.end(), "bls_signing"), caps.end());
  EXPECT_NE(std::find(caps.begin(), caps.end(), "tls_signing"), caps.end());
  EXPECT_NE(std::find(caps.begin(), caps.end(), "key_generation"), caps.end());
  EXPECT_TRUE(daemon_->Post("/v1/runtime/heartbeat", "{}").Json().value("signer_ready", false));
}

TEST_F(StakingApiTest, BlsRegisterSignPopAndIndependentVerification) {
  int status = 0;
  Json reg = PostJson(*daemon_, "/v1/staking/bls/register", {{"mode", 0}}, &status);
  ASSERT_EQ(status, 200) << reg.dump();
  std::string pk = reg.value("public_key", "");
  ASSERT_EQ(pk.size(), 2 + 96u);
  EXPECT_EQ(pk.substr(0, 2), "0x");
  EXPECT_EQ(reg.value("pubkey", ""), pk);
  std::string handle = reg.value("key_handle", "");
  ASSERT_FALSE(handle.empty());

  // Canonical: by key_handle, message in base64 -> signature hex without 0x.
  Bytes msg = {'c', 'r', 'y', 'f', 't'};
  Json sig = PostJson(*daemon_, "/v1/staking/bls/sign",
                      {{"key_handle", handle}, {"message", Base64Encode(msg)}}, &status);
  ASSERT_EQ(status, 200) << sig.dump();
  std::string sig_hex = sig.value("signature", "");
  ASSERT_EQ(sig_hex.size(), 192u);
  EXPECT_EQ(sig.value("signature_hex", ""), "0x" + sig_hex);

  // Attestation seed alias: by pubkey, data in 0x hex -> signature base64. "0x6372796674" is
  // itself valid padded base64 (9 bytes), so without message_encoding it would be read as base64
  // (design.md §4); the explicit encoding says it is hex.
  Json sig2 = PostJson(
      *daemon_, "/v1/staking/bls/sign",
      {{"pubkey", pk}, {"data", "0x" + HexEncode(msg)}, {"message_encoding", "hex"}}, &status);
  ASSERT_EQ(status, 200) << sig2.dump();
  auto decoded = Base64Decode(sig2.value("signature", ""));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(HexEncode(*decoded), sig_hex);  // BLS signatures are deterministic
  // An explicit encoding wins.
  Json sig3 = PostJson(*daemon_, "/v1/staking/bls/sign",
                       {{"pubkey", pk}, {"data", Base64Encode(msg)}, {"signature_encoding", "hex"}},
                       &status);
  EXPECT_EQ(sig3.value("signature", ""), sig_hex);

  Json pop = PostJson(*daemon_, "/v1/staking/bls/sign",
                      {{"key_handle", handle}, {"type", "PROOF_OF_POSSESSION"}}, &status);
  ASSERT_EQ(status, 200) << pop.dump();
  std::string pop_hex = pop.value("signature", "");

  Json cases = Json::array({
      {{"scheme", "sig"}, {"pk", pk}, {"msg", HexEncode(msg)}, {"sig", sig_hex}},
      {{"scheme", "pop"}, {"pk", pk}, {"msg", pk.substr(2)}, {"sig", pop_hex}},
      // Negative controls: the oracle must be able to say no.
      {{"scheme", "sig"}, {"pk", pk}, {"msg", HexEncode(msg) + "00"}, {"sig", sig_hex}},
      {{"scheme", "sig"}, {"pk", pk}, {"msg", pk.substr(2)}, {"sig", pop_hex}},
  });
  std::vector<bool> ok = VerifyBlsIndependently(cases);
  ASSERT_EQ(ok.size(), 4u);
  EXPECT_TRUE(ok[0]) << "blst rejected our signature";
  EXPECT_TRUE(ok[1]) << "noble rejected our proof of possession";
  EXPECT_FALSE(ok[2]);
  EXPECT_FALSE(ok[3]) << "a PoP verified under the SIG ciphersuite: DSTs not separated";

  Json s = daemon_->Get("/v1/staking/status").Json();
  EXPECT_TRUE(s["keys"]["bls"].value("available", false));
  EXPECT_EQ(s["keys"]["bls"].value("public_key", ""), pk);
  EXPECT_EQ(s["keys"]["bls"].value("key_handle", ""), handle);
  EXPECT_EQ(s["bls_pubkeys"].size(), 1u);
}

TEST_F(StakingApiTest, TlsRegisterCertificateNodeIdAndOpenSslVerification) {
  // A refused TLS registration leaves no key behind (the vault stores key and certificate
  // together or not at all, in the enclave too).
  ExpectError(
      daemon_->Post("/v1/staking/tls/register",
                    Json{{"mode", 0}, {"csr_pem", "-----BEGIN CERTIFICATE REQUEST-----"}}.dump()),
      400, "invalid_csr");
  ExpectError(
      daemon_->Post("/v1/staking/tls/register", Json{{"mode", 1},
                                                     {"key_material", Base64Encode(Bytes(32, 9))},
                                                     {"common_name", std::string(65, 'c')}}
                                                    .dump()),
      400, "invalid_common_name");
  EXPECT_EQ(daemon_->Get("/v1/staking/keys").Json()["keys"].size(), 0u);
  EXPECT_EQ(daemon_->Get("/v1/staking/status").Json()["keys"]["tls"].value("available", true),
            false);

  for (const char* key_type : {"secp256k1", "p256"}) {
    SCOPED_TRACE(key_type);
    int status = 0;
    Json reg = PostJson(*daemon_, "/v1/staking/tls/register", {{"mode", 0}, {"key_type", key_type}},
                        &status);
    ASSERT_EQ(status, 200) << reg.dump();
    std::string pk = reg.value("public_key", "");
    ASSERT_EQ(pk.size(), 2 + 66u);
    EXPECT_TRUE(pk.substr(0, 4) == "0x02" || pk.substr(0, 4) == "0x03");
    std::string cert = reg.value("certificate", "");
    ASSERT_NE(cert.find("-----BEGIN CERTIFICATE-----"), std::string::npos);
    EXPECT_TRUE(NodeIdMatchesCertificate(reg.value("node_id", ""), cert)) << reg.dump();
    std::string handle = reg.value("key_handle", "");
    // What operators see is what registration answered: the key list and status carry the
    // stored certificate and its NodeID.
    Json listed = KeyEntry(daemon_->Get("/v1/staking/keys").Json(), handle);
    ASSERT_TRUE(listed.is_object());
    EXPECT_EQ(listed.value("certificate", ""), cert);
    EXPECT_EQ(listed.value("node_id", ""), reg.value("node_id", ""));

    Bytes digest(32);
    for (size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<uint8_t>(i * 7);
    Json sig = PostJson(
        *daemon_, "/v1/staking/tls/sign",
        {{"key_handle", handle}, {"digest", Base64Encode(digest)}, {"algorithm", "ecdsa-sha256"}},
        &status);
    ASSERT_EQ(status, 200) << sig.dump();
    auto der = HexDecode(sig.value("signature", ""));
    ASSERT_TRUE(der.ok());
    EXPECT_TRUE(OpenSslVerifyDigest(cert, digest, *der)) << "OpenSSL rejected our signature";
    Bytes other = digest;
    other[0] ^= 1;
    EXPECT_FALSE(OpenSslVerifyDigest(cert, other, *der));

    Json compact = PostJson(
        *daemon_, "/v1/staking/tls/sign",
        {{"key_handle", handle}, {"digest", "0x" + HexEncode(digest)}, {"format", "compact"}},
        &status);
    ASSERT_EQ(status, 200) << compact.dump();
    EXPECT_EQ(compact.value("signature", "").size(), 128u);
  }
}

TEST_F(StakingApiTest, ErrorPaths) {
  int status = 0;
  Json bls = PostJson(*daemon_, "/v1/staking/bls/register", {{"mode", 0}}, &status);
  Json tls = PostJson(*daemon_, "/v1/staking/tls/register", {{"mode", 0}}, &status);
  std::string bls_handle = bls.value("key_handle", "");
  std::string tls_handle = tls.value("key_handle", "");

  ExpectError(
      daemon_->Post("/v1/staking/bls/sign",
                    Json({{"key_handle", "bls-0000000000000000"}, {"message", "aGk="}}).dump()),
      404, "key_not_found");
  ExpectError(daemon_->Post("/v1/staking/bls/sign", "{oops"), 400, "invalid_json");
  RawResponse bad_b64 =
      daemon_->Post("/v1/staking/bls/sign",
                    Json({{"key_handle", bls_handle}, {"message", "!!notbase64"}}).dump());
  EXPECT_EQ(bad_b64.status, 400) << bad_b64.body;
  RawResponse bad_hex = daemon_->Post(
      "/v1/staking/tls/sign", Json({{"key_handle", tls_handle}, {"digest", "0xzz"}}).dump());
  EXPECT_EQ(bad_hex.status, 400) << bad_hex.body;
  RawResponse short_digest = daemon_->Post(
      "/v1/staking/tls/sign",
      Json({{"key_handle", tls_handle}, {"digest", "0x" + std::string(62, 'a')}}).dump());
  EXPECT_EQ(short_digest.status, 400) << short_digest.body;
  ExpectError(daemon_->Post("/v1/staking/tls/sign", Json({{"key_handle", tls_handle},
                                                          {"digest", "0x" + std::string(64, 'a')},
                                                          {"algorithm", "rsa-pss"}})
                                                        .dump()),
              400, "unsupported_algorithm");
  ExpectError(daemon_->Post("/v1/staking/bls/register", Json({{"mode", 7}}).dump()), 400,
              "invalid_mode");
  ExpectError(daemon_->Post("/v1/staking/bls/register", Json({{"mode", 1}}).dump()), 400,
              "missing_key_material");
  // Routing: an unknown module, and a module without the capability.
  ExpectError(daemon_->Post("/v1/staking/bls/sign",
                            Json({{"module_id", "nope_v9"}, {"key_handle", bls_handle}}).dump()),
              404, "module_not_found");
  RawResponse wrong_module = daemon_->Post(
      "/v1/staking/bls/sign", Json({{"module_id", "debug_v1"}, {"key_handle", bls_handle}}).dump());
  EXPECT_GE(wrong_module.status, 400) << wrong_module.body;
  EXPECT_FALSE(wrong_module.Json().value("code", "").empty());
  ExpectError(daemon_->Post("/v1/staking/bls/sign", Json({{"module_id", 5}}).dump()), 400,
              "invalid_field");
  // The TLS key cannot make BLS signatures.
  RawResponse wrong_type = daemon_->Post(
      "/v1/staking/bls/sign", Json({{"key_handle", tls_handle}, {"message", "aGk="}}).dump());
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  ExpectError(daemon_->Get("/v1/modules/nope/status-panel"), 404, "module_not_found");
  // A long message is not lexed by the full parser (staking_handlers.cc ParseSelectors), yet
  // the body is judged exactly as a short one: bad UTF-8, a duplicate key, nesting, escapes.
  const std::string big(4000, 'A');
  const std::string head = R"({"key_handle":")" + bls_handle + R"(","message":")";
  ExpectError(daemon_->Post("/v1/staking/bls/sign", head + big + "\xff\"}"), 400, "invalid_json");
  ExpectError(daemon_->Post("/v1/staking/bls/sign", head + big + "\xc0\xaf\"}"), 400,
              "invalid_json");
  ExpectError(daemon_->Post("/v1/staking/bls/sign", head + big + "\x01\"}"), 400, "invalid_json");
  ExpectError(daemon_->Post("/v1/staking/bls/sign", head + big + R"(\q"})"), 400, "invalid_json");
  ExpectError(daemon_->Post("/v1/staking/bls/sign", head + big + R"(","message":"aGk="})"), 400,
              "invalid_json");
  ExpectError(
      daemon_->Post("/v1/staking/bls/sign",
                    head + big + R"(","x":)" + std::string(20, '[') + std::string(20, ']') + "}"),
      400, "json_too_deep");
  // A selector stays checked however long it is.
  ExpectError(daemon_->Post("/v1/staking/bls/sign",
                            R"({"key_handle":")" + big + R"(","message":")" + big + R"("})"),
              400, "field_too_long");
  // Valid UTF-8 and escapes in a long string pass the checks (the module then refuses it as
  // base64, 400, rather than the parser as JSON).
  RawResponse utf8 = daemon_->Post("/v1/staking/bls/sign",
                                   head + big + "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\\n\"}");
  EXPECT_EQ(utf8.status, 400) << utf8.body;
  EXPECT_NE(utf8.Json().value("code", ""), "invalid_json") << utf8.body;
  // And a long valid message signs.
  RawResponse signed_big = daemon_->Post("/v1/staking/bls/sign", head + big + "\"}");
  EXPECT_EQ(signed_big.status, 200) << signed_big.body;
}

TEST_F(StakingApiTest, StatusPanelFollowsTheSeedSchema) {
  int status = 0;
  PostJson(*daemon_, "/v1/staking/bls/register", {{"mode", 0}, {"purpose", "Primary Staking Key"}},
           &status);
  Json panel = daemon_->Get("/v1/modules/bls_tls_signer_v1/status-panel").Json();
  EXPECT_EQ(panel.value("module_id", ""), "bls_tls_signer_v1");
  EXPECT_FALSE(panel.value("module_version", "").empty());
  EXPECT_FALSE(panel.value("title", "").empty());
  ASSERT_TRUE(panel["sections"].is_array());
  bool saw_key = false;
  for (const Json& section : panel["sections"]) {
    for (const Json& item : section["items"]) {
      std::string type = item.value("type", "");
      EXPECT_TRUE(type == "key_value" || type == "public_key" || type == "status_indicator")
          << type;
      if (type == "public_key" && item.value("label", "") == "Primary Staking Key") saw_key = true;
    }
  }
  EXPECT_TRUE(saw_key) << panel.dump(2);
}

TEST_F(StakingApiTest, Eip2335KeystoreImportsToItsPublicKey) {
  std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "SKIPPED LOUDLY: ../shared/vectors is absent";
  std::ifstream in(shared + "/vectors/eip2335/keystore_pbkdf2.json");
  Json keystore = Json::parse(in);
  std::ifstream vin(shared + "/vectors/eip2335/test_vectors.json");
  Json vectors = Json::parse(vin);
  std::string password;
  for (const Json& c : vectors["test_cases"]) {
    if (c.value("keystore_file", "") == "keystore_pbkdf2.json") password = c.value("password", "");
  }
  ASSERT_FALSE(password.empty());
  int status = 0;
  Json reg = PostJson(*daemon_, "/v1/staking/bls/register",
                      {{"mode", 1}, {"key_material", keystore}, {"password", password}}, &status);
  ASSERT_EQ(status, 200) << reg.dump();
  EXPECT_EQ(reg.value("public_key", ""), "0x" + keystore.value("pubkey", ""));
  Json wrong = PostJson(*daemon_, "/v1/staking/bls/register",
                        {{"mode", 1}, {"key_material", keystore}, {"password", "wrong"}}, &status);
  EXPECT_EQ(status, 400) << wrong.dump();
}

TEST(StakingRestart, KeysSurviveARestartWithTheSameHandles) {
  TempDir data;
  std::string bls_handle, tls_handle, bls_pk, tls_pk, tls_node_id;
  {
    DaemonProcess d(WithDataDir(data.File("data")));
    ASSERT_TRUE(d.Start()) << d.Log();
    int status = 0;
    Json bls = PostJson(d, "/v1/staking/bls/register", {{"mode", 0}}, &status);
    Json tls = PostJson(d, "/v1/staking/tls/register", {{"mode", 0}}, &status);
    bls_handle = bls.value("key_handle", "");
    tls_handle = tls.value("key_handle", "");
    bls_pk = bls.value("public_key", "");
    tls_pk = tls.value("public_key", "");
    tls_node_id = tls.value("node_id", "");
    ASSERT_EQ(d.Stop(), 0);
  }
  DaemonProcess d(WithDataDir(data.File("data")));
  ASSERT_TRUE(d.Start()) << d.Log();
  Json s = d.Get("/v1/staking/status").Json();
  EXPECT_EQ(s["keys"]["bls"].value("key_handle", ""), bls_handle);
  EXPECT_EQ(s["keys"]["bls"].value("public_key", ""), bls_pk);
  EXPECT_EQ(s["keys"]["tls"].value("key_handle", ""), tls_handle);
  EXPECT_EQ(s["keys"]["tls"].value("public_key", ""), tls_pk);
  // The certificate was stored with the key: the NodeID survives the restart.
  EXPECT_EQ(s["keys"]["tls"].value("node_id", ""), tls_node_id);
  EXPECT_TRUE(NodeIdMatchesCertificate(tls_node_id, s["keys"]["tls"].value("certificate", "")));
  int status = 0;
  Json sig = PostJson(d, "/v1/staking/bls/sign", {{"key_handle", bls_handle}, {"message", "aGk="}},
                      &status);
  EXPECT_EQ(status, 200) << sig.dump();
  Json keys = d.Get("/v1/staking/keys").Json();
  EXPECT_EQ(keys["keys"].size(), 2u);
  EXPECT_EQ(d.Stop(), 0);
}

TEST_F(StakingApiTest, CtlKeysSignAndPanels) {
  std::string ctl = BinaryPath("cryftteectl") + " --socket " + daemon_->socket_path() + " ";
  int rc = 0;
  std::string out = RunShell(ctl + "--json keys generate bls --label ctl-key", &rc);
  ASSERT_EQ(rc, 0) << out;
  std::string handle = Json::parse(out).value("key_handle", "");
  out = RunShell(ctl + "keys list", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find(handle), std::string::npos);
  out = RunShell(ctl + "sign bls --key-handle " + handle + " --msg 0102", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out.size(), 193u) << out;  // 192 hex + newline
  out = RunShell(ctl + "--json keys generate tls --key-type p256", &rc);
  ASSERT_EQ(rc, 0) << out;
  std::string tls = Json::parse(out).value("key_handle", "");
  out = RunShell(
      ctl + "sign tls --compact --key-handle " + tls + " --digest " + std::string(64, '1'), &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out.size(), 129u) << out;
  out = RunShell(ctl + "panels", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("ctl-key"), std::string::npos) << out;
  out = RunShell(ctl + "sign bls --key-handle bls-nope --msg 01 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("key_not_found"), std::string::npos) << out;
}

}  // namespace
}  // namespace cryfttee::testing
