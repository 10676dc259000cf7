// Operator mode: everything the daemon wires up when [kms] is configured (docs/threshold.md,
// "Operator guide"). It owns, in start-up order:
//   HttpTransport   outbound protocol messages to the peers
//   engine          kms::Node (kms/node.h) in this process, with the operator keys
//                   (<data_dir>/kms/operator-keys.json: identity + encryption, sealed) and
//                   shares in <data_dir>/kms; or, when the daemon's keys are a remote enclave
//                   (tee::RemoteClient, --enclave-addr), kms::EnclaveEngine: the Node, its keys
//                   and shares are in the enclave's data dir and this process holds none of them
//                   (kms/enclave_engine.h)
//   GroupKeyClient  the daemon's tee::Client with the group key added (keys())
//   protocol router the routes of kms/protocol_api.h, for the daemon's "kms" listener
//   Scheduler       boundaries and ticks (Start, after the listener is bound)
//
// The daemon must build everything that reaches keys from keys() (host functions, signer
// backends, the gRPC signer), so the group key is on the one key path.
//
// Codes of Open: those of LoadOrCreateOperatorKeys and Node::Open, or of EnclaveEngine::Open
// (an enclave that does not answer within 10 s: "enclave_unavailable"), "io_error".
// Threading: Open/SetAdvertisedAddress/Start/Stop from the daemon's main thread; the rest
// (status, routes) from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/router.h"
#include "keys/seal.h"
#include "kms/node.h"
#include "ops/metrics.h"
#include "tee/client.h"

namespace cryfttee::kms {

struct OperatorModeOptions {
  std::string data_dir;  // the daemon's; operator mode keeps its files in <data_dir>/kms
  keys::SealOptions seal;
  std::string operator_id;  // "" = "op-" + 12 hex digits of SHA-256(identity public key)
  std::string peering_file;
  std::chrono::milliseconds interval{600'000};
  uint32_t threshold_numerator = 2, threshold_denominator = 3;
  VssScheme scheme = VssScheme::kPedersen;
  std::string test_misbehaviour;  // validated and allowed by the caller
};

class OperatorMode {
 public:
  static Result<std::unique_ptr<OperatorMode>> Open(OperatorModeOptions options,
                                                    std::shared_ptr<tee::Client> inner_keys);
  ~OperatorMode();  // Stop()
  OperatorMode(const OperatorMode&) = delete;
  OperatorMode& operator=(const OperatorMode&) = delete;

  std::shared_ptr<tee::Client> keys() const;
  const api::Router& router() const;
  const std::string& operator_id() const;

  // The base URL peers reach this operator's protocol API at (known once it is bound).
  void SetAdvertisedAddress(std::string url);
  void Start();
  void Stop();

  // This operator's entry for the peering file: {id, identity_public_key,
  // encryption_public_key, address}.
  nlohmann::json PeeringEntry() const;
  // The "kms" block of /v1/staking/status: operator, interval, scheme, scheduler state, the
  // engine's status (operator set, active version, last session and outcome), fraud records
  // count, transport counters.
  nlohmann::json StatusJson() const;
  nlohmann::json EvidenceJson() const;
  // Gauges for the daemon's Prometheus registry (ops::Metrics' LiveSource).
  std::vector<ops::LiveValue> LiveValues() const;

 private:
  struct Impl;
  explicit OperatorMode(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The routes operator mode adds to the node's own API socket: GET /v1/kms/identity (the
// peering entry), GET /v1/kms/status, GET /v1/kms/evidence. The API socket is the node's
// private channel, so these need no further authentication.
void AddOperatorApiRoutes(api::Router& router, const OperatorMode* mode);

}  // namespace cryfttee::kms
