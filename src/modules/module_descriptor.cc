#include "modules/module_descriptor.h"

#include "core/json_fields.h"
#include "modules/manifest.h"
#include "modules/module_fields.h"

namespace cryfttee::modules {
namespace {

constexpr const char* kCode = "invalid_module_json";

bool IsImportOrExportName(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<ModuleDescriptor> ParseModuleDescriptor(std::string_view json_text,
                                               const std::string& file_name) {
  if (json_text.size() > kMaxModuleJsonBytes) {
    return Status::InvalidArgument(
        kCode, file_name + ": larger than " + std::to_string(kMaxModuleJsonBytes) + " bytes");
  }
  nlohmann::json doc;
  CRYFTTEE_RETURN_IF_ERROR(ParseJsonObjectText(json_text, file_name, kCode, &doc));
  JsonFields r(doc, file_name, StrictFileErrors(kCode));
  CRYFTTEE_RETURN_IF_ERROR(r.RejectUnknownFields(
      {"abiVersion", "id", "version", "description", "capabilities", "exports", "hostFunctions"}));
  ModuleDescriptor d;
  CRYFTTEE_ASSIGN_OR_RETURN(d.abi_version, r.Integer("abiVersion"));
  CRYFTTEE_ASSIGN_OR_RETURN(CommonModuleFields common, ReadCommonModuleFields(r));
  d.id = std::move(common.id);
  d.version = std::move(common.version);
  d.description = std::move(common.description);
  d.capabilities = std::move(common.capabilities);
  CRYFTTEE_ASSIGN_OR_RETURN(d.exports, r.UniqueStrings("exports"));
  for (const auto& e : d.exports) {
    if (!IsImportOrExportName(e)) return r.Error("exports", "\"" + e + "\" is not a valid name");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(d.host_functions, r.OptionalUniqueStrings("hostFunctions"));
  for (const auto& h : d.host_functions) {
    if (!IsImportOrExportName(h)) {
      return r.Error("hostFunctions", "\"" + h + "\" is not a valid name");
    }
  }
  return d;
}

}  // namespace cryfttee::modules
