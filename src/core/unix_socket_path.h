// Makes a Unix socket path ready to bind, the same way for every listener (the HTTP API socket
// and the gRPC signer socket): a stale socket a dead process left behind is removed; a live one
// (another process accepts on it) or a file that is not a socket is never touched.
//
// Codes: "invalid_socket_path" (empty or longer than sun_path), "socket_path_occupied" (exists,
// not a socket), "socket_in_use" (a process accepts on it), all kFailedPrecondition except the
// first (kInvalidArgument). Thread-compatible: it only inspects and unlinks `path`.
#pragma once

#include <string>

#include "core/status.h"

namespace cryfttee {

// Longest path a sockaddr_un holds (without its terminating NUL).
size_t MaxUnixSocketPathLength();

// Connecting tells a live socket from a stale one: a process that still listens accepts.
bool UnixSocketIsLive(const std::string& path);

Status PrepareUnixSocketPath(const std::string& path);

}  // namespace cryfttee
