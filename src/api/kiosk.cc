#include "api/kiosk.h"

#include <spdlog/spdlog.h>

#include "api/responses.h"
#include "core/clock.h"

namespace cryfttee::api {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Paths answered by routes (JSON); everything else is a UI file.
bool IsRoutedPath(const std::string& path) {
  return path == "/v1" || StartsWith(path, "/v1/") || path == "/kiosk" ||
         StartsWith(path, "/kiosk/");
}

}  // namespace

const std::vector<std::string>& KioskReadOnlyRoutes() {
  static const std::vector<std::string> routes = {
      "/v1/staking/status",
      "/v1/staking/keys",  // public keys and use counters, never private material
      "/v1/runtime/attestation", "/v1/runtime/connection",
      "/v1/schema/modules",      "/v1/modules/{id}/status-panel",
  };
  return routes;
}

const std::vector<std::string>& KioskActionRoutes() {
  static const std::vector<std::string> routes = {"/v1/admin/reload-modules"};
  return routes;
}

Result<std::unique_ptr<Kiosk>> Kiosk::Create(KioskOptions options, const Router* api) {
  CRYFTTEE_ASSIGN_OR_RETURN(CsrfGuard csrf, CsrfGuard::Create());
  return std::unique_ptr<Kiosk>(new Kiosk(std::move(options), api, std::move(csrf)));
}

Kiosk::Kiosk(KioskOptions options, const Router* api, CsrfGuard csrf)
    : options_(std::move(options)),
      api_(api),
      csrf_(std::move(csrf)),
      hosts_(options_.bind_address, options_.extra_hosts),
      static_files_(options_.ui_dir) {
  for (const std::string& path : KioskReadOnlyRoutes()) {
    router_.Add("GET", path, [this](const HttpRequest& r) { return api_->Dispatch(r); });
  }
  for (const std::string& path : KioskActionRoutes()) {
    router_.Add("POST", path, [this](const HttpRequest& r) {
      Status allowed = csrf_.Check(r, hosts_, port_.load());
      if (!allowed.ok()) {
        spdlog::warn("kiosk: refused {} {}: {}", r.method, r.path, allowed.message());
        return ErrorResponse(allowed);
      }
      return api_->Dispatch(r);
    });
  }
  router_.Add("GET", "/kiosk/csrf", [this](const HttpRequest&) { return CsrfToken(); });
  if (options_.live_history != nullptr) {
    router_.Add("GET", "/kiosk/live", [this](const HttpRequest&) {
      Json body = options_.live_history->Snapshot(NowUnixMillis());
      body["success"] = true;
      return JsonResponse(body);
    });
  }
  router_.SetMiddleware(
      [this](const HttpRequest& r, const Handler& next) { return Handle(r, next); });
}

void Kiosk::SetBoundPort(int port) {
  hosts_.SetPort(port);
  port_.store(port);
}

HttpResponse Kiosk::CsrfToken() const {
  int port = port_.load();
  HttpResponse resp =
      JsonResponse({{"success", true}, {"token", csrf_.token()}, {"header", "X-CSRF-Token"}});
  resp.headers.emplace_back("Set-Cookie", csrf_.SetCookieHeader(port));
  return resp;
}

HttpResponse Kiosk::Handle(const HttpRequest& request, const Handler& next) const {
  HttpResponse response;
  const std::string* host = request.Header("host");
  if (host == nullptr || !hosts_.Allows(*host)) {
    std::string seen = host == nullptr ? "(none)" : *host;
    spdlog::warn("kiosk: refused {} {} with Host {} (possible DNS rebinding)", request.method,
                 request.path, seen);
    response = ErrorResponse(421, "host_not_allowed",
                             "Host " + seen + " is not a name of this kiosk (accepted: " +
                                 hosts_.Describe() + "; add names with kiosk_hosts)");
  } else if (IsRoutedPath(request.path)) {
    response = next(request);
  } else {
    response = static_files_.Serve(request);
  }
  AddKioskSecurityHeaders(&response);
  return response;
}

}  // namespace cryfttee::api
