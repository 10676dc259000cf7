#include "rpcsigner/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

#include "core/unix_socket_path.h"

namespace cryfttee::rpcsigner {
namespace {

constexpr std::string_view kUnixScheme = "unix://";

Status Bad(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("invalid_rpcsigner_addr",
                                 "invalid --rpcsigner-addr \"" + std::string(text) + "\": " + why);
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  std::string h(host);
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, h.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::string ListenAddress::GrpcUri() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

std::string ListenAddress::Display(int bound_port) const {
  if (kind == Kind::kUnix) return "unix://" + path;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(bound_port != 0 ? bound_port : port);
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  ListenAddress out;
  if (text.substr(0, kUnixScheme.size()) == kUnixScheme) {
    out.kind = ListenAddress::Kind::kUnix;
    out.path = std::string(text.substr(kUnixScheme.size()));
    if (out.path.empty() || out.path[0] != '/') {
      return Bad(text, "a Unix socket is unix:///absolute/path");
    }
    if (out.path.size() > MaxUnixSocketPathLength()) {
      return Bad(text, "the socket path is longer than " +
                           std::to_string(MaxUnixSocketPathLength()) + " bytes");
    }
    out.loopback = true;
    return out;
  }
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Bad(text, "must be unix:///path or HOST:PORT");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return Bad(text, "an IPv6 host is written [::1]");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Bad(text, "an IPv6 host is written in brackets, e.g. [::1]:PORT");
  }
  int value = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 0 ||
      value > 65535) {
    return Bad(text, "the port must be a number from 0 to 65535");
  }
  out.host = std::string(host);
  out.port = value;
  out.loopback = IsLoopbackHost(out.host);
  return out;
}

}  // namespace cryfttee::rpcsigner
