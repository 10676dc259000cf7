#include "api/health_handlers.h"

#include "api/responses.h"

namespace cryfttee::api {
namespace {

HttpResponse Readiness(const ApiContext& ctx) {
  Json checks = Json::object();
  Json not_ready = Json::array();
  // Keys and signing readiness come from the one backend view (vault or Web3Signer), the same
  // facts /v1/runtime/status reports, so the probe and the node never disagree.
  if (ctx.backends == nullptr) {
    checks["signer"] = "no_backend";
    not_ready.push_back("signer");
  } else {
    runtime::SignerView view = ctx.backends->View();
    checks["signer"] = view.ready ? "ready" : (view.reason.empty() ? "not_ready" : view.reason);
    if (!view.ready) not_ready.push_back("signer");
    if (view.web3signer_configured) {
      checks["web3signer"] = view.web3signer_connected ? "connected" : "unreachable";
      if (!view.web3signer_connected) not_ready.push_back("web3signer");
    }
  }

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
