// The gRPC signer's listener: AvalancheGo's remote-signer protocol (proto/signer.proto) served
// on --rpcsigner-addr for one BLS key (docs/rpcsigner.md).
//
// Transport rules (checked by ValidateServerOptions before anything is opened, every message
// naming the flag to change):
//   - unix:///path: a Unix socket, mode 0660, a stale one replaced, a live one refused;
//   - HOST:PORT on loopback: plaintext (AvalancheGo's client speaks plaintext gRPC), or TLS;
//   - HOST:PORT elsewhere: only with TLS (--rpcsigner-tls-cert/-key; with
//     --rpcsigner-tls-client-ca the client must present a certificate from that CA).
// Limits: messages up to kMaxMessageBytes (larger ones get RESOURCE_EXHAUSTED from gRPC itself),
// at most kMaxConcurrentStreams streams per connection, module calls on a WorkPool of `threads`
// with `max_queued` waiting and `max_queued_bytes` of messages held (beyond either:
// RESOURCE_EXHAUSTED "signer_busy").
//
// Failure codes of Start: those of ValidateServerOptions ("invalid_rpcsigner_addr",
// "rpcsigner_needs_tls", "invalid_rpcsigner_tls"), of core/unix_socket_path.h, and
// "rpcsigner_bind_failed".
//
// Threading: Start and Shutdown from one thread; the accessors from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "rpcsigner/call_record.h"
#include "rpcsigner/listen_address.h"
#include "rpcsigner/signer_backend.h"

namespace cryfttee::rpcsigner {

inline constexpr int kMaxConcurrentStreams = 256;

struct ServerOptions {
  std::string addr;  // --rpcsigner-addr
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  size_t threads = 2;
  size_t max_queued = 1024;
  size_t max_queued_bytes = 64u << 20;  // messages held by queued and running signing calls
};

// Checks the address and the TLS rule without opening anything.
Result<ListenAddress> ValidateServerOptions(const ServerOptions& options);

class SignerServer {
 public:
  // `observer` may be empty; the server keeps its own CallCounters either way.
  static Result<std::unique_ptr<SignerServer>> Start(const ServerOptions& options,
                                                     std::unique_ptr<SignerBackend> backend,
                                                     CallObserver observer);
  ~SignerServer();  // Shutdown with no grace
  SignerServer(const SignerServer&) = delete;
  SignerServer& operator=(const SignerServer&) = delete;

  // Stops accepting, lets in-flight calls finish for up to `grace`, then cancels the rest.
  void Shutdown(std::chrono::milliseconds grace);

  // "unix:///path" or "host:port" with the port actually bound.
  const std::string& endpoint() const;
  bool tls() const;
  const SignerBackend& backend() const;
  CountersSnapshot counters() const;

  // What status and attestation report: {enabled, endpoint, transport, tls, client_auth,
  // key_handle, public_key, calls: {method: {calls, errors}}, last_error, last_error_time}.
  nlohmann::json StatusJson() const;
  // The same shape for a daemon that serves no gRPC signer: {enabled: false}.
  static nlohmann::json DisabledStatusJson();

 private:
  struct Impl;
  explicit SignerServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryfttee::rpcsigner
