#include "modules/manifest.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/json_fields.h"
#include "core/semver.h"
#include "core/sha256.h"
#include "modules/module_fields.h"

namespace cryfttee::modules {
namespace {

constexpr const char* kCode = "invalid_manifest";

bool IsIdChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '.' || c == '-';
}

std::string Describe(size_t index, const nlohmann::json& entry) {
  std::string where = "modules[" + std::to_string(index) + "]";
  auto it = entry.is_object() ? entry.find("id") : entry.end();
  if (entry.is_object() && it != entry.end() && it->is_string()) {
    // Quote only a sane id so a hostile manifest cannot inject text into logs.
    std::string id = it->get<std::string>();
    if (IsValidModuleId(id)) where += " (id \"" + id + "\")";
  }
  return where;
}

Result<ManifestEntry> ParseEntry(const JsonFields& r) {
  CRYFTTEE_RETURN_IF_ERROR(
      r.RejectUnknownFields({"id", "dir", "file", "version", "minCryfteeVersion", "description",
                             "capabilities", "defaultFor", "publisherId", "hash", "signature"}));
  ManifestEntry e;
  CRYFTTEE_ASSIGN_OR_RETURN(CommonModuleFields common, ReadCommonModuleFields(r));
  e.id = std::move(common.id);
  e.version = std::move(common.version);
  e.description = std::move(common.description);
  e.capabilities = std::move(common.capabilities);

  CRYFTTEE_ASSIGN_OR_RETURN(e.dir, r.String("dir"));
  if (!IsSafeRelativePath(e.dir)) {
    return r.Error("dir",
                   "must be a relative path inside the module directory (no \"..\", no "
                   "leading \"/\")");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(e.file, r.String("file"));
  if (!IsSafeRelativePath(e.file)) {
    return r.Error("file",
                   "must be a relative path inside the module's dir (no \"..\", no "
                   "leading \"/\")");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(e.min_cryfttee_version, r.String("minCryfteeVersion"));
  if (auto v = SemVer::Parse(e.min_cryfttee_version); !v.ok()) {
    return r.Error("minCryfteeVersion", v.status().message());
  }

  CRYFTTEE_ASSIGN_OR_RETURN(e.publisher_id, r.String("publisherId"));
  if (!IsValidPublisherId(e.publisher_id)) {
    return r.Error("publisherId", "must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(e.hash, r.OptionalString("hash"));
  if (!e.hash.empty() && !IsSha256Text(e.hash)) {
    return r.Error("hash", "must be \"sha256:\" followed by 64 lower-case hex digits");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(e.signature, r.OptionalString("signature"));
  return e;
}

Status ParseDefaultFor(const nlohmann::json& value, const JsonFields& r, ManifestEntry* e) {
  if (!value.is_object()) return r.Error("defaultFor", "must be an object like {\"bls\": true}");
  for (const auto& item : value.items()) {
    const std::string& kind = item.key();
    const nlohmann::json& flag = item.value();
    if (std::find_if(std::begin(kDefaultKinds), std::end(kDefaultKinds),
                     [&](const char* k) { return kind == k; }) == std::end(kDefaultKinds)) {
      return r.Error("defaultFor", "unknown kind \"" + kind + "\" (expected \"bls\" or \"tls\")");
    }
    if (!flag.is_boolean()) return r.Error("defaultFor", "\"" + kind + "\" must be true or false");
    bool on = flag.get<bool>();
    if (on && std::none_of(e->capabilities.begin(), e->capabilities.end(),
                           [&](const std::string& c) { return c.rfind(kind + "_", 0) == 0; })) {
      return r.Error("defaultFor", "module is the default for \"" + kind + "\" but declares no \"" +
                                       kind + "_\" capability");
    }
    e->default_for[kind] = on;
  }
  return Status::Ok();
}

}  // namespace

const ManifestEntry* Manifest::Find(std::string_view id) const {
  for (const auto& m : modules) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

bool IsValidModuleId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  if (!((id[0] >= '0' && id[0] <= '9') || (id[0] >= 'a' && id[0] <= 'z') ||
        (id[0] >= 'A' && id[0] <= 'Z'))) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), IsIdChar);
}

bool IsValidPublisherId(std::string_view id) { return IsValidModuleId(id); }

bool IsValidCapabilityName(std::string_view c) {
  if (c.empty() || c.size() > 64 || !(c[0] >= 'a' && c[0] <= 'z')) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.size() > 255 || path[0] == '/') return false;
  if (path.find('\\') != std::string_view::npos || path.find('\0') != std::string_view::npos) {
    return false;
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

Result<Manifest> ParseManifest(std::string_view json_text, const std::string& file_name) {
  if (json_text.size() > kMaxManifestBytes) {
    return Status::InvalidArgument(
        kCode, file_name + ": larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  }
  nlohmann::json doc;
  CRYFTTEE_RETURN_IF_ERROR(ParseJsonObjectText(json_text, file_name, kCode, &doc));
  JsonFields top(doc, file_name, StrictFileErrors(kCode));
  CRYFTTEE_RETURN_IF_ERROR(top.RejectUnknownFields({"version", "modules"}));

  Manifest manifest;
  CRYFTTEE_ASSIGN_OR_RETURN(int64_t version, top.Integer("version"));
  if (version != kManifestVersion) {
    return top.Error("version", "unsupported manifest version " + std::to_string(version) +
                                    " (this build reads version 1)");
  }
  auto modules_it = doc.find("modules");
  if (modules_it == doc.end()) return top.Error("modules", "is missing");
  if (!modules_it->is_array()) return top.Error("modules", "must be an array");

  std::map<std::string, std::string> default_owner;  // kind -> module id
  for (size_t i = 0; i < modules_it->size(); ++i) {
    const nlohmann::json& item = (*modules_it)[i];
    std::string where = file_name + ": " + Describe(i, item);
    if (!item.is_object()) return Status::InvalidArgument(kCode, where + ": must be an object");
    JsonFields r(item, where, StrictFileErrors(kCode));
    CRYFTTEE_ASSIGN_OR_RETURN(ManifestEntry entry, ParseEntry(r));
    if (auto it = item.find("defaultFor"); it != item.end()) {
      CRYFTTEE_RETURN_IF_ERROR(ParseDefaultFor(*it, r, &entry));
    }
    if (manifest.Find(entry.id) != nullptr) {
      return r.Error("id", "\"" + entry.id + "\" is used by an earlier entry");
    }
    for (const auto& [kind, on] : entry.default_for) {
      if (!on) continue;
      auto [it, inserted] = default_owner.emplace(kind, entry.id);
      if (!inserted) {
        return r.Error("defaultFor",
                       "\"" + kind + "\" is already the default of module \"" + it->second + "\"");
      }
    }
    manifest.modules.push_back(std::move(entry));
  }
  return manifest;
}

Result<std::string> SetManifestEntrySignature(std::string_view json_text,
                                              const std::string& file_name, std::string_view id,
                                              const std::string& hash,
                                              const std::string& signature) {
  // Validate first so the tool never signs into a manifest the daemon would reject.
  CRYFTTEE_RETURN_IF_ERROR(ParseManifest(json_text, file_name).status());
  nlohmann::ordered_json doc;
  try {
    doc = nlohmann::ordered_json::parse(json_text.begin(), json_text.end());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(kCode, file_name + ": not valid JSON: " + e.what());
  }
  for (auto& entry : doc["modules"]) {
    if (entry["id"] == id) {
      entry["hash"] = hash;
      entry["signature"] = signature;
      return doc.dump(2) + "\n";
    }
  }
  return Status::NotFound("module_not_found",
                          file_name + ": no module with id \"" + std::string(id) + "\"");
}

}  // namespace cryfttee::modules
