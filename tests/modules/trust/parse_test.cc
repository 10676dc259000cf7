// Manifest, module.json and trust.toml parsing: what is accepted, and that every rejection names
// the file, the entry and the field.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "modules/manifest.h"
#include "modules/module_descriptor.h"
#include "modules/trust_policy.h"

namespace cryfttee::modules {
namespace {

const char* kSeedManifest = R"({
  "version": 1,
  "modules": [
    {
      "id": "bls_tls_signer_v1",
      "dir": "bls_tls_signer_v1",
      "file": "module.wasm",
      "version": "1.0.0",
      "minCryfteeVersion": "0.4.0",
      "description": "BLS + TLS signing module",
      "capabilities": ["bls_register", "bls_sign", "tls_register", "tls_sign"],
      "defaultFor": { "bls": true, "tls": true },
      "publisherId": "cryft-labs",
      "hash": "sha256:0000000000000000000000000000000000000000000000000000000000000000",
      "signature": "c2ln"
    },
    {
      "id": "second",
      "dir": "second",
      "file": "m.wasm",
      "version": "2.1.0-rc.1",
      "minCryfteeVersion": "0.1.0",
      "capabilities": ["bls_sign"],
      "publisherId": "cryft-labs"
    }
  ]
})";

// Replaces the value of `field` in modules[1] of the seed manifest (as raw JSON text).
std::string WithSecond(const std::string& field, const std::string& raw_value) {
  nlohmann::json doc = nlohmann::json::parse(kSeedManifest);
  if (raw_value.empty()) {
    doc["modules"][1].erase(field);
  } else {
    doc["modules"][1][field] = nlohmann::json::parse(raw_value);
  }
  return doc.dump();
}

