// A closed-loop HTTP/1.1 load generator over a Unix socket, for bench/api: each connection sends
// one request, waits for the whole answer, and sends the next, so the latency it reports is the
// server's per-request cost plus the transport, with no queueing in the client.
//
// Threading: RunLoad starts one thread per connection and joins them before returning.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cryfttee::bench {

struct LoadSpec {
  std::string socket_path;
  std::string method = "POST";
  std::string target;
  std::string body;
  int connections = 1;
  double seconds = 1.0;         // measured time, after the warm-up
  double warmup_seconds = 0.2;  // requests sent but not counted
};

struct LoadResult {
  uint64_t requests = 0;  // answered with HTTP 200 during the measured time
  uint64_t errors = 0;    // other statuses, or I/O failures (the connection is reopened)
  double seconds = 0;
  double mean_us = 0;  // per-request latency, mean over every connection
  double p50_us = 0;
  double p99_us = 0;
  std::string first_error;  // status line or errno text of the first failure
};

LoadResult RunLoad(const LoadSpec& spec);

// One request on a fresh connection; returns the HTTP status (0 on I/O failure) and the body.
int OneRequest(const std::string& socket_path, const std::string& method, const std::string& target,
               const std::string& body, std::string* answer);

}  // namespace cryfttee::bench
