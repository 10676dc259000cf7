#include "runtime/module_registry.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "core/file_util.h"
#include "core/sha256.h"
#include "modules/manifest.h"
#include "modules/module_paths.h"
#include "modules/trust_policy.h"

namespace cryfttee::runtime {
namespace {

std::string KindOf(std::string_view capability) {
  size_t underscore = capability.find('_');
  return std::string(capability.substr(0, underscore));
}

std::string JoinReasons(const Verdict& v) {
  std::string out;
  for (const auto& r : v.reasons) {
    if (!out.empty()) out += "; ";
    out += r.message;
  }
  return out;
}

std::string WhyNotLoaded(const ModuleRecord& r) {
  std::string why = JoinReasons(r.loaded);
  if (!r.trusted.ok) why += ": " + JoinReasons(r.trusted);
  if (r.trusted.ok && !r.compatible.ok) why += ": " + JoinReasons(r.compatible);
  return why;
}

void LoadInto(ModuleRecord& r, const RegistryConfig& config,
              const std::vector<modules::HostFunction>& offered, bool load) {
  if (!r.trusted.ok) {
    r.loaded.Fail("not_trusted", "not loaded because the module is not trusted");
    return;
  }
  if (!r.compatible.ok) {
    r.loaded.Fail("not_compatible", "not loaded because the module is not compatible");
    return;
  }
  if (!load) {
    r.loaded.Fail("verification_only", "not loaded: verification only");
    return;
  }
  // Only what the binary imports; the verifier has checked each is declared and allowed.
  std::vector<modules::HostFunction> granted;
  for (const auto& h : offered) {
    if (std::find(r.host_functions.begin(), r.host_functions.end(), h.name) !=
        r.host_functions.end()) {
      granted.push_back(h);
    }
  }
  auto loaded = modules::LoadModule(r.entry.id, r.wasm, config.limits, std::move(granted));
  if (!loaded.ok()) {
    r.loaded.Fail(loaded.status().code(), loaded.status().message());
    return;
  }
  r.instance = std::move(*loaded);
  r.loaded.ok = true;
}

bool SameVerdict(const Verdict& a, const Verdict& b) {
  if (a.ok != b.ok || a.reasons.size() != b.reasons.size()) return false;
  for (size_t i = 0; i < a.reasons.size(); ++i) {
    if (a.reasons[i].code != b.reasons[i].code) return false;
  }
  return true;
}

// A reload "changed" a module when anything the publisher signed or the operator chose differs
// (the whole manifest entry), or the bytes, grants or any verdict do.
bool Changed(const ModuleRecord& a, const ModuleRecord& b) {
  return a.entry != b.entry || a.actual_hash != b.actual_hash || a.grants != b.grants ||
         !SameVerdict(a.trusted, b.trusted) || !SameVerdict(a.compatible, b.compatible) ||
         !SameVerdict(a.loaded, b.loaded);
}

}  // namespace

bool ModuleRecord::HasCapability(std::string_view cap) const {
  return std::find(entry.capabilities.begin(), entry.capabilities.end(), cap) !=
         entry.capabilities.end();
}

Snapshot::Snapshot(uint64_t generation, std::string manifest_hash,
                   std::vector<ModuleRecord> modules, std::map<std::string, std::string> defaults)
    : generation_(generation),
      manifest_hash_(std::move(manifest_hash)),
      modules_(std::move(modules)),
      defaults_(std::move(defaults)) {}

const ModuleRecord* Snapshot::Find(std::string_view id) const {
  for (const auto& m : modules_) {
    if (m.entry.id == id) return &m;
  }
  return nullptr;
}

std::string Snapshot::DefaultFor(std::string_view kind) const {
  auto it = defaults_.find(std::string(kind));
  return it == defaults_.end() ? std::string() : it->second;
}

Result<const ModuleRecord*> Snapshot::FindForCapability(std::string_view capability,
                                                        std::string_view module_id) const {
  std::string cap(capability);
  if (!module_id.empty()) {
    const ModuleRecord* r = Find(module_id);
    if (!r) {
      return Status::NotFound("module_not_found",
                              "no module with id \"" + std::string(module_id) + "\"");
    }
    if (!r->HasCapability(capability)) {
      return Status::InvalidArgument("capability_not_supported",
                                     "module \"" + r->entry.id + "\" does not provide " + cap);
    }
    if (!r->loaded.ok) {
      return Status::Unavailable("module_not_loaded",
                                 "module \"" + r->entry.id + "\" is " + WhyNotLoaded(*r));
    }
    return r;
  }
  // The operator's default is honoured even when it is down: silently routing signing requests
  // to a different module than the one chosen would be worse than failing.
  std::string def = DefaultFor(KindOf(capability));
  if (const ModuleRecord* r = def.empty() ? nullptr : Find(def); r && r->HasCapability(cap)) {
    if (!r->loaded.ok) {
      return Status::Unavailable("module_not_loaded", "default " + KindOf(capability) +
                                                          " module \"" + r->entry.id + "\" is " +
                                                          WhyNotLoaded(*r));
    }
    return r;
  }
  for (const auto& m : modules_) {
    if (m.loaded.ok && m.HasCapability(cap)) return &m;
  }
  return Status::Unavailable("no_module_for_capability", "no loaded module provides " + cap);
}

ModuleAttestation Snapshot::attestation() const {
  ModuleAttestation a;
  a.manifest_hash = manifest_hash_;
  for (const auto& m : modules_) {
    if (!m.loaded.ok) continue;
    a.module_hashes[m.entry.id] = m.actual_hash;
    a.loaded_modules.push_back(m.entry.id);
  }
  return a;
}

Result<std::shared_ptr<const Snapshot>> BuildSnapshot(const RegistryConfig& config,
                                                      uint64_t generation, bool load) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::string module_dir, modules::CanonicalModuleDir(config.module_dir));
  std::string manifest_path =
      config.manifest_path.empty() ? config.module_dir + "/manifest.json" : config.manifest_path;
  CRYFTTEE_ASSIGN_OR_RETURN(std::string manifest_text,
                            ReadFileCapped(manifest_path, modules::kMaxManifestBytes));
  CRYFTTEE_ASSIGN_OR_RETURN(modules::Manifest manifest,
                            modules::ParseManifest(manifest_text, manifest_path));
  modules::TrustPolicy trust;
  if (!config.trust_path.empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(std::string trust_text,
                              ReadFileCapped(config.trust_path, modules::kMaxTrustBytes));
    CRYFTTEE_ASSIGN_OR_RETURN(trust, modules::ParseTrustPolicy(trust_text, config.trust_path));
  }
  std::vector<modules::HostFunction> offered;
  if (config.host_functions) offered = config.host_functions();

  modules::VerifyContext ctx;
  ctx.module_dir = module_dir;
  ctx.trust = &trust;
  ctx.cryfttee_version = config.cryfttee_version;
  ctx.host_functions = &offered;

  // Modules are independent: each is verified and compiled (decode, validation, the fuel
  // meterer's rewrite, instantiation: most of a cold start) on its own thread, at most one per
  // core; records keep the manifest's order, so the outcome does not depend on the schedule.
  std::vector<ModuleRecord> records(manifest.modules.size());
  auto build = [&](size_t i) {
    ModuleRecord& r = records[i];
    static_cast<modules::VerifiedModule&>(r) = modules::VerifyModule(manifest.modules[i], ctx);
    if (config.trust_path.empty() && !r.trusted.ok) {
      r.trusted.Fail("no_trust_file", "no trust file is configured, so no publisher is trusted");
    }
    LoadInto(r, config, offered, load);
    Bytes().swap(r.wasm);  // the engine holds its own copy; the record keeps no bytes
  };
  size_t threads =
      std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), records.size(), 4});
  if (threads <= 1) {
    for (size_t i = 0; i < records.size(); ++i) build(i);
  } else {
    auto stride = [&](size_t first) {
      for (size_t i = first; i < records.size(); i += threads) build(i);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(stride, t);
    stride(0);
    for (std::thread& t : pool) t.join();
  }
  std::map<std::string, std::string> defaults;
  for (const auto& entry : manifest.modules) {
    for (const auto& [kind, on] : entry.default_for) {
      if (on) defaults[kind] = entry.id;
    }
  }
  for (const auto& [kind, id] : config.default_overrides) defaults[kind] = id;
  return std::shared_ptr<const Snapshot>(
      std::make_shared<Snapshot>(generation, FormatSha256(Sha256(AsBytes(manifest_text))),
                                 std::move(records), std::move(defaults)));
}

