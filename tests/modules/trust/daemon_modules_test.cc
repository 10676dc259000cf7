// The module system through the real daemon: verdicts in /v1/schema/modules, reload answers,
// attestation inputs, and calls that keep succeeding while a reload swaps the registry.
// Uses the bundled debug_v1 module (built by the build), re-signed with a test publisher key.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/file_util.h"
#include "core/sha256.h"
#include "support/daemon_process.h"
#include "trust_fixture.h"

namespace cryfttee::testing {
namespace {

namespace fs = std::filesystem;

const nlohmann::json* FindModule(const nlohmann::json& schema, const std::string& id) {
  for (const auto& m : schema["modules"]) {
    if (m["id"] == id) return &m;
  }
  return nullptr;
}

bool HasReason(const nlohmann::json& verdict, const std::string& code) {
  for (const auto& r : verdict["reasons"]) {
    if (r["code"] == code) return true;
  }
  return false;
}

class DaemonModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    debug_dir_ = BuildDir() + "/modules/debug_v1";
    if (!fs::exists(debug_dir_ + "/module.wasm")) {
      GTEST_SKIP() << "LOUD SKIP: " << debug_dir_ << "/module.wasm not built "
                   << "(CRYFTTEE_BUILD_MODULES=OFF?)";
    }
    AddDebugCopy("debug_v1");
    fx_.WriteTrust();
    daemon_ = std::make_unique<DaemonProcess>(DaemonOptions{
        .args = {"--module-dir", fx_.module_dir().string(), "--trust-config", fx_.trust_path()},
        .env = {},
        .use_uds = true,
        .bundled_modules = false});
    ASSERT_TRUE(daemon_->Start()) << daemon_->Log();
  }
  void TearDown() override {
    if (daemon_) {
      EXPECT_EQ(daemon_->Stop(), 0) << daemon_->Log();
    }
  }

  // A copy of debug_v1 under another id, signed by the fixture's key.
  void AddDebugCopy(const std::string& id, const std::string& min_version = "0.1.0",
                    std::vector<std::string> extra_caps = {}) {
    auto desc = nlohmann::json::parse(*ReadFileCapped(debug_dir_ + "/module.json", 1 << 20));
    std::vector<std::string> caps = desc["capabilities"];
    caps.insert(caps.end(), extra_caps.begin(), extra_caps.end());
    desc["id"] = id;
    desc["capabilities"] = caps;
    std::string wasm = *ReadFileCapped(debug_dir_ + "/module.wasm", 16 << 20);
    WriteText(fx_.module_dir() / id / "module.wasm", wasm);
    WriteText(fx_.module_dir() / id / "module.json", desc.dump(2));
    nlohmann::json entry = {{"id", id},
                            {"dir", id},
                            {"file", "module.wasm"},
                            {"version", desc["version"]},
                            {"minCryfteeVersion", min_version},
                            {"capabilities", caps},
                            {"publisherId", "test-pub"}};
    TrustFixture::Sign(entry, fx_.key(), FormatSha256(Sha256(AsBytes(wasm))));
    entries_[id] = entry;
    WriteManifest();
  }

  void WriteManifest() {
    nlohmann::json mods = nlohmann::json::array();
    for (const auto& [id, e] : entries_) mods.push_back(e);
    WriteText(fx_.manifest_path(), nlohmann::json{{"version", 1}, {"modules", mods}}.dump(2));
  }

