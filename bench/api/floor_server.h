// The transport floor for bench/api: the least an HTTP/1.1 server on a Unix socket can do per
// request (read the head and body, write a fixed JSON answer), so the benchmark can tell the
// daemon's own cost from the kernel's and the client's. One thread per connection, blocking I/O.
#pragma once

#include <string>

namespace cryfttee::bench {

// Listens on socket_path (replacing a stale socket file) and serves until the process is killed.
// Returns only on a setup failure (non-zero).
int ServeFloor(const std::string& socket_path);

}  // namespace cryfttee::bench
