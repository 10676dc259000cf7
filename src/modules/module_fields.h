// The fields that the manifest entry and module.json both carry (id, version, description,
// capabilities), read and validated by one function so the two files cannot drift apart.
#pragma once

#include <string>
#include <vector>

#include "core/json_fields.h"
#include "core/status.h"

namespace cryfttee::modules {

struct CommonModuleFields {
  std::string id;       // IsValidModuleId
  std::string version;  // semver
  std::string description;
  std::vector<std::string> capabilities;  // unique, each IsValidCapabilityName
};

// Reads the common fields from `r`; the first problem is returned as `r`'s error for the field.
Result<CommonModuleFields> ReadCommonModuleFields(const JsonFields& r);

// The errors a manifest-style strict parser wants: one code for every problem, and JSON null
// counts as a (wrongly typed) value, not as absent.
inline JsonFieldsErrors StrictFileErrors(const char* code) {
  return JsonFieldsErrors{StatusCategory::kInvalidArgument, code, code, false};
}

}  // namespace cryfttee::modules
