// The kiosk's browser-facing defences.
//
// DNS rebinding: a hostile page can make its own domain resolve to 127.0.0.1 and then talk to the
// kiosk as "same origin". The browser still sends the hostile domain in Host, so every request
// whose Host is not one of the kiosk's own names is refused before routing.
//
// CSRF: the one state-changing kiosk action (reload) needs a per-process token that only a
// same-origin page can read (GET /kiosk/csrf, no CORS), sent back in the X-CSRF-Token header and
// in a SameSite=Strict cookie. A custom header already forces a CORS preflight, which the kiosk
// never grants; the cookie and the Origin / Sec-Fetch-Site checks are defence in depth.
#pragma once

#include <string>
#include <vector>

#include "api/http_types.h"
#include "core/status.h"

namespace cryfttee::api {

class HostAllowList {
 public:
  // `bind_address` is the configured kiosk address ("127.0.0.1:323", "[::1]:0", "10.0.0.5:323");
  // its host is allowed when it is not a wildcard. `extra_hosts` is the comma-separated
  // kiosk_hosts setting: "name" (any port of ours) or "name:port".
  HostAllowList(const std::string& bind_address, const std::string& extra_hosts);

  // Called once the listener is bound: names without a port are allowed with this one.
  void SetPort(int port);

  // Host header value, e.g. "localhost:8323". Case-insensitive; port 80 may be omitted.
  bool Allows(const std::string& host_header) const;
  // Same rule for an Origin header ("http://localhost:8323").
  bool AllowsOrigin(const std::string& origin) const;

  // "127.0.0.1:8323, localhost:8323, ..." for error messages.
  std::string Describe() const;

 private:
  std::vector<std::string> names_;      // lower-case host names, IPv6 in brackets
  std::vector<std::string> with_port_;  // lower-case "name:port" entries from kiosk_hosts
  int port_ = 0;
};

class CsrfGuard {
 public:
  // 32 random bytes, hex. Code "rng_failure".
  static Result<CsrfGuard> Create();

  const std::string& token() const { return token_; }
  // Cookie name; includes the port so two kiosks on one host do not overwrite each other's token.
  std::string CookieName(int port) const;
  std::string SetCookieHeader(int port) const;

  // Checks a state-changing request: the X-CSRF-Token header and the cookie must both equal the
  // token (constant-time), and Origin / Sec-Fetch-Site, when the browser sends them, must say
  // same origin. Codes (all 403): "csrf_token_missing", "csrf_token_invalid",
  // "cross_origin_request".
  Status Check(const HttpRequest& request, const HostAllowList& hosts, int port) const;

 private:
  explicit CsrfGuard(std::string token) : token_(std::move(token)) {}
  std::string token_;
};

// Content-Security-Policy and friends, set on every kiosk answer.
void AddKioskSecurityHeaders(HttpResponse* response);

// The value of one cookie from a Cookie header ("" when absent).
std::string CookieValue(const std::string& cookie_header, const std::string& name);

}  // namespace cryfttee::api
