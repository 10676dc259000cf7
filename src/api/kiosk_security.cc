#include "api/kiosk_security.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include "core/bytes.h"
#include "crypto/random.h"

namespace cryfttee::api {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// True when `entry` ends in ":<digits>" after any IPv6 brackets.
bool HasPort(const std::string& entry) {
  size_t colon = entry.rfind(':');
  if (colon == std::string::npos || colon + 1 == entry.size()) return false;
  size_t bracket = entry.rfind(']');
  if (bracket != std::string::npos && bracket > colon) return false;
  if (entry.front() != '[' && entry.find(':') != colon) return false;  // bare IPv6, no port
  return std::all_of(entry.begin() + static_cast<long>(colon) + 1, entry.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  // The token's length is public (64 hex digits); only its content is secret.
  if (a.size() != b.size() || a.empty()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

HostAllowList::HostAllowList(const std::string& bind_address, const std::string& extra_hosts) {
  names_ = {"127.0.0.1", "localhost", "[::1]"};
  size_t colon = bind_address.rfind(':');
  std::string bind_host =
      Lower(colon == std::string::npos ? bind_address : bind_address.substr(0, colon));
  if (!bind_host.empty() && bind_host != "0.0.0.0" && bind_host != "[::]" &&
      std::find(names_.begin(), names_.end(), bind_host) == names_.end()) {
    names_.push_back(bind_host);
  }
  size_t start = 0;
  while (start <= extra_hosts.size()) {
    size_t end = extra_hosts.find(',', start);
    if (end == std::string::npos) end = extra_hosts.size();
    std::string entry = Lower(Trim(extra_hosts.substr(start, end - start)));
    if (!entry.empty()) {
      if (HasPort(entry)) {
        with_port_.push_back(entry);
      } else {
        // A bare IPv6 literal is written with brackets in a Host header.
        if (entry.find(':') != std::string::npos && entry.front() != '[') entry = "[" + entry + "]";
        names_.push_back(entry);
      }
    }
    start = end + 1;
  }
}

void HostAllowList::SetPort(int port) { port_ = port; }

bool HostAllowList::Allows(const std::string& host_header) const {
  std::string host = Lower(Trim(host_header));
  if (host.empty()) return false;
  if (std::find(with_port_.begin(), with_port_.end(), host) != with_port_.end()) return true;
  const std::string suffix = ":" + std::to_string(port_);
  for (const std::string& name : names_) {
    if (host == name + suffix) return true;
    if (port_ == 80 && host == name) return true;
  }
  return false;
}

bool HostAllowList::AllowsOrigin(const std::string& origin) const {
  static const std::string kScheme = "http://";
  if (origin.size() <= kScheme.size() || Lower(origin.substr(0, kScheme.size())) != kScheme) {
    return false;
  }
  return Allows(origin.substr(kScheme.size()));
}

std::string HostAllowList::Describe() const {
  std::string out;
  for (const std::string& name : names_) {
    if (!out.empty()) out += ", ";
    out += name + ":" + std::to_string(port_);
  }
  for (const std::string& entry : with_port_) out += ", " + entry;
  return out;
}

Result<CsrfGuard> CsrfGuard::Create() {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes random, crypto::RandomBytes(32));
  std::string token = HexEncode(random);
  SecureWipe(random.data(), random.size());
  return CsrfGuard(std::move(token));
}

std::string CsrfGuard::CookieName(int port) const {
  return "cryfttee_csrf_" + std::to_string(port);
}

std::string CsrfGuard::SetCookieHeader(int port) const {
  return CookieName(port) + "=" + token_ + "; Path=/; HttpOnly; SameSite=Strict";
}

Status CsrfGuard::Check(const HttpRequest& request, const HostAllowList& hosts, int port) const {
  if (const std::string* site = request.Header("sec-fetch-site")) {
    if (*site != "same-origin") {
      return Status::Error(StatusCategory::kPermissionDenied, "cross_origin_request",
                           "request was sent from another site (Sec-Fetch-Site: " + *site + ")");
    }
  }
  if (const std::string* origin = request.Header("origin")) {
    if (!hosts.AllowsOrigin(*origin)) {
      return Status::Error(StatusCategory::kPermissionDenied, "cross_origin_request",
                           "request origin " + *origin + " is not this kiosk");
    }
  }
  const std::string* header = request.Header("x-csrf-token");
  if (header == nullptr || header->empty()) {
    return Status::Error(
        StatusCategory::kPermissionDenied, "csrf_token_missing",
        "this action needs the X-CSRF-Token header with the token from GET /kiosk/csrf");
  }
  std::string cookie;
  if (const std::string* cookies = request.Header("cookie")) {
    cookie = CookieValue(*cookies, CookieName(port));
  }
  // Evaluate both comparisons before branching so timing does not say which one failed.
  bool header_ok = ConstantTimeEquals(*header, token_);
  bool cookie_ok = ConstantTimeEquals(cookie, token_);
  if (!(header_ok & cookie_ok)) {
    return Status::Error(
        StatusCategory::kPermissionDenied, "csrf_token_invalid",
        "the CSRF token is wrong or its cookie is missing; reload the kiosk page and retry");
  }
  return Status::Ok();
}

void AddKioskSecurityHeaders(HttpResponse* response) {
  auto& h = response->headers;
  h.emplace_back("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                 "form-action 'self'; frame-ancestors 'none'");
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("Referrer-Policy", "no-referrer");
  h.emplace_back("X-Frame-Options", "DENY");
  h.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  h.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  h.emplace_back("Permissions-Policy",
                 "camera=(), microphone=(), geolocation=(), usb=(), payment=(), clipboard-read=()");
  h.emplace_back("Cache-Control", "no-store");
}

std::string CookieValue(const std::string& cookie_header, const std::string& name) {
  size_t start = 0;
  while (start < cookie_header.size()) {
    size_t end = cookie_header.find(';', start);
    if (end == std::string::npos) end = cookie_header.size();
    std::string pair = Trim(cookie_header.substr(start, end - start));
    size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.compare(0, eq, name) == 0 && eq == name.size()) {
      return pair.substr(eq + 1);
    }
    start = end + 1;
  }
  return "";
}

}  // namespace cryfttee::api
