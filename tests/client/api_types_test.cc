// Parsing daemon answers: the documented shapes, the seeds' aliases, and hostile input that must
// become "bad_response" instead of an exception.
#include "client/api_types.h"

#include <gtest/gtest.h>

#include "client/attestation_check.h"
#include "core/attestation_binding.h"

namespace cryfttee::client {
namespace {

TEST(ApiTypes, StakingStatusUnionShape) {
  Json j = Json::parse(R"({
    "cryfttee_version": "0.1.0", "uptime_seconds": 12, "ready": true,
    "modules": [{"id": "debug_v1", "version": "1.0.0", "loaded": true, "enabled": true,
                 "capabilities": ["get_status_panel"]},
                {"id": "bls_tls_signer_v1", "version": "1.0.0", "loaded": true,
                 "capabilities": ["bls_register", "bls_sign"]}],
    "defaults": {"bls": "bls_tls_signer_v1", "tls": "bls_tls_signer_v1"},
    "keys": {"bls": {"available": true, "public_key": "0xab", "key_handle": "bls-1"}, "tls": null},
    "bls_pubkeys": ["0xab"], "tls_pubkeys": [], "capabilities": ["bls_signing"],
    "web3signer_connected": false})");
  auto s = ParseStakingStatus(j);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_NE(s->SignerModule(), nullptr);
  EXPECT_EQ(s->SignerModule()->id, "bls_tls_signer_v1");  // "enabled" absent reads as enabled
  EXPECT_EQ(s->bls_key.key_handle, "bls-1");
  EXPECT_FALSE(s->tls_key.available);
  EXPECT_EQ(s->defaults["tls"], "bls_tls_signer_v1");
}

TEST(ApiTypes, DisabledOrUnloadedModulesAreNotSigners) {
  auto s = ParseStakingStatus(Json::parse(R"({"modules": [
      {"id": "a", "loaded": false, "enabled": true, "capabilities": ["bls_sign"]},
      {"id": "b", "loaded": true, "enabled": false, "capabilities": ["bls_sign"]},
      {"id": "c", "loaded": true, "enabled": true, "capabilities": ["tls_sign"]}]})"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->SignerModule(), nullptr);
}

TEST(ApiTypes, WrongTypesAreBadResponseNotExceptions) {
  for (const char* text :
       {R"({"ready": "yes"})", R"({"modules": {}})", R"({"modules": [{"loaded": 1}]})",
        R"({"bls_pubkeys": [1]})", R"({"keys": {"bls": {"available": "x"}}})", "[]",
        R"({"uptime_seconds": 1.5})"}) {
    auto s = ParseStakingStatus(Json::parse(text));
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().code(), "bad_response") << text;
  }
  EXPECT_EQ(ParseAttestation(Json::parse(R"({"core_binary_hash": 5})")).status().code(),
            "bad_response");
  EXPECT_EQ(ParseAttestation(Json::parse(R"({})")).status().code(), "bad_response");
  EXPECT_EQ(ParseRegisterResult(Json::parse(R"({"key_handle": "h"})")).status().code(),
            "bad_response");
  EXPECT_EQ(ParseSignResult(Json::parse(R"({"success": true})")).status().code(), "bad_response");
  EXPECT_EQ(ParseSignResult(Json::parse(R"({"signature": "%%%"})")).status().code(),
            "bad_response");
}

TEST(ApiTypes, RegisterAcceptsTheAttestationSeedAlias) {
  auto r = ParseRegisterResult(Json::parse(R"({"pubkey": "0xAB", "key_handle": "h"})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->public_key, "0xAB");
}

TEST(ApiTypes, SignatureEncodings) {
  EXPECT_EQ(ParseSignResult(Json::parse(R"({"signature": "0102ff"})"))->signature,
            (Bytes{1, 2, 255}));
  EXPECT_EQ(ParseSignResult(Json::parse(R"({"signature": "AQL/"})"))->signature,
            (Bytes{1, 2, 255}));
  // signature_hex wins over an ambiguous "signature".
  EXPECT_EQ(
      ParseSignResult(Json::parse(R"({"signature": "AQL/", "signature_hex": "0x0a"})"))->signature,
      (Bytes{10}));
}

TEST(ApiTypes, StatusPanelPlainOrWrapped) {
  auto p = ParseStatusPanel(
      Json::parse(R"({"module_id":"m","title":"T","sections":[{"heading":"h"}]})"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->title, "T");
  auto w =
      ParseStatusPanel(Json::parse(R"({"module_id":"m","panel":{"title":"T2","sections":[]}})"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->module_id, "m");
  EXPECT_EQ(w->title, "T2");
  EXPECT_FALSE(ParseStatusPanel(Json::parse(R"({"sections": 3})")).ok());
}

TEST(ApiTypes, NormalizePublicKey) {
  EXPECT_EQ(NormalizePublicKey(" 0xABcd\n"), "0xabcd");
  EXPECT_EQ(NormalizePublicKey("ABCD"), "0xabcd");
  EXPECT_EQ(NormalizePublicKey("0x"), "");
  EXPECT_EQ(NormalizePublicKey(""), "");
}

TEST(AttestationCheck, HashAndNonce) {
  Attestation a;
  a.core_binary_hash = "sha256:" + std::string(64, 'a');
  a.binary_hash_source = "parent";
  a.cryfttee_version = "0.1.0";
  a.timestamp = "2026-01-01T00:00:00.000Z";
  a.module_hashes = {{"m", "sha256:" + std::string(64, 'b')}};
  a.nonce = "n1";
  AttestationFields f{a.core_binary_hash,
                      a.binary_hash_source,
                      a.manifest_hash,
                      a.module_hashes,
                      a.cryfttee_version,
                      a.timestamp,
                      "n1"};
  a.nonce_binding = AttestationNonceBinding(f);
  EXPECT_TRUE(CheckAttestation(a, {a.core_binary_hash, "n1"}).ok());
  EXPECT_TRUE(CheckAttestation(a, {}).ok());
  EXPECT_EQ(CheckAttestation(a, {"sha256:" + std::string(64, 'c'), ""}).code(),
            "binary_hash_mismatch");
  EXPECT_EQ(CheckAttestation(a, {"", "n2"}).code(), "nonce_mismatch");
  Attestation swapped = a;
  swapped.module_hashes["m"] = "sha256:" + std::string(64, 'd');
  EXPECT_EQ(CheckAttestation(swapped, {"", "n1"}).code(), "nonce_mismatch");
  auto n1 = NewAttestationNonce(), n2 = NewAttestationNonce();
  ASSERT_TRUE(n1.ok() && n2.ok());
  EXPECT_EQ(n1->size(), 32u);
  EXPECT_NE(*n1, *n2);
}

}  // namespace
}  // namespace cryfttee::client
