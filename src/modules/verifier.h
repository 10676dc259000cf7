// Decides whether one manifest entry may run: the "trusted" and "compatible" verdicts.
//
// Order matters: the file's exact bytes are hashed and the publisher signature checked before the
// engine parses anything (wasm validation is not an integrity check). The binary is inspected for
// exports and imports only once the module is trusted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "modules/engine.h"
#include "modules/manifest.h"
#include "modules/module_descriptor.h"
#include "modules/trust_policy.h"

namespace cryfttee::modules {

inline constexpr size_t kMaxWasmBytes = 16 << 20;

// One reason a verdict is "no", with a stable code a client may switch on.
struct Reason {
  std::string code;
  std::string message;
};

struct Verdict {
  bool ok = false;
  std::vector<Reason> reasons;  // empty when ok

  void Fail(std::string code, std::string message) {
    ok = false;
    reasons.push_back({std::move(code), std::move(message)});
  }
};

struct VerifyContext {
  std::string module_dir;  // canonical (see CanonicalModuleDir)
  const TrustPolicy* trust = nullptr;
  std::string cryfttee_version;  // ours, semver
  // Every host function this daemon offers; only name and grant are read here.
  const std::vector<HostFunction>* host_functions = nullptr;
};

struct VerifiedModule {
  ManifestEntry entry;
  std::string wasm_path;    // resolved, "" when it could not be
  std::string actual_hash;  // of the bytes read, "" when unreadable
  std::string signing_key;  // hex public key that verified, "" when none
  std::optional<ModuleDescriptor> descriptor;
  std::vector<std::string> exports;         // from the binary; empty unless inspected
  std::vector<std::string> host_functions;  // imports the module will be given
  std::vector<std::string> grants;          // the grants those imports come from
  Verdict trusted;
  Verdict compatible;
  Bytes wasm;  // the exact verified bytes; kept only when trusted and compatible

  bool Loadable() const { return trusted.ok && compatible.ok; }
};

VerifiedModule VerifyModule(const ManifestEntry& entry, const VerifyContext& ctx);

}  // namespace cryfttee::modules
