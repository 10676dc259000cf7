#include "api/browser_guard.h"

#include <spdlog/spdlog.h>

#include "api/responses.h"

namespace cryfttee::api {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsJsonContentType(const std::string* value) {
  if (value == nullptr) return false;
  std::string v = Lower(*value);
  size_t semicolon = v.find(';');
  std::string media = v.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.pop_back();
  return media == "application/json";
}

}  // namespace

ApiBrowserGuard::ApiBrowserGuard(const std::string& bind_address) : hosts_(bind_address, "") {}

void ApiBrowserGuard::SetPort(int port) {
  hosts_.SetPort(port);
  port_ = port;
}

bool ApiBrowserGuard::HostAllowed(const std::string& host) const {
  if (hosts_.Allows(host)) return true;
  // "localhost" or "127.0.0.1" without a port (non-browser clients send that) is one of our
  // names all the same; a port-less name that is not ours is still refused.
  bool has_port = host.find(':', host.rfind(']') == std::string::npos ? 0 : host.rfind(']')) !=
                  std::string::npos;
  return !has_port && hosts_.Allows(host + ":" + std::to_string(port_.load()));
}

std::optional<HttpResponse> ApiBrowserGuard::Check(const HttpRequest& request) const {
  const std::string* host = request.Header("host");
  if (host == nullptr || !HostAllowed(*host)) {
    spdlog::warn("api: refused {} {} with Host {} (possible DNS rebinding)", request.method,
                 request.path, host ? *host : "(none)");
    return ErrorResponse(421, "host_not_allowed",
                         "Host " + (host ? *host : std::string("(none)")) +
                             " is not a name of this API listener (accepted: " + hosts_.Describe() +
                             ")");
  }
  if (const std::string* origin = request.Header("origin")) {
    // HostAllowList checks http:// origins; an https:// listener's own pages use https://.
    std::string as_http =
        Lower(*origin).starts_with("https://") ? "http://" + origin->substr(8) : *origin;
    if (!hosts_.AllowsOrigin(as_http)) {
      spdlog::warn("api: refused cross-origin {} {} from {}", request.method, request.path,
                   *origin);
      return ErrorResponse(403, "cross_origin_request",
                           "requests from origin " + *origin + " are not accepted");
    }
  }
  if (const std::string* site = request.Header("sec-fetch-site")) {
    std::string s = Lower(*site);
    if (s != "same-origin" && s != "none") {
      spdlog::warn("api: refused {} {} with Sec-Fetch-Site {}", request.method, request.path,
                   *site);
      return ErrorResponse(403, "cross_origin_request",
                           "cross-site requests are not accepted (Sec-Fetch-Site: " + *site + ")");
    }
  }
  if (request.method == "POST" && !IsJsonContentType(request.Header("content-type"))) {
    return ErrorResponse(415, "unsupported_media_type",
                         "POST bodies must be sent as Content-Type: application/json");
  }
  return std::nullopt;
}

}  // namespace cryfttee::api
