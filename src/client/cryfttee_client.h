// CryftteeClient: one typed call per /v1 endpoint of the daemon, each bounded by the transport
// timeout and wrapped in the retry policy. This is what a node embeds (cryftteectl is built on
// it); docs/integration.md walks through the calls in the order a node makes them. One client
// per thread: it keeps no connection open, but it is not synchronised.
#pragma once

#include <chrono>
#include <string>

#include "client/api_types.h"
#include "client/retry_policy.h"
#include "client/transport.h"
#include "core/status.h"

namespace cryfttee::client {

struct ClientOptions {
  TransportOptions transport;
  RetryPolicy retry = RetryPolicy::Seed();
};

class CryftteeClient {
 public:
  explicit CryftteeClient(ClientOptions options);

  // GET /v1/runtime/attestation[?nonce=]
  Result<Attestation> GetAttestation(const std::string& nonce = "");
  // POST /v1/runtime/heartbeat
  Result<HeartbeatAck> Heartbeat(const HeartbeatRequest& request);
  // GET /v1/runtime/connection
  Result<ConnectionStatus> GetConnection();
  // GET /v1/staking/status
  Result<StakingStatus> GetStatus();
  // POST /v1/staking/bls/register, /v1/staking/bls/sign, /v1/staking/tls/register, /tls/sign
  Result<RegisterResult> RegisterBls(const BlsRegisterRequest& request);
  Result<SignResult> SignBls(const BlsSignRequest& request);
  Result<RegisterResult> RegisterTls(const TlsRegisterRequest& request);
  Result<SignResult> SignTls(const TlsSignRequest& request);
  // GET /v1/staking/keys
  Result<std::vector<KeyListEntry>> ListKeys();
  // GET /v1/modules/{id}/status-panel
  Result<StatusPanel> GetStatusPanel(const std::string& module_id);
  // POST /v1/admin/reload-modules
  Result<Json> ReloadModules();
  // GET /v1/schema/modules
  Result<Json> GetSchema();

  // Polls status until a loaded, enabled module offers bls_sign (the seed's
  // WaitForSignerModule). Code "signer_not_ready" when the time runs out; the message says why.
  Result<StakingStatus> WaitForSigner(
      std::chrono::milliseconds timeout,
      std::chrono::milliseconds poll = std::chrono::milliseconds(500));

  // Any endpoint: sends `body` (if not null), retries per policy, and returns the JSON answer. A
  // non-2xx answer, or {"success": false}, becomes a Status with the daemon's code and message;
  // its category follows the HTTP status (400 invalid argument, 404 not found, 503 unavailable…).
  Result<Json> Call(const std::string& method, const std::string& target,
                    const Json* body = nullptr);

  Result<Json> CallWith(const RetryPolicy& policy, const std::string& method,
                        const std::string& target, const Json* body = nullptr);

  const ClientOptions& options() const { return options_; }
  std::string Endpoint() const { return transport_.Endpoint(); }
  // Number of attempts the last Call made (1 when it did not retry).
  int last_attempts() const { return last_attempts_; }

 private:
  ClientOptions options_;
  Transport transport_;
  int last_attempts_ = 0;
};

// Percent-encodes everything but unreserved characters (RFC 3986), for query values and path
// segments.
std::string UrlEncode(const std::string& text);

}  // namespace cryfttee::client
