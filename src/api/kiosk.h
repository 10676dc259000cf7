// The kiosk listener's router: the operator UI (static files from ui_dir) plus the read-only API
// views and reload, behind the browser defences of kiosk_security.h.
//
// The kiosk owns no handlers of its own for API data: it forwards an allow-list of (method, path)
// to the API listener's router, so both listeners answer from the same code. Routes that are not
// on the list (key registration, signing, heartbeat, ...) answer 404 on the kiosk.
//
// Its own routes: GET /kiosk/csrf (the reload token) and GET /kiosk/live (the live panel's last
// hour, ops/live_history.h), both behind the same Host check as everything else.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/kiosk_security.h"
#include "api/kiosk_static.h"
#include "api/router.h"
#include "core/status.h"
#include "ops/live_history.h"

namespace cryfttee::api {

struct KioskOptions {
  std::string ui_dir;
  std::string bind_address;  // the configured --kiosk-addr
  std::string extra_hosts;   // kiosk_hosts: more Host names to accept, comma-separated
  // The live panel's data (GET /kiosk/live); null = no live panel (the route answers 404).
  const ops::LiveHistory* live_history = nullptr;
};

// GET routes forwarded to the API router.
const std::vector<std::string>& KioskReadOnlyRoutes();
// POST routes forwarded only with a valid CSRF token.
const std::vector<std::string>& KioskActionRoutes();

class Kiosk {
 public:
  // `api` must outlive the kiosk. Code "rng_failure" when no CSRF token can be drawn.
  static Result<std::unique_ptr<Kiosk>> Create(KioskOptions options, const Router* api);

  const Router& router() const { return router_; }
  // Call once the listener is bound (the configured port may be 0) and before serving.
  void SetBoundPort(int port);
  const KioskStaticFiles& static_files() const { return static_files_; }

 private:
  Kiosk(KioskOptions options, const Router* api, CsrfGuard csrf);
  HttpResponse Handle(const HttpRequest& request, const Handler& next) const;
  HttpResponse CsrfToken() const;

  KioskOptions options_;
  const Router* api_;
  CsrfGuard csrf_;
  HostAllowList hosts_;
  KioskStaticFiles static_files_;
  std::atomic<int> port_{0};
  Router router_;
};

}  // namespace cryfttee::api
