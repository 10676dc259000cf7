// A throw-away module directory with a manifest, module.json files, compiled test modules and a
// trust file, plus a publisher key to sign entries with. Each test mutates it and rebuilds.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/file_util.h"
#include "core/sha256.h"
#include "crypto/ed25519.h"
#include "modules/manifest.h"
#include "modules/signing.h"

namespace cryfttee::testing {

inline std::string ReadTestWasm(const std::string& name) {
  auto r = ReadFileCapped(std::string(TRUST_TEST_WASM_DIR) + "/" + name + ".wasm", 1 << 20);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

inline void WriteText(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

struct TestModule {
  std::string id = {};
  std::string wasm_name = "signer";
  std::string version = "1.0.0";
  std::string min_version = "0.1.0";
  std::vector<std::string> capabilities = {"bls_register", "bls_sign"};
  std::vector<std::string> host_functions = {};
  std::string publisher = "test-pub";
  nlohmann::json default_for = nullptr;
  bool sign = true;
};

class TrustFixture {
 public:
  TrustFixture() {
    root_ = std::filesystem::temp_directory_path() /
            ("cryfttee-trust-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(module_dir());
    auto pair = crypto::Ed25519Generate();
    EXPECT_TRUE(pair.ok());
    key_ = std::move(pair->seed);
    public_key_ = pair->public_key;
  }
  ~TrustFixture() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  std::filesystem::path root() const { return root_; }
  std::filesystem::path module_dir() const { return root_ / "modules"; }
  std::string manifest_path() const { return (module_dir() / "manifest.json").string(); }
  std::string trust_path() const { return (root_ / "trust.toml").string(); }
  const SecretBytes& key() const { return key_; }
  const Bytes& public_key() const { return public_key_; }

  // Writes the module's files and returns its (signed) manifest entry as JSON.
  nlohmann::json AddModule(const TestModule& m) {
    std::string wasm = ReadTestWasm(m.wasm_name);
    WriteText(module_dir() / m.id / "module.wasm", wasm);
    nlohmann::json exports = {"memory", "cryfttee_abi_version", "cryfttee_alloc", "cryfttee_free"};
    nlohmann::json desc = {{"abiVersion", 1},
                           {"id", m.id},
                           {"version", m.version},
                           {"description", "test module " + m.id},
                           {"capabilities", m.capabilities},
                           {"exports", exports},
                           {"hostFunctions", m.host_functions}};
    WriteText(module_dir() / m.id / "module.json", desc.dump(2));
    nlohmann::json entry = {{"id", m.id},
                            {"dir", m.id},
                            {"file", "module.wasm"},
                            {"version", m.version},
                            {"minCryfteeVersion", m.min_version},
                            {"description", "test module " + m.id},
                            {"capabilities", m.capabilities},
                            {"publisherId", m.publisher}};
    if (!m.default_for.is_null()) entry["defaultFor"] = m.default_for;
    if (m.sign) Sign(entry, key_, FormatSha256(Sha256(AsBytes(wasm))));
    entries_[m.id] = entry;
    order_.push_back(m.id);
    WriteManifest();
    return entry;
  }

  void RemoveModule(const std::string& id) {
    entries_.erase(id);
    order_.erase(std::find(order_.begin(), order_.end(), id));
    WriteManifest();
  }

  nlohmann::json& entry(const std::string& id) { return entries_.at(id); }

  static void Sign(nlohmann::json& entry, const SecretBytes& key, const std::string& hash) {
    entry["hash"] = hash;
    auto parsed = modules::ParseManifest(
        nlohmann::json{{"version", 1}, {"modules", {entry}}}.dump(), "entry");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    auto sig = modules::SignManifestEntry(parsed->modules[0], key);
    ASSERT_TRUE(sig.ok());
    entry["signature"] = *sig;
  }

  void WriteManifest() {
    nlohmann::json mods = nlohmann::json::array();
    for (const auto& id : order_) mods.push_back(entries_.at(id));
    WriteText(manifest_path(), nlohmann::json{{"version", 1}, {"modules", mods}}.dump(2));
  }

  // Trusts "test-pub" with our key unless told otherwise.
  void WriteTrust(const std::string& capabilities = "[\"*\"]",
                  const std::string& grants = "[\"log\", \"clock\", \"random\"]",
                  const std::string& extra = "") {
    WriteText(trust_path(), "version = 1\n\n[[publishers]]\nid = \"test-pub\"\nkeys = [\"" +
                                HexEncode(public_key_) + "\"]\ncapabilities = " + capabilities +
                                "\ngrants = " + grants + "\n" + extra);
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path root_;
  SecretBytes key_;
  Bytes public_key_;
  std::map<std::string, nlohmann::json> entries_;
  std::vector<std::string> order_;
};

}  // namespace cryfttee::testing
