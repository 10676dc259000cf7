#include "api/status_handlers.h"

#include "api/responses.h"
#include "api/runtime_handlers.h"
#include "core/clock.h"

namespace cryfttee::api {
namespace {

HttpResponse Status(const ApiContext& ctx) {
  int64_t now = NowUnixMillis();
  Json body = {
      {"success", true},
      {"cryfttee_version", CRYFTTEE_VERSION},
      {"uptime_seconds", (MonotonicMillis() - ctx.started_monotonic_ms) / 1000},
      {"connection", ConnectionJson(ctx, now)},
      {"modules", Json::array()},
      {"defaults", Json::object()},
      {"keys", {{"bls", {{"available", false}}}, {"tls", {{"available", false}}}}},
      {"ready", false},
      {"reason", "no signer module is loaded"},
      {"bls_pubkeys", Json::array()},
      {"tls_pubkeys", Json::array()},
      {"capabilities", Json::array()},
      {"module_version", ""},
      {"web3signer_url", ctx.web3signer_url},
      {"web3signer_connected", false},
  };
  return JsonResponse(body);
}

}  // namespace

void AddStatusRoutes(Router& router, const ApiContext& ctx) {
  router.Add("GET", "/v1/staking/status", [&ctx](const HttpRequest&) { return Status(ctx); });
}

}  // namespace cryfttee::api
