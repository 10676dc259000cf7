#include "modules/module_fields.h"

#include "core/semver.h"
#include "modules/manifest.h"

namespace cryfttee::modules {

Result<CommonModuleFields> ReadCommonModuleFields(const JsonFields& r) {
  CommonModuleFields f;
  CRYFTTEE_ASSIGN_OR_RETURN(f.id, r.String("id"));
  if (!IsValidModuleId(f.id)) return r.Error("id", "must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  CRYFTTEE_ASSIGN_OR_RETURN(f.version, r.String("version"));
  if (auto v = SemVer::Parse(f.version); !v.ok()) return r.Error("version", v.status().message());
  CRYFTTEE_ASSIGN_OR_RETURN(f.description, r.OptionalString("description"));
  CRYFTTEE_ASSIGN_OR_RETURN(f.capabilities, r.UniqueStrings("capabilities"));
  for (const auto& c : f.capabilities) {
    if (!IsValidCapabilityName(c)) {
      return r.Error("capabilities", "\"" + c + "\" must match [a-z][a-z0-9_]{0,63}");
    }
  }
  return f;
}

}  // namespace cryfttee::modules
