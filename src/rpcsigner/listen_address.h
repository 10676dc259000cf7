// Where the gRPC signer listens: `unix:///absolute/path` (a Unix socket, mode 0660 like the API
// socket) or a TCP `HOST:PORT` (IPv6 as `[::1]:PORT`; port 0 picks a free port). Only loopback
// hosts (127.0.0.0/8, ::1, localhost) may listen in plaintext: AvalancheGo's client speaks
// plaintext gRPC, and plaintext never leaves the machine (docs/rpcsigner.md).
//
// Codes: "invalid_rpcsigner_addr" (kInvalidArgument); the message names --rpcsigner-addr.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace cryfttee::rpcsigner {

struct ListenAddress {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kTcp;
  std::string path;  // kUnix: the socket path
  std::string host;  // kTcp: as written, IPv6 without brackets
  int port = 0;      // kTcp
  bool loopback = false;

  // The address in gRPC's target syntax ("unix:/path", "127.0.0.1:port", "[::1]:port").
  std::string GrpcUri() const;
  // What status and logs show: "unix:///path" or "host:port" with `bound_port` when non-zero.
  std::string Display(int bound_port = 0) const;
};

Result<ListenAddress> ParseListenAddress(std::string_view text);

// 127.0.0.0/8, ::1 and "localhost" (which resolves only to loopback on any sane host; gRPC binds
// every address it resolves to).
bool IsLoopbackHost(std::string_view host);

}  // namespace cryfttee::rpcsigner
