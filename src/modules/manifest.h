// modules/manifest.json: which modules exist, where their bytes are, and what their publisher
// signed about them. Format (version 1) is the README seed's; see docs/module-abi.md.
//
// Parsing is strict: unknown fields, wrong types, bad versions or paths that try to leave the
// module directory reject the whole file, with an error that names the file, the entry and the
// field. A half-understood manifest must never load code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace cryfttee::modules {

inline constexpr int kManifestVersion = 1;
inline constexpr size_t kMaxManifestBytes = 1 << 20;

// The kinds an operator can pick a default module for ("defaultFor").
inline constexpr const char* kDefaultKinds[] = {"bls", "tls"};

struct ManifestEntry {
  std::string id;
  std::string dir;   // relative to the module directory
  std::string file;  // relative to dir
  std::string version;
  std::string min_cryfttee_version;
  std::string description;
  std::vector<std::string> capabilities;    // in manifest order, no duplicates
  std::map<std::string, bool> default_for;  // operator's choice; not signed
  std::string publisher_id;
  std::string hash;       // "sha256:<hex>", or empty in an unsigned template
  std::string signature;  // base64 Ed25519 signature, or empty in an unsigned template

  bool operator==(const ManifestEntry&) const = default;
};

struct Manifest {
  int version = kManifestVersion;
  std::vector<ManifestEntry> modules;

  const ManifestEntry* Find(std::string_view id) const;
};

// `file_name` is used only in error messages. Code: "invalid_manifest".
Result<Manifest> ParseManifest(std::string_view json_text, const std::string& file_name);

// Rewrites `json_text` with `hash` and `signature` set on the entry with `id`, keeping every other
// field and the key order as they were. Used by the publisher tooling. Codes: "invalid_manifest",
// "module_not_found".
Result<std::string> SetManifestEntrySignature(std::string_view json_text,
                                              const std::string& file_name, std::string_view id,
                                              const std::string& hash,
                                              const std::string& signature);

// Shared field syntax, also used by module.json and trust.toml.
bool IsValidModuleId(std::string_view id);       // [A-Za-z0-9][A-Za-z0-9_.-]{0,63}
bool IsValidCapabilityName(std::string_view c);  // [a-z][a-z0-9_]{0,63}
bool IsValidPublisherId(std::string_view id);    // same alphabet as module ids
// A relative path with no "..", ".", empty or absolute component, no backslash or NUL.
bool IsSafeRelativePath(std::string_view path);

}  // namespace cryfttee::modules
