// The registry of verified modules: an immutable Snapshot, replaced as a whole on reload.
//
// Readers take `registry.Current()` (a shared_ptr) and use it for the whole request, so a reload
// never changes what an in-flight call sees and never frees a module under it: the old snapshot,
// with its loaded instances, lives until its last reader lets go.
//
// Typical use by a handler:
//   auto target = registry.Resolve("bls_sign", request_module_id);   // explicit id wins
//   if (!target.ok()) return Error(target.status());
//   auto out = target->module->CallJson("bls_sign", request_json, &call_data);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.h"
#include "core/status.h"
#include "modules/engine.h"
#include "modules/host_functions_base.h"
#include "modules/verifier.h"
#include "runtime/attestation.h"

namespace cryfttee::runtime {

using modules::Reason;
using modules::Verdict;

// Everything known about one manifest entry: the verifier's result (its manifest entry, hashes,
// grants and the trusted/compatible verdicts; the wasm bytes are dropped once loaded) plus what
// loading added. One record per module, shared by dispatch, status, schema and reload diffs.
struct ModuleRecord : modules::VerifiedModule {
  Verdict loaded;
  std::shared_ptr<modules::LoadedModule> instance;  // set exactly when loaded.ok

  const std::string& id() const { return entry.id; }
  const std::string& version() const { return entry.version; }
  bool HasCapability(std::string_view cap) const;
};

class Snapshot {
 public:
  Snapshot() = default;
  Snapshot(uint64_t generation, std::string manifest_hash, std::vector<ModuleRecord> modules,
           std::map<std::string, std::string> defaults);

  uint64_t generation() const { return generation_; }  // 0 = nothing loaded yet
  const std::string& manifest_hash() const { return manifest_hash_; }
  const std::vector<ModuleRecord>& modules() const { return modules_; }
  const ModuleRecord* Find(std::string_view id) const;
  // "bls" / "tls" -> module id chosen by the manifest's defaultFor ("" when none).
  std::string DefaultFor(std::string_view kind) const;

  // Dispatch rule: an explicit `module_id` wins; else the module marked defaultFor the
  // capability's kind (the part before '_'); else the first loaded module, in manifest order,
  // that has the capability. Codes: "module_not_found" (kNotFound), "module_not_loaded" and
  // "no_module_for_capability" (kUnavailable), "capability_not_supported" (kInvalidArgument).
  Result<const ModuleRecord*> FindForCapability(std::string_view capability,
                                                std::string_view module_id = {}) const;

  // The module system's share of /v1/runtime/attestation: hashes of loaded modules only, since
  // only those are running code.
  ModuleAttestation attestation() const;

 private:
  uint64_t generation_ = 0;
  std::string manifest_hash_;
  std::vector<ModuleRecord> modules_;
  std::map<std::string, std::string> defaults_;
};

// What a reload changed, by module id, and why anything is not running.
struct ReloadDiff {
  uint64_t generation = 0;
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;  // hash, version, capabilities, verdicts or defaults differ
  struct Refusal {
    std::string id;
    std::vector<Reason> reasons;  // every "no" of trusted, compatible and loaded
  };
  std::vector<Refusal> refused;
};

struct RegistryConfig {
  std::string module_dir;
  std::string manifest_path;  // default: <module_dir>/manifest.json
  std::string trust_path;
  std::string cryfttee_version = CRYFTTEE_VERSION;
  modules::Limits limits;
  // Every host function the daemon offers (name, grant, implementation). Modules receive the
  // subset they import, declared in module.json and allowed to their publisher. The daemon adds
  // the key-vault and HTTP functions to the base set.
  std::function<std::vector<modules::HostFunction>()> host_functions = modules::BaseHostFunctions;
  // The operator's default module per kind ("bls" -> "web3signer_v1"): wins over the
  // manifest's defaultFor (--default-bls-module, or web3signer_v1 when a Web3Signer URL is set).
  std::map<std::string, std::string> default_overrides;
};

// A module resolved for one call; holds the snapshot so the module outlives a reload.
struct DispatchTarget {
  std::shared_ptr<const Snapshot> snapshot;
  const ModuleRecord* record = nullptr;
  modules::LoadedModule* module = nullptr;
};

class ModuleRegistry {
 public:
  explicit ModuleRegistry(RegistryConfig config);

  // Reads manifest and trust file, verifies and loads every module, and swaps in the result.
  // A manifest or trust file that does not parse fails the reload and keeps the current
  // snapshot (codes "invalid_manifest", "invalid_trust", "io_error", "module_dir_invalid").
  // Individual modules that fail verification do not fail the reload; they are in `refused`.
  // Reloads are serialized; readers are never blocked by one.
  Result<ReloadDiff> Reload();

  std::shared_ptr<const Snapshot> Current() const;

  // Current() + FindForCapability(), keeping the snapshot alive in the result.
  Result<DispatchTarget> Resolve(std::string_view capability,
                                 std::string_view module_id = {}) const;

  const RegistryConfig& config() const { return config_; }

 private:
  RegistryConfig config_;
  Mutex reload_mu_ ACQUIRED_BEFORE(current_mu_);  // one reload at a time
  mutable Mutex current_mu_;  // guards the pointer copy only; readers never wait for a reload
  std::shared_ptr<const Snapshot> current_ GUARDED_BY(current_mu_);
};

// Builds a snapshot without installing it (used by Reload and by `cryftteectl module verify`,
// which wants verdicts without a daemon). `load` = false skips instantiation: loaded verdicts
// then say "not loaded: verification only".
Result<std::shared_ptr<const Snapshot>> BuildSnapshot(const RegistryConfig& config,
                                                      uint64_t generation, bool load);

ReloadDiff DiffSnapshots(const Snapshot& before, const Snapshot& after);

}  // namespace cryfttee::runtime
