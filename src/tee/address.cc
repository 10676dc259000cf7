#include "tee/address.h"

namespace cryfttee::tee {
namespace {

constexpr size_t kMaxUnixPath = 107;  // sizeof(sockaddr_un::sun_path) - 1

Status Invalid(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("invalid_enclave_addr",
                                 "enclave address \"" + std::string(text) + "\": " + why);
}

// A decimal 32-bit number: digits only (no sign, no spaces), no overflow.
bool ParseU32(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > 0xFFFFFFFFull) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

std::string Address::ToString() const {
  if (kind == Kind::kUnix) return "unix:" + path;
  return "vsock://" + (cid == kVsockCidAny ? std::string("any") : std::to_string(cid)) + ":" +
         std::to_string(port);
}

Result<Address> ParseAddress(std::string_view text) {
  Address a;
  if (text.starts_with("unix:")) {
    a.kind = Address::Kind::kUnix;
    a.path = std::string(text.substr(5));
    if (a.path.empty()) return Invalid(text, "the socket path is empty");
    if (a.path.size() > kMaxUnixPath) {
      return Invalid(text, "the socket path is longer than 107 bytes");
    }
    if (a.path.find('\0') != std::string::npos) {
      return Invalid(text, "the socket path contains a NUL byte");
    }
    return a;
  }
  if (text.starts_with("vsock://")) {
    a.kind = Address::Kind::kVsock;
    std::string_view rest = text.substr(8);
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return Invalid(text, "expected vsock://CID:PORT");
    std::string_view cid = rest.substr(0, colon);
    std::string_view port = rest.substr(colon + 1);
    if (cid == "any") {
      a.cid = kVsockCidAny;
    } else if (!ParseU32(cid, &a.cid)) {
      return Invalid(text, "CID must be a decimal number below 2^32 (or \"any\" to listen)");
    }
    if (!ParseU32(port, &a.port)) {
      return Invalid(text, "PORT must be a decimal number below 2^32");
    }
    if (a.port == 0xFFFFFFFFu) return Invalid(text, "PORT 4294967295 is the wildcard port");
    return a;
  }
  return Invalid(text, "must start with unix: or vsock://");
}

}  // namespace cryfttee::tee
