// HttpClient: the daemon's one outbound HTTP(S) client, bound to a single origin (origin.h).
// It exists for Web3Signer, whose answers the daemon waits on while a node or validator client
// waits on the daemon, so every call is bounded:
//   - connect timeout, and a total deadline covering resolve, connect, TLS, write and read;
//   - a response-size cap (status line, headers and body);
//   - retries with exponential backoff only for idempotent requests (GET by default), only on
//     failures where the request cannot have had an effect (connect refused or reset before an
//     answer, 502/503/504), and only within the total deadline. A sign is never retried: a
//     second attempt could sign twice.
//   - Stop() aborts every call in flight at once (shutdown must not wait for a remote).
//
// HTTPS verifies the server's certificate chain (the CA file, else the system store) and its
// name or IP address against the origin's host.
//
// Failure codes (category): "http_origin_not_allowed" (permission denied: a target outside the
// origin, also logged), "invalid_url", "http_connect_failed", "http_timeout",
// "http_connection_reset", "http_tls_failed", "http_stopped" (all unavailable: the remote may
// come back), "http_response_too_large", "http_bad_response" (upstream: it answered, wrongly).
// An HTTP error status is not a failure here: the response carries it.
//
// Threading: Send() may be called from many threads at once; each call runs on its own I/O
// context on the calling thread. Stop() may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/mutex.h"
#include "core/status.h"
#include "net/origin.h"

namespace cryfttee::net {

struct HttpClientOptions {
  std::string url;      // base URL; its origin is the only one reachable
  std::string ca_file;  // PEM bundle for https; empty = the system's trust store
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds total_timeout{10000};  // default per call; a request may lower it
  size_t max_response_bytes = 1 << 20;
  int max_attempts = 3;  // idempotent requests only
  std::chrono::milliseconds first_backoff{100};
};

struct OutboundRequest {
  std::string method = "GET";
  std::string target;  // a path under the base URL, or an absolute URL on the origin
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<bool> idempotent;  // default: GET and HEAD are, everything else is not
  std::optional<std::chrono::milliseconds> total_timeout;  // capped by the client's
};

struct OutboundResponse {
  int status = 0;
  std::string reason;
  std::string content_type;
  std::string body;
  int attempts = 1;
};

class HttpClient {
 public:
  // Loads the CA file when https. Codes "invalid_url", "ca_file_unreadable".
  static Result<std::unique_ptr<HttpClient>> Create(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const Origin& origin() const { return origin_; }
  const HttpClientOptions& options() const { return options_; }

  Result<OutboundResponse> Send(const OutboundRequest& request);

  // Aborts calls in flight and refuses new ones ("http_stopped").
  void Stop();

 private:
  struct Impl;
  HttpClient(HttpClientOptions options, Origin origin, std::unique_ptr<Impl> impl);
  Result<OutboundResponse> SendOnce(const OutboundRequest& request, const std::string& target,
                                    std::chrono::steady_clock::time_point deadline);

  const HttpClientOptions options_;
  const Origin origin_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryfttee::net
