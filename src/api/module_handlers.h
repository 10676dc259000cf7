// Module administration and schema:
//   POST /v1/admin/reload-modules  re-read manifest + trust, verify, swap the snapshot; answers
//                                  what was added, removed, changed and refused (with reasons)
//   GET  /v1/schema/modules        runtime and ABI version, and per module its identity,
//                                  exports, host grants and the three verdicts with reasons
#pragma once

#include <nlohmann/json.hpp>

#include "api/api_context.h"
#include "api/router.h"
#include "runtime/module_registry.h"

namespace cryfttee::api {

void AddModuleRoutes(Router& router, const ApiContext& ctx);

// {"ok": bool, "reasons": [{"code", "message"}]}
nlohmann::json VerdictJson(const runtime::Verdict& verdict);
// One module's schema entry (also usable by status views).
nlohmann::json ModuleSchemaJson(const runtime::ModuleRecord& record);
nlohmann::json ReloadDiffJson(const runtime::ReloadDiff& diff, const runtime::Snapshot& now);

}  // namespace cryfttee::api
