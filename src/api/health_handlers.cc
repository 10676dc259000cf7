#include "api/health_handlers.h"

#include "api/responses.h"

namespace cryfttee::api {
namespace {

HttpResponse Readiness(const ApiContext& ctx) {
  Json checks = Json::object();
  Json not_ready = Json::array();
  bool vault_open = ctx.vault != nullptr;
  checks["vault"] = vault_open ? "open" : "closed";
  if (!vault_open) not_ready.push_back("vault");

  auto snapshot = ctx.registry ? ctx.registry->Current() : nullptr;
  bool any_default = false;
  for (const char* kind : {"bls", "tls"}) {
    std::string id = snapshot ? snapshot->DefaultFor(kind) : "";
    if (id.empty()) continue;
    any_default = true;
    const runtime::ModuleRecord* record = snapshot->Find(id);
    bool loaded = record && record->loaded.ok;
    checks["module:" + id] = loaded ? "loaded" : "not_loaded";
    if (!loaded) not_ready.push_back("module:" + id);
  }
  // No manifest default at all means no signer can be dispatched without an explicit module_id:
  // not ready, and the probe says so rather than passing vacuously.
  if (!any_default) {
    checks["modules"] = "no_default_module";
    not_ready.push_back("modules");
  }
  bool ready = not_ready.empty();
  Json body = {{"ready", ready}, {"checks", checks}};
  if (!ready) body["not_ready"] = not_ready;
  return JsonResponse(body, ready ? 200 : 503);
}

}  // namespace

void AddHealthRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/healthz", [](const HttpRequest&) {
    return JsonResponse({{"status", "alive"}});
  });
  router.Add("GET", "/readyz", [&ctx](const HttpRequest&) { return Readiness(ctx); });
}

}  // namespace cryfttee::api