void ExpectError(const Result<Manifest>& r, const std::string& field) {
  ASSERT_FALSE(r.ok()) << "accepted a manifest with bad " << field;
  EXPECT_EQ(r.status().code(), "invalid_manifest");
  const std::string& msg = r.status().message();
  EXPECT_NE(msg.find("mods/manifest.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("modules[1] (id \"second\")"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field \"" + field + "\""), std::string::npos) << msg;
}

TEST(ManifestParse, AcceptsTheSeedFormat) {
  auto m = ParseManifest(kSeedManifest, "mods/manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->modules.size(), 2u);
  const ManifestEntry& e = m->modules[0];
  EXPECT_EQ(e.id, "bls_tls_signer_v1");
  EXPECT_EQ(e.min_cryfttee_version, "0.4.0");
  EXPECT_EQ(e.capabilities.size(), 4u);
  EXPECT_TRUE(e.default_for.at("bls"));
  EXPECT_TRUE(e.default_for.at("tls"));
  EXPECT_EQ(e.publisher_id, "cryft-labs");
  EXPECT_EQ(m->modules[1].hash, "");  // unsigned template entries are allowed
  EXPECT_EQ(m->Find("second"), &m->modules[1]);
  EXPECT_EQ(m->Find("nope"), nullptr);
}

TEST(ManifestParse, ErrorsNameFileEntryAndField) {
  const std::string f = "mods/manifest.json";
  ExpectError(ParseManifest(WithSecond("version", "\"1.2\""), f), "version");
  ExpectError(ParseManifest(WithSecond("version", "7"), f), "version");
  ExpectError(ParseManifest(WithSecond("version", ""), f), "version");
  ExpectError(ParseManifest(WithSecond("minCryfteeVersion", "\"v0.1.0\""), f), "minCryfteeVersion");
  ExpectError(ParseManifest(WithSecond("capabilities", "[\"bls_sign\", \"bls_sign\"]"), f),
              "capabilities");
  ExpectError(ParseManifest(WithSecond("capabilities", "[\"Bad-Name\"]"), f), "capabilities");
  ExpectError(ParseManifest(WithSecond("capabilities", "\"bls_sign\""), f), "capabilities");
  ExpectError(ParseManifest(WithSecond("publisherId", "\"a b\""), f), "publisherId");
  ExpectError(ParseManifest(WithSecond("hash", "\"sha256:ABC\""), f), "hash");
  ExpectError(ParseManifest(WithSecond("hash", "\"md5:00\""), f), "hash");
  ExpectError(ParseManifest(WithSecond("signature", "12"), f), "signature");
  ExpectError(ParseManifest(WithSecond("defaultfor", "{\"bls\": true}"), f), "defaultfor");
  ExpectError(ParseManifest(WithSecond("defaultFor", "{\"bls\": true}"), f), "defaultFor");
  ExpectError(ParseManifest(WithSecond("defaultFor", "{\"tls\": true}"), f), "defaultFor");
  ExpectError(ParseManifest(WithSecond("defaultFor", "{\"ecdsa\": false}"), f), "defaultFor");
  ExpectError(ParseManifest(WithSecond("defaultFor", "{\"bls\": 1}"), f), "defaultFor");
}

TEST(ManifestParse, DuplicateIdNamesTheLaterEntry) {
  auto r = ParseManifest(WithSecond("id", "\"bls_tls_signer_v1\""), "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("modules[1]"), std::string::npos);
  EXPECT_NE(r.status().message().find("earlier entry"), std::string::npos);
}

TEST(ManifestParse, RejectsPathsThatLeaveTheModuleDirectory) {
  for (const char* bad : {"\"..\"", "\"../x\"", "\"a/../../x\"", "\"/etc\"", "\"/\"", "\"\"",
                          "\"a//b\"", "\"./a\"", "\"a/.\"", "\"a\\\\..\\\\b\""}) {
    ExpectError(ParseManifest(WithSecond("dir", bad), "mods/manifest.json"), "dir");
    ExpectError(ParseManifest(WithSecond("file", bad), "mods/manifest.json"), "file");
  }
  EXPECT_TRUE(ParseManifest(WithSecond("dir", "\"a/b-c/d.e\""), "m").ok());
  EXPECT_TRUE(ParseManifest(WithSecond("file", "\"..wasm\""), "m").ok());  // a name, not ".."
}

TEST(ManifestParse, TopLevelErrors) {
  auto bad_json = ParseManifest("{\"version\": 1, \"modules\": [", "x/manifest.json");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.status().message().find("x/manifest.json"), std::string::npos);
  EXPECT_NE(bad_json.status().message().find("byte"), std::string::npos);

  auto v2 = ParseManifest(R"({"version": 2, "modules": []})", "m.json");
  ASSERT_FALSE(v2.ok());
  EXPECT_NE(v2.status().message().find("field \"version\""), std::string::npos);

  EXPECT_FALSE(ParseManifest(R"({"version": 1})", "m.json").ok());
  EXPECT_FALSE(ParseManifest(R"({"version": 1, "modules": {}})", "m.json").ok());
  EXPECT_FALSE(ParseManifest(R"({"version": 1, "modules": [], "extra": 1})", "m.json").ok());
  EXPECT_FALSE(ParseManifest(R"([1, 2])", "m.json").ok());
  EXPECT_FALSE(ParseManifest(R"({"version": 1, "modules": [7]})", "m.json").ok());
  EXPECT_FALSE(ParseManifest(std::string(kMaxManifestBytes + 1, ' '), "m.json").ok());
  EXPECT_TRUE(ParseManifest(R"({"version": 1, "modules": []})", "m.json").ok());

  // Readers disagree on which duplicate wins, so duplicates are refused outright.
  auto dup = ParseManifest(R"({"version": 1, "modules": [], "modules": []})", "m.json");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("\"modules\" appears twice"), std::string::npos);
  nlohmann::json doc = nlohmann::json::parse(kSeedManifest);
  std::string text = doc.dump();
  text.replace(text.find("\"id\":\"second\""), 13, "\"id\":\"second\",\"id\":\"x\"");
  EXPECT_FALSE(ParseManifest(text, "m.json").ok());
}

TEST(ManifestParse, OnlyOneDefaultPerKind) {
  auto r = ParseManifest(WithSecond("defaultFor", "{\"bls\": true}"), "m.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("already the default of module \"bls_tls_signer_v1\""),
            std::string::npos)
      << r.status().message();
}

