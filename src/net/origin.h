// The one remote origin an outbound client may reach, and the check that keeps requests on it.
//
// An origin is (scheme, host, port), as browsers define it: "http://127.0.0.1:9000/base" has the
// origin http://127.0.0.1:9000 and the base path "/base". A request target is either a path
// (resolved under the base path) or an absolute URL, which must have exactly the configured
// origin; anything else is refused (code "http_origin_not_allowed"), so a module granted HTTP
// cannot be pointed at another host by a request it was given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cryfttee::net {

struct Origin {
  std::string scheme;  // "http" | "https"
  std::string host;    // lower case; an IPv6 literal without brackets
  uint16_t port = 0;
  std::string base_path;  // "" or "/prefix" without a trailing slash

  bool tls() const { return scheme == "https"; }
  // "http://host:port" (brackets around IPv6), for messages and logs.
  std::string ToString() const;
  bool SameOrigin(const Origin& other) const {
    return scheme == other.scheme && host == other.host && port == other.port;
  }
};

// Parses an http(s) URL with a host, an optional port (default 80/443) and an optional path.
// User info, queries and fragments are refused: a base URL has no use for them and they hide
// what is being reached. Code "invalid_url" with a message saying what is wrong.
Result<Origin> ParseOrigin(std::string_view url);

// The request target (path and query) for `path_or_url` on `origin`. A path must begin with '/'.
// Code "http_origin_not_allowed" for an absolute URL of another origin, "invalid_url" otherwise.
Result<std::string> ResolveTarget(const Origin& origin, std::string_view path_or_url);

}  // namespace cryfttee::net
