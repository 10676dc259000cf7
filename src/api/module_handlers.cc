#include "api/module_handlers.h"

#include <spdlog/spdlog.h>

#include "api/responses.h"
#include "modules/engine.h"

namespace cryfttee::api {
namespace {

Json ReasonsJson(const std::vector<runtime::Reason>& reasons) {
  Json out = Json::array();
  for (const auto& r : reasons) out.push_back({{"code", r.code}, {"message", r.message}});
  return out;
}

HttpResponse Schema(const ApiContext& ctx) {
  auto snapshot = ctx.registry ? ctx.registry->Current() : std::make_shared<runtime::Snapshot>();
  Json modules = Json::array();
  for (const auto& m : snapshot->modules()) modules.push_back(ModuleSchemaJson(m));
  Json defaults = Json::object();
  for (const char* kind : modules::kDefaultKinds) {
    std::string id = snapshot->DefaultFor(kind);
    defaults[kind] = id.empty() ? Json(nullptr) : Json(id);
  }
  return JsonResponse({{"success", true},
                       {"runtime_version", CRYFTTEE_VERSION},
                       {"cryfttee_version", CRYFTTEE_VERSION},
                       {"abi_version", modules::kAbiVersion},
                       {"import_namespace", modules::kImportNamespace},
                       {"generation", snapshot->generation()},
                       {"manifest_hash", snapshot->manifest_hash()},
                       {"defaults", defaults},
                       {"modules", modules}});
}

HttpResponse Reload(const ApiContext& ctx) {
  if (!ctx.registry) {
    return ErrorResponse(503, "modules_unavailable", "this server has no module registry");
  }
  auto diff = ctx.registry->Reload();
  if (!diff.ok()) {
    // The files on disk are wrong, not the request: 409 with the parser's precise message, and
    // the previous snapshot keeps serving.
    spdlog::error("module reload failed, keeping the current modules: {}", diff.status().message());
    return ErrorResponse(409, diff.status().code(),
                         diff.status().message() + " (the previously loaded modules stay active)");
  }
  auto now = ctx.registry->Current();
  spdlog::info("modules reloaded: generation {}, {} added, {} removed, {} changed, {} refused",
               diff->generation, diff->added.size(), diff->removed.size(), diff->changed.size(),
               diff->refused.size());
  for (const auto& refusal : diff->refused) {
    for (const auto& r : refusal.reasons) {
      spdlog::warn("module {} not loaded: {}: {}", refusal.id, r.code, r.message);
    }
  }
  return JsonResponse(ReloadDiffJson(*diff, *now));
}

}  // namespace

Json VerdictJson(const runtime::Verdict& verdict) {
  return {{"ok", verdict.ok}, {"reasons", ReasonsJson(verdict.reasons)}};
}

Json ModuleSchemaJson(const runtime::ModuleRecord& m) {
  Json default_for = Json::object();
  for (const auto& [kind, on] : m.entry.default_for) default_for[kind] = on;
  Json entry = {
      {"id", m.entry.id},
      {"version", m.entry.version},
      {"description", m.entry.description},
      {"publisher", m.entry.publisher_id},
      {"publisher_key", m.signing_key},
      {"hash", m.entry.hash},
      {"file_hash", m.actual_hash},
      {"minCryfteeVersion", m.entry.min_cryfttee_version},
      {"capabilities", m.entry.capabilities},
      {"defaultFor", default_for},
      {"exports", m.exports},
      {"host_functions", m.host_functions},
      {"host_grants", m.grants},
      // Flat booleans for simple clients, full verdicts with reasons for people.
      {"trusted", m.trusted.ok},
      {"compatible", m.compatible.ok},
      {"loaded", m.loaded.ok},
      {"verdicts",
       {{"trusted", VerdictJson(m.trusted)},
        {"compatible", VerdictJson(m.compatible)},
        {"loaded", VerdictJson(m.loaded)}}},
  };
  if (m.instance) {
    modules::ModuleHealth h = m.instance->health();
    entry["health"] = {{"calls", h.calls},
                       {"failures", h.failures},
                       {"consecutive_failures", h.consecutive_failures},
                       {"degraded", h.degraded},
                       {"last_error", h.last_error}};
  }
  return entry;
}

Json ReloadDiffJson(const runtime::ReloadDiff& diff, const runtime::Snapshot& now) {
  Json refused = Json::array();
  for (const auto& r : diff.refused) {
    refused.push_back({{"id", r.id}, {"reasons", ReasonsJson(r.reasons)}});
  }
  return {{"success", true},
          {"generation", diff.generation},
          {"manifest_hash", now.manifest_hash()},
          {"added", diff.added},
          {"removed", diff.removed},
          {"changed", diff.changed},
          {"refused", refused},
          {"loaded_modules", now.attestation().loaded_modules}};
}

void AddModuleRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/v1/schema/modules", [&ctx](const HttpRequest&) { return Schema(ctx); });
  router.Add("POST", "/v1/admin/reload-modules",
             [&ctx](const HttpRequest&) { return Reload(ctx); });
}

}  // namespace cryfttee::api
