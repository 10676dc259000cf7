#include "net/origin.h"

#include <algorithm>
#include <cctype>

namespace cryfttee::net {
namespace {

Status BadUrl(std::string_view url, const std::string& why) {
  return Status::InvalidArgument("invalid_url", "\"" + std::string(url) + "\": " + why);
}

bool ValidTargetChars(std::string_view text) {
  // RFC 3986 path and query characters; anything else (spaces, CR/LF, quotes) could split or
  // confuse the request line.
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("-._~!$&'()*+,;=:@/?%").find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string Origin::ToString() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + h + ":" + std::to_string(port);
}

Result<Origin> ParseOrigin(std::string_view url) {
  Origin o;
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return BadUrl(url, "must start with http:// or https://");
  std::string scheme(url.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "http" && scheme != "https") {
    return BadUrl(url, "must start with http:// or https://");
  }
  o.scheme = scheme;
  std::string_view rest = url.substr(sep + 3);
  size_t path_at = rest.find('/');
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) return BadUrl(url, "user info is not allowed");
  if (path.find_first_of("?#") != std::string_view::npos || rest.find_first_of("?#") < path_at) {
    return BadUrl(url, "a query or fragment is not allowed");
  }
  std::string_view host_part = authority;
  std::string_view port_part;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "unclosed IPv6 bracket");
    host_part = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl(url, "junk after the IPv6 address");
      port_part = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host_part = authority.substr(0, colon);
      port_part = authority.substr(colon + 1);
    }
  }
  if (host_part.empty()) return BadUrl(url, "no host");
  for (char c : host_part) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':') {
      return BadUrl(url, "the host has an invalid character");
    }
  }
  o.host.assign(host_part);
  std::transform(o.host.begin(), o.host.end(), o.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (port_part.empty()) {
    if (authority.size() > 0 && authority.back() == ':') return BadUrl(url, "empty port");
    o.port = o.tls() ? 443 : 80;
  } else {
    if (port_part.size() > 5 ||
        port_part.find_first_not_of("0123456789") != std::string_view::npos) {
      return BadUrl(url, "the port must be a number from 1 to 65535");
    }
    int port = std::stoi(std::string(port_part));
    if (port < 1 || port > 65535) return BadUrl(url, "the port must be a number from 1 to 65535");
    o.port = static_cast<uint16_t>(port);
  }
  if (!ValidTargetChars(path)) return BadUrl(url, "the path has an invalid character");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  o.base_path.assign(path);
  return o;
}

Result<std::string> ResolveTarget(const Origin& origin, std::string_view path_or_url) {
  if (path_or_url.find("://") != std::string_view::npos) {
    // An absolute URL: allowed only on our origin. The query may be present here.
    std::string_view url = path_or_url;
    size_t query = url.find('?');
    std::string_view without_query = url.substr(0, query);
    auto other = ParseOrigin(without_query);
    if (!other.ok()) return other.status();
    if (!other->SameOrigin(origin)) {
      return Status::Error(
          StatusCategory::kPermissionDenied, "http_origin_not_allowed",
          other->ToString() + " is not the configured origin " + origin.ToString());
    }
    std::string target = other->base_path.empty() ? "/" : other->base_path;
    if (query != std::string_view::npos) target += std::string(url.substr(query));
    if (!ValidTargetChars(target)) return BadUrl(path_or_url, "invalid character");
    return target;
  }
  if (path_or_url.empty() || path_or_url.front() != '/') {
    return BadUrl(path_or_url, "a request path must begin with '/'");
  }
  if (path_or_url.size() > 1 && path_or_url[1] == '/') {
    // "//host/x" is a network-path reference: another host in disguise.
    return Status::Error(StatusCategory::kPermissionDenied, "http_origin_not_allowed",
                         "\"" + std::string(path_or_url) + "\" names another host");
  }
  if (!ValidTargetChars(path_or_url)) return BadUrl(path_or_url, "invalid character");
  return origin.base_path + std::string(path_or_url);
}

}  // namespace cryfttee::net