TEST(ManifestEdit, SetsHashAndSignatureKeepingEverythingElse) {
  const std::string hash = "sha256:" + std::string(64, 'a');
  auto out = SetManifestEntrySignature(kSeedManifest, "m.json", "second", hash, "c2lnbmF0dXJl");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto m = ParseManifest(*out, "m.json");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->modules[1].hash, hash);
  EXPECT_EQ(m->modules[1].signature, "c2lnbmF0dXJl");
  EXPECT_EQ(m->modules[1].version, "2.1.0-rc.1");
  EXPECT_EQ(m->modules[0].signature, "c2ln");
  // Key order of the original is kept, so diffs of a signed manifest stay readable.
  EXPECT_LT(out->find("\"id\": \"bls_tls_signer_v1\""), out->find("\"dir\""));

  auto missing = SetManifestEntrySignature(kSeedManifest, "m.json", "nope", hash, "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), "module_not_found");
}

TEST(ModuleJsonParse, AcceptsAndNamesErrors) {
  const char* good = R"({"abiVersion": 1, "id": "m1", "version": "1.0.0",
    "capabilities": ["bls_sign"], "exports": ["memory", "bls_sign"],
    "hostFunctions": ["log"]})";
  auto d = ParseModuleDescriptor(good, "m1/module.json");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->abi_version, 1);
  EXPECT_EQ(d->host_functions, std::vector<std::string>{"log"});

  struct Case {
    const char* text;
    const char* field;
  } cases[] = {
      {R"({"id": "m1", "version": "1.0.0", "capabilities": [], "exports": []})", "abiVersion"},
      {R"({"abiVersion": "1", "id": "m1", "version": "1.0.0", "capabilities": [], "exports": []})",
       "abiVersion"},
      {R"({"abiVersion": 1, "id": "m 1", "version": "1.0.0", "capabilities": [], "exports": []})",
       "id"},
      {R"({"abiVersion": 1, "id": "m1", "version": "x", "capabilities": [], "exports": []})",
       "version"},
      {R"({"abiVersion": 1, "id": "m1", "version": "1.0.0", "capabilities": [], "exports": [1]})",
       "exports"},
      {R"({"abiVersion": 1, "id": "m1", "version": "1.0.0", "capabilities": [], "exports": [],
           "hostFunctions": ["a b"]})",
       "hostFunctions"},
      {R"({"abiVersion": 1, "id": "m1", "version": "1.0.0", "capabilities": [], "exports": [],
           "grants": []})",
       "grants"},
  };
  for (const auto& c : cases) {
    auto r = ParseModuleDescriptor(c.text, "m1/module.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), "invalid_module_json");
    EXPECT_NE(r.status().message().find("m1/module.json"), std::string::npos);
    EXPECT_NE(r.status().message().find(std::string("field \"") + c.field + "\""),
              std::string::npos)
        << r.status().message();
  }
}

const std::string kKeyHex = std::string(62, '0') + "ab";

TEST(TrustParse, AcceptsHexAndBase64KeysAndRevocations) {
  std::string text =
      "version = 1\n"
      "[[publishers]]\n"
      "id = \"cryft-labs\"\n"
      "name = \"Cryft Labs\"\n"
      "keys = [\"" +
      kKeyHex +
      "\", \"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\"]\n"
      "capabilities = [\"bls_sign\", \"tls_sign\"]\n"
      "grants = [\"log\"]\n"
      "[[publishers]]\n"
      "id = \"other\"\n"
      "keys = [\"0202020202020202020202020202020202020202020202020202020202020202\"]\n"
      "capabilities = [\"*\"]\n"
      "[revoked]\n"
      "keys = [\"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE\"]\n";
  auto p = ParseTrustPolicy(text, "trust.toml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->publishers.size(), 2u);
  const Publisher* c = p->Find("cryft-labs");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->keys.size(), 2u);
  EXPECT_EQ(c->keys[1], Bytes(32, 1));
  EXPECT_TRUE(c->MayPublish("bls_sign"));
  EXPECT_FALSE(c->MayPublish("bls_register"));
  EXPECT_EQ(c->grants, std::set<std::string>{"log"});
  EXPECT_TRUE(p->Find("other")->MayPublish("anything"));
  EXPECT_TRUE(p->Find("other")->grants.empty());
  EXPECT_TRUE(p->IsRevoked(Bytes(32, 1)));
  EXPECT_FALSE(p->IsRevoked(Bytes(32, 2)));
}