  nlohmann::json Schema() {
    RawResponse r = daemon_->Get("/v1/schema/modules");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  nlohmann::json Reload() {
    RawResponse r = daemon_->Post("/v1/admin/reload-modules", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }

  TrustFixture fx_;
  std::string debug_dir_;
  std::map<std::string, nlohmann::json> entries_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(DaemonModulesTest, SchemaShowsVerdictsExportsAndGrants) {
  nlohmann::json s = Schema();
  EXPECT_EQ(s["abi_version"], 1);
  EXPECT_EQ(s["runtime_version"], CRYFTTEE_VERSION);
  const nlohmann::json* m = FindModule(s, "debug_v1");
  ASSERT_NE(m, nullptr) << s.dump(2);
  EXPECT_TRUE((*m)["trusted"].get<bool>()) << m->dump(2);
  EXPECT_TRUE((*m)["compatible"].get<bool>()) << m->dump(2);
  EXPECT_TRUE((*m)["loaded"].get<bool>()) << m->dump(2);
  EXPECT_EQ((*m)["publisher"], "test-pub");
  EXPECT_EQ((*m)["hash"], entries_["debug_v1"]["hash"]);
  EXPECT_EQ((*m)["minCryfteeVersion"], "0.1.0");
  EXPECT_FALSE((*m)["exports"].empty());
  EXPECT_FALSE((*m)["host_grants"].empty());
  EXPECT_TRUE((*m)["verdicts"]["trusted"]["reasons"].empty());

  nlohmann::json a = daemon_->Get("/v1/runtime/attestation").Json();
  EXPECT_EQ(a["manifest_hash"],
            FormatSha256(Sha256(AsBytes(*ReadFileCapped(fx_.manifest_path(), 1 << 20)))));
  EXPECT_EQ(a["module_hashes"]["debug_v1"], entries_["debug_v1"]["hash"]);
  EXPECT_EQ(a["loaded_modules"], nlohmann::json::array({"debug_v1"}));
}

TEST_F(DaemonModulesTest, OneByteTamperMakesModuleUntrustedAndNotLoaded) {
  fs::path wasm = fx_.module_dir() / "debug_v1" / "module.wasm";
  std::string bytes = *ReadFileCapped(wasm.string(), 16 << 20);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteText(wasm, bytes);
  nlohmann::json diff = Reload();
  EXPECT_EQ(diff["changed"], nlohmann::json::array({"debug_v1"}));
  ASSERT_EQ(diff["refused"].size(), 1u) << diff.dump(2);
  EXPECT_EQ(diff["refused"][0]["reasons"][0]["code"], "hash_mismatch");
  nlohmann::json schema = Schema();
  const nlohmann::json* m = FindModule(schema, "debug_v1");
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE((*m)["trusted"].get<bool>());
  EXPECT_FALSE((*m)["loaded"].get<bool>());
  nlohmann::json a = daemon_->Get("/v1/runtime/attestation").Json();
  EXPECT_TRUE(a["loaded_modules"].empty());
  EXPECT_EQ(daemon_->Get("/v1/modules/debug_v1/status-panel").status, 503);
}

TEST_F(DaemonModulesTest, WrongKeyAndRevokedKeyMakeItUntrusted) {
  auto other = crypto::Ed25519Generate();
  WriteText(fx_.trust_path(), "version = 1\n[[publishers]]\nid = \"test-pub\"\nkeys = [\"" +
                                  HexEncode(other->public_key) + "\"]\ncapabilities = [\"*\"]\n" +
                                  "grants = [\"log\", \"clock\", \"random\"]\n");
  nlohmann::json wrong = Reload();
  ASSERT_EQ(wrong["refused"].size(), 1u) << wrong.dump(2);
  EXPECT_EQ(wrong["refused"][0]["reasons"][0]["code"], "bad_signature");

  fx_.WriteTrust("[\"*\"]", "[\"log\", \"clock\", \"random\"]",
                 "[revoked]\nkeys = [\"" + HexEncode(fx_.public_key()) + "\"]\n");
  nlohmann::json revoked = Reload();
  ASSERT_EQ(revoked["refused"].size(), 1u) << revoked.dump(2);
  EXPECT_EQ(revoked["refused"][0]["reasons"][0]["code"], "revoked_key");
  EXPECT_FALSE((*FindModule(Schema(), "debug_v1"))["trusted"].get<bool>());
}

TEST_F(DaemonModulesTest, TooHighMinVersionAndMissingExportMakeItIncompatible) {
  AddDebugCopy("future", "99.0.0");
  AddDebugCopy("overclaims", "0.1.0", {"tls_sign"});
  Reload();
  nlohmann::json s = Schema();
  const nlohmann::json* f = FindModule(s, "future");
  const nlohmann::json* o = FindModule(s, "overclaims");
  ASSERT_TRUE(f && o) << s.dump(2);
  EXPECT_TRUE((*f)["trusted"].get<bool>());
  EXPECT_FALSE((*f)["compatible"].get<bool>());
  EXPECT_TRUE(HasReason((*f)["verdicts"]["compatible"], "cryfttee_too_old")) << f->dump(2);
  EXPECT_FALSE((*f)["loaded"].get<bool>());
  EXPECT_FALSE((*o)["compatible"].get<bool>());
  EXPECT_TRUE(HasReason((*o)["verdicts"]["compatible"], "missing_export")) << o->dump(2);
  EXPECT_FALSE((*o)["loaded"].get<bool>());
  // The good module keeps serving.
  EXPECT_EQ(daemon_->Get("/v1/modules/debug_v1/status-panel").status, 200);
}

TEST_F(DaemonModulesTest, ReloadPicksUpAddedAndDropsRemovedModules) {
  AddDebugCopy("extra");
  nlohmann::json added = Reload();
  EXPECT_EQ(added["added"], nlohmann::json::array({"extra"}));
  EXPECT_EQ(daemon_->Get("/v1/modules/extra/status-panel").status, 200);

  entries_.erase("extra");
  WriteManifest();
  nlohmann::json removed = Reload();
  EXPECT_EQ(removed["removed"], nlohmann::json::array({"extra"}));
  EXPECT_EQ(FindModule(Schema(), "extra"), nullptr);
  EXPECT_EQ(daemon_->Get("/v1/modules/extra/status-panel").status, 404);

  // A manifest that does not parse is refused and the running modules stay.
  WriteText(fx_.manifest_path(), "{\"version\": 1, \"modules\": [{}]}");
  RawResponse bad = daemon_->Post("/v1/admin/reload-modules", "");
  EXPECT_EQ(bad.status, 409) << bad.body;
  EXPECT_EQ(bad.Json()["code"], "invalid_manifest");
  EXPECT_EQ(daemon_->Get("/v1/modules/debug_v1/status-panel").status, 200);
}

TEST_F(DaemonModulesTest, ReloadDuringTwentyConcurrentCallsLosesNone) {
  constexpr int kCalls = 20;
  std::atomic<int> ok{0};
  std::atomic<bool> go{false};
  std::vector<std::string> failures(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      RawResponse r = daemon_->Get("/v1/modules/debug_v1/status-panel");
      if (r.status == 200 && r.Json().value("module_id", "") == "debug_v1") {
        ok.fetch_add(1);
      } else {
        failures[i] = std::to_string(r.status) + " " + r.body;
      }
    });
  }
  AddDebugCopy("extra");  // the reload really changes the registry
  go = true;
  nlohmann::json diff = Reload();
  for (auto& t : threads) t.join();
  EXPECT_EQ(diff["added"], nlohmann::json::array({"extra"}));
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(failures[i], "") << "call " << i;
  EXPECT_EQ(ok.load(), kCalls);
}

}  // namespace
}  // namespace cryfttee::testing
