#include "modules/verifier.h"

#include <algorithm>
#include <set>

#include "core/file_util.h"
#include "core/semver.h"
#include "core/sha256.h"
#include "modules/host_functions_base.h"
#include "modules/module_paths.h"
#include "modules/signing.h"

namespace cryfttee::modules {
namespace {

// Exports every ABI v1 module must have, whatever its capabilities.
constexpr const char* kRequiredExports[] = {"memory", "cryfttee_abi_version", "cryfttee_alloc",
                                            "cryfttee_free"};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const HostFunction* FindHostFunction(const VerifyContext& ctx, const std::string& name) {
  if (!ctx.host_functions) return nullptr;
  for (const auto& h : *ctx.host_functions) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

void CheckSignature(VerifiedModule& m, const Publisher& publisher, const TrustPolicy& trust) {
  if (m.entry.signature.empty()) {
    m.trusted.Fail("unsigned", "the manifest entry has no signature");
    return;
  }
  for (const Bytes& key : publisher.keys) {
    if (trust.IsRevoked(key)) continue;
    if (VerifyManifestEntrySignature(m.entry, key)) {
      m.signing_key = HexEncode(key);
      return;
    }
  }
  // Say why precisely: an operator acting on a revocation wants to see it took effect.
  for (const Bytes& key : publisher.keys) {
    if (trust.IsRevoked(key) && VerifyManifestEntrySignature(m.entry, key)) {
      m.trusted.Fail("revoked_key", "signed by revoked key " + HexEncode(key));
      return;
    }
  }
  for (const Bytes& key : trust.revoked_keys) {
    if (VerifyManifestEntrySignature(m.entry, key)) {
      m.trusted.Fail("revoked_key", "signed by revoked key " + HexEncode(key));
      return;
    }
  }
  m.trusted.Fail("bad_signature", "the signature does not verify under any key of publisher \"" +
                                      publisher.id + "\"");
}

// module.json: read, parse, and check it agrees with the signed entry.
void CheckDescriptor(VerifiedModule& m, const VerifyContext& ctx) {
  auto path = ResolveInsideModuleDir(ctx.module_dir, m.entry.dir + "/module.json");
  if (!path.ok()) {
    if (path.status().code() == "path_escape") {
      m.trusted.Fail("path_escape", path.status().message());
    } else {
      m.compatible.Fail("invalid_module_json", path.status().message());
    }
    return;
  }
  auto text = ReadFileCapped(*path, kMaxModuleJsonBytes);
  if (!text.ok()) {
    m.compatible.Fail("invalid_module_json", text.status().message());
    return;
  }
  auto desc = ParseModuleDescriptor(*text, m.entry.dir + "/module.json");
  if (!desc.ok()) {
    m.compatible.Fail("invalid_module_json", desc.status().message());
    return;
  }
  const ModuleDescriptor& d = *desc;
  if (d.abi_version != kAbiVersion) {
    m.compatible.Fail("abi_mismatch", "module.json declares ABI version " +
                                          std::to_string(d.abi_version) + ", this runtime speaks " +
                                          std::to_string(kAbiVersion));
  }
  if (d.id != m.entry.id) {
    m.compatible.Fail("module_json_mismatch",
                      "module.json id \"" + d.id + "\" differs from the manifest's");
  }
  if (d.version != m.entry.version) {
    m.compatible.Fail(
        "module_json_mismatch",
        "module.json version " + d.version + " differs from the manifest's " + m.entry.version);
  }
  std::set<std::string> a(d.capabilities.begin(), d.capabilities.end());
  std::set<std::string> b(m.entry.capabilities.begin(), m.entry.capabilities.end());
  if (a != b) {
    m.compatible.Fail("module_json_mismatch",
                      "module.json capabilities differ from the manifest's signed capabilities");
  }
  m.descriptor = d;
}

// Each declared host function must exist, and its grant must be within the publisher's allowance.
void CheckHostFunctions(VerifiedModule& m, const Publisher* publisher, const VerifyContext& ctx) {
  if (!m.descriptor) return;
  for (const auto& name : m.descriptor->host_functions) {
    const HostFunction* h = FindHostFunction(ctx, name);
    if (!h) {
      m.compatible.Fail("unknown_host_function", "module.json asks for host function \"" + name +
                                                     "\", which this runtime does not offer");
      continue;
    }
    if (publisher && h->grant != kGrantNone && !publisher->grants.count(h->grant)) {
      m.trusted.Fail("grant_not_allowed", "host function \"" + name + "\" needs grant \"" +
                                              h->grant + "\", which publisher \"" + publisher->id +
                                              "\" may not use");
    }
  }
}

// Runs only on trusted bytes: the engine decodes them here for the first time.
void InspectBinary(VerifiedModule& m, const VerifyContext& ctx) {
  auto iface = InspectWasm(m.wasm);
  if (!iface.ok()) {
    m.compatible.Fail("invalid_wasm", iface.status().message());
    return;
  }
  m.exports = iface->exports;
  for (const char* required : kRequiredExports) {
    if (!Contains(m.exports, required)) {
      m.compatible.Fail("missing_export", std::string("ABI v1 requires export \"") + required +
                                              "\", which the binary lacks");
    }
  }
  for (const auto& cap : m.entry.capabilities) {
    if (!Contains(m.exports, cap)) {
      m.compatible.Fail("missing_export",
                        "capability \"" + cap + "\" is declared but the binary does not export it");
    }
  }
  if (m.descriptor) {
    for (const auto& e : m.descriptor->exports) {
      if (!Contains(m.exports, e)) {
        m.compatible.Fail("module_json_mismatch",
                          "module.json lists export \"" + e + "\", which the binary lacks");
      }
    }
  }
  std::set<std::string> grants;
  for (const auto& imp : iface->imports) {
    std::string full = imp.module + "." + imp.name;
    if (imp.module != kImportNamespace) {
      m.compatible.Fail("undeclared_import", "imports \"" + full + "\" from outside the \"" +
                                                 std::string(kImportNamespace) + "\" namespace");
      continue;
    }
    if (!m.descriptor || !Contains(m.descriptor->host_functions, imp.name)) {
      m.compatible.Fail("undeclared_import",
                        "imports \"" + full + "\", which module.json does not declare");
      continue;
    }
    if (const HostFunction* h = FindHostFunction(ctx, imp.name)) {
      if (!Contains(m.host_functions, imp.name)) m.host_functions.push_back(imp.name);
      if (h->grant != kGrantNone) grants.insert(h->grant);
    }
  }
  m.grants.assign(grants.begin(), grants.end());
}

}  // namespace

VerifiedModule VerifyModule(const ManifestEntry& entry, const VerifyContext& ctx) {
  VerifiedModule m;
  m.entry = entry;
  m.trusted.ok = true;
  m.compatible.ok = true;

  // Trust: exact bytes, pinned hash, publisher signature, publisher allowance.
  auto path = ResolveInsideModuleDir(ctx.module_dir, entry.dir + "/" + entry.file);
  if (!path.ok()) {
    m.trusted.Fail(path.status().code() == "path_escape" ? "path_escape" : "file_unreadable",
                   path.status().message());
  } else {
    m.wasm_path = *path;
    auto bytes = ReadFileCapped(*path, kMaxWasmBytes);
    if (!bytes.ok()) {
      m.trusted.Fail("file_unreadable", bytes.status().message());
    } else {
      m.wasm.assign(bytes->begin(), bytes->end());
      m.actual_hash = FormatSha256(Sha256(m.wasm));
      if (entry.hash.empty()) {
        m.trusted.Fail("unsigned", "the manifest entry has no hash");
      } else if (m.actual_hash != entry.hash) {
        m.trusted.Fail("hash_mismatch",
                       "file hash " + m.actual_hash + " differs from the manifest's " + entry.hash);
      }
    }
  }

  const Publisher* publisher = ctx.trust ? ctx.trust->Find(entry.publisher_id) : nullptr;
  if (!publisher) {
    m.trusted.Fail("unknown_publisher",
                   "publisher \"" + entry.publisher_id + "\" is not in the trust file");
  } else {
    CheckSignature(m, *publisher, *ctx.trust);
    for (const auto& cap : entry.capabilities) {
      if (!publisher->MayPublish(cap)) {
        m.trusted.Fail(
            "capability_not_allowed",
            "publisher \"" + publisher->id + "\" may not publish capability \"" + cap + "\"");
      }
    }
  }

  // Compatibility that needs no bytes.
  auto ours = SemVer::Parse(ctx.cryfttee_version);
  auto needed = SemVer::Parse(entry.min_cryfttee_version);
  if (!ours.ok() || !needed.ok()) {
    m.compatible.Fail("invalid_version", "cannot compare minCryfteeVersion " +
                                             entry.min_cryfttee_version + " with cryfttee " +
                                             ctx.cryfttee_version);
  } else if (*needed > *ours) {
    m.compatible.Fail("cryfttee_too_old", "module needs cryfttee >= " + entry.min_cryfttee_version +
                                              ", this is " + ctx.cryfttee_version);
  }
  CheckDescriptor(m, ctx);
  CheckHostFunctions(m, publisher, ctx);

  if (m.trusted.ok) {
    InspectBinary(m, ctx);
  } else {
    m.compatible.Fail("not_inspected",
                      "the binary was not inspected because the module is not trusted");
  }
  if (!m.Loadable()) {
    m.wasm.clear();
    m.wasm.shrink_to_fit();
  }
  return m;
}

}  // namespace cryfttee::modules