TEST(TrustParse, ErrorsNameFileEntryFieldAndLine) {
  std::string text =
      "version = 1\n"
      "[[publishers]]\n"
      "id = \"cryft-labs\"\n"
      "keys = [\"abcd\"]\n"
      "capabilities = [\"*\"]\n";
  auto r = ParseTrustPolicy(text, "config/trust.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "invalid_trust");
  const std::string& msg = r.status().message();
  EXPECT_NE(msg.find("config/trust.toml: publishers[0] (id \"cryft-labs\")"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("field \"keys\" (line 4)"), std::string::npos) << msg;

  struct Case {
    std::string text;
    std::string expect;
  } cases[] = {
      {"version = 1\n[[publishers]]\nkeys = [\"" + kKeyHex + "\"]\ncapabilities = []\n",
       "field \"id\""},
      {"version = 1\n[[publishers]]\nid = \"a\"\nkeys = []\ncapabilities = []\n", "field \"keys\""},
      {"version = 1\n[[publishers]]\nid = \"a\"\nkeys = [\"" + kKeyHex +
           "\"]\ncapabilities = [\"x y\"]\n",
       "field \"capabilities\""},
      {"version = 1\n[[publishers]]\nid = \"a\"\nkeys = [\"" + kKeyHex +
           "\"]\ncapabilities = []\ngrant = []\n",
       "field \"grant\""},
      {"version = 1\n[[publishers]]\nid = \"a\"\nkeys = [\"" + kKeyHex +
           "\"]\ncapabilities = []\n[[publishers]]\nid = \"a\"\nkeys = [\"" + std::string(64, '1') +
           "\"]\ncapabilities = []\n",
       "publishers[1] (id \"a\"): field \"id\""},
      {"version = 1\n[[publishers]]\nid = \"a\"\nkeys = [\"" + kKeyHex +
           "\"]\ncapabilities = []\n[[publishers]]\nid = \"b\"\nkeys = [\"" + kKeyHex +
           "\"]\ncapabilities = []\n",
       "already listed for publisher \"a\""},
      {"[[publishers]]\nid = \"a\"\n", "field \"version\""},
      {"version = 2\n", "field \"version\""},
      {"version = 1\npublishers = 3\n", "field \"publishers\""},
      {"version = 1\n[revoked]\nkeys = [\"zz\"]\n", "revoked: field \"keys\""},
      {"version = 1\n[revoked]\nkey = []\n", "revoked: field \"key\""},
      {"version = 1\nversion = 1\n", "line 2"},
      {"version = \n", "not valid TOML"},
  };
  for (const auto& c : cases) {
    auto e = ParseTrustPolicy(c.text, "config/trust.toml");
    ASSERT_FALSE(e.ok()) << c.text;
    EXPECT_EQ(e.status().code(), "invalid_trust");
    EXPECT_NE(e.status().message().find("config/trust.toml"), std::string::npos);
    EXPECT_NE(e.status().message().find(c.expect), std::string::npos)
        << "want \"" << c.expect << "\" in: " << e.status().message();
  }
}

TEST(TrustParse, PublicKeyEncodings) {
  EXPECT_TRUE(DecodeEd25519PublicKey(kKeyHex).ok());
  EXPECT_TRUE(DecodeEd25519PublicKey(std::string(64, 'F')).ok());
  EXPECT_FALSE(DecodeEd25519PublicKey(std::string(62, '0')).ok());
  EXPECT_FALSE(DecodeEd25519PublicKey(std::string(64, 'g')).ok());
  EXPECT_FALSE(DecodeEd25519PublicKey("AQEB").ok());  // base64 but 3 bytes
  EXPECT_FALSE(DecodeEd25519PublicKey("").ok());
}

}  // namespace
}  // namespace cryfttee::modules
