// Browser defences for the signing API when it listens on TCP (--api-transport http|https).
//
// A Unix socket cannot be reached from a web page; a TCP port on 127.0.0.1 can: a hostile page
// can POST to it (a "simple" cross-site request needs no CORS preflight when its Content-Type is
// text/plain) or rebind its own domain to 127.0.0.1. Every request on a TCP API listener is
// therefore checked before routing:
//   - Host must be one of the listener's own names (loopback names and the bound host, with our
//     port or none: a rebinding page's requests carry its own domain) -> 421 "host_not_allowed";
//   - Origin, when sent, must be one of those names, and Sec-Fetch-Site, when sent, must be
//     "same-origin" or "none" -> 403 "cross_origin_request" (CSRF);
//   - every POST must carry Content-Type: application/json -> 415 "unsupported_media_type" (a
//     browser cannot send that cross-site without a preflight, which we never grant).
// Non-browser clients (the Go node client, cryftteectl, curl) send none of Origin and
// Sec-Fetch-Site and already send application/json, so nothing changes for them.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/kiosk_security.h"

namespace cryfttee::api {

class ApiBrowserGuard {
 public:
  explicit ApiBrowserGuard(const std::string& bind_address);
  // Called once the listener is bound (the configured port may be 0).
  void SetPort(int port);
  // A refusal, or nullopt when the request may be routed. Thread-safe after SetPort.
  std::optional<HttpResponse> Check(const HttpRequest& request) const;

 private:
  bool HostAllowed(const std::string& host) const;

  HostAllowList hosts_;
  std::atomic<int> port_{0};
};

}  // namespace cryfttee::api