ReloadDiff DiffSnapshots(const Snapshot& before, const Snapshot& after) {
  ReloadDiff d;
  d.generation = after.generation();
  for (const auto& m : after.modules()) {
    const ModuleRecord* old = before.Find(m.entry.id);
    if (!old) {
      d.added.push_back(m.entry.id);
    } else if (Changed(*old, m)) {
      d.changed.push_back(m.entry.id);
    }
    if (!m.loaded.ok) {
      ReloadDiff::Refusal refusal{m.entry.id, {}};
      // Root causes only: "not loaded because not trusted" adds nothing to the trust reasons.
      for (const Verdict* v : {&m.trusted, &m.compatible, &m.loaded}) {
        for (const auto& r : v->reasons) {
          if (r.code == "not_inspected" || r.code == "not_trusted" || r.code == "not_compatible") {
            continue;
          }
          refusal.reasons.push_back(r);
        }
      }
      d.refused.push_back(std::move(refusal));
    }
  }
  for (const auto& m : before.modules()) {
    if (!after.Find(m.entry.id)) d.removed.push_back(m.entry.id);
  }
  return d;
}

ModuleRegistry::ModuleRegistry(RegistryConfig config)
    : config_(std::move(config)), current_(std::make_shared<Snapshot>()) {}

std::shared_ptr<const Snapshot> ModuleRegistry::Current() const {
  MutexLock lock(&current_mu_);
  return current_;
}

Result<ReloadDiff> ModuleRegistry::Reload() {
  MutexLock reload_lock(&reload_mu_);
  std::shared_ptr<const Snapshot> before = Current();
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> after,
                            BuildSnapshot(config_, before->generation() + 1, /*load=*/true));
  {
    MutexLock lock(&current_mu_);
    current_ = after;
  }
  return DiffSnapshots(*before, *after);
}

Result<DispatchTarget> ModuleRegistry::Resolve(std::string_view capability,
                                               std::string_view module_id) const {
  DispatchTarget t;
  t.snapshot = Current();
  CRYFTTEE_ASSIGN_OR_RETURN(t.record, t.snapshot->FindForCapability(capability, module_id));
  t.module = t.record->instance.get();
  return t;
}

}  // namespace cryfttee::runtime
