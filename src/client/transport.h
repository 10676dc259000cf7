// The client's way to the daemon: one HTTP/1.1 request per call over a Unix socket, TCP or TLS,
// each bounded by a timeout. Failures are classified so callers can tell "daemon not there yet"
// (code "unavailable", retryable) from a real answer.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"

namespace cryfttee::client {

struct TransportOptions {
  std::string transport = "uds";  // uds | http | https
  std::string socket_path = "/var/run/cryfttee.sock";
  std::string http_addr = "127.0.0.1:8787";
  std::string ca_file;      // https: verify the server against this CA (else the system store)
  std::string client_cert;  // https: optional client certificate (PEM)
  std::string client_key;   // https: its private key (PEM)
  bool insecure_skip_verify = false;  // https: for self-signed test setups only
  std::chrono::milliseconds timeout{30'000};
};

struct RawResponse {
  int status = 0;
  std::string body;
};

class Transport {
 public:
  explicit Transport(TransportOptions options);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Codes: "unavailable" (while connecting: socket missing, connection refused/reset),
  // "connection_lost" (after the request was sent: the daemon may have acted on it), "timeout",
  // "tls_error", "tls_config_error" (CA file or client key unusable), "invalid_address".
  // An HTTP error status is NOT a failure here.
  Result<RawResponse> Request(const std::string& method, const std::string& target,
                              const std::string& body = "");

  const TransportOptions& options() const { return options_; }
  // Human description of the endpoint: the socket path or host:port.
  std::string Endpoint() const;

 private:
  TransportOptions options_;
  struct TlsState;
  std::unique_ptr<TlsState> tls_;
};

}  // namespace cryfttee::client
