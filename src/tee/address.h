// Where the enclave listens and the parent connects:
//   unix:PATH          a Unix stream socket (development, tests, and one-host deployments);
//                      PATH is 1..107 bytes (sun_path)
//   vsock://CID:PORT   an AF_VSOCK stream (a Nitro enclave or a confidential VM); CID and PORT
//                      are decimal 32-bit numbers. CID "any" (VMADDR_CID_ANY) is for listening
//                      only; PORT 0xFFFFFFFF (VMADDR_PORT_ANY) is refused.
// Code "invalid_enclave_addr" with a message that says what is wrong. Pure: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace cryfttee::tee {

inline constexpr uint32_t kVsockCidAny = 0xFFFFFFFFu;

struct Address {
  enum class Kind { kUnix, kVsock };
  Kind kind = Kind::kUnix;
  std::string path;  // kUnix
  uint32_t cid = 0;  // kVsock
  uint32_t port = 0;

  // The canonical text: "unix:PATH" or "vsock://CID:PORT" ("any" for the wildcard CID).
  std::string ToString() const;
};

Result<Address> ParseAddress(std::string_view text);

}  // namespace cryfttee::tee
