// One KMS operator's protocol engine (issue 14): the DKG / reshare session state machine, the
// application signing endpoint and threshold signing for the node API. A pure library: no HTTP,
// no clock, no threads of its own. The daemon's operator mode (and the in-memory tests) drive it:
//
//   scheduler  -> OnBoundary(boundary, operators)   at each interval boundary (session id)
//   scheduler  -> Tick(now)                          every ~100 ms: timeouts, resends
//   HTTP       -> Receive(route, wire)               POST /dkg/*, /reshare/*
//   HTTP       -> ReceiveCall(route, wire)           POST /node/partial (answers a partial)
//   HTTP       -> Pubkey(), AppSign(), StatusJson(), EvidenceJson()
//   node API   -> GroupKey(), NodeSign()
//   Node       -> Transport::Send / Call             everything it sends
//
// The protocol as built is in docs/threshold.md ("The KMS protocol"). In short: every dealer
// broadcasts signed commitments (Pedersen or Feldman, G1), sends each receiver its share sealed
// to the receiver's X25519 key (kms/share_envelope.h), every receiver acknowledges with a hash of
// the commitments it saw (equivocation shows as two different hashes), invalid shares and
// inconsistent commitments become signed, offline-verifiable evidence, offenders leave the
// qualified set, qualified dealers reveal their Feldman vectors in G1 and G2, and each receiver
// finalizes a new share version (keys::ShareStore) once every qualified dealer is complete.
//
// Threading: every public method is thread-safe (one internal mutex; Transport::Send is called
// with it released). Transport::Call is only used by NodeSign, never under the lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "kms/engine.h"
#include "kms/identity.h"
#include "kms/operator_set.h"

namespace cryfttee::kms {

// The in-process engine. Thread-safe: HTTP handlers, the scheduler and Tick may call concurrently.
class Node final : public Engine {
 public:
  // Opens (creating) data_dir, its share store and the evidence log. `identity` signs the
  // protocol messages and this operator's dealer records (commitments, shares: what evidence is
  // verified with); `encryption_secret_key` opens the shares sealed to us and is the key the
  // share store is sealed under. `transport` must outlive the Node.
  // Codes: "invalid_argument" (options, key sizes), "io_error", "wrong_key",
  // "corrupt_share_file".
  static Result<std::unique_ptr<Node>> Open(NodeOptions options,
                                            std::unique_ptr<IdentitySigner> identity,
                                            Bytes encryption_secret_key /* X25519, 32 bytes */,
                                            Transport* transport);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Engine (kms/engine.h documents each).
  void OnBoundary(uint64_t boundary_unix_ms, std::vector<OperatorSetPeer> operators) override;
  void Tick(uint64_t now_unix_ms) override;
  Status Receive(std::string_view route, std::string_view wire) override;
  Result<std::string> ReceiveCall(std::string_view route, std::string_view wire) override;
  nlohmann::json Pubkey() const override;
  Result<nlohmann::json> AppSign(std::string_view app_id,
                                 std::optional<uint64_t> attestation_time) override;
  Result<NodeSignPlan> PrepareNodeSign(ByteSpan message, std::string_view dst) override;
  // PrepareNodeSign + CombineNodeSign over the transport given to Open.
  Result<Bytes> NodeSign(ByteSpan message, std::string_view dst) override;
  std::optional<GroupKeyInfo> GroupKey() const override;
  nlohmann::json StatusJson() const override;
  nlohmann::json EvidenceJson() const override;
  OperatorPublicKeys PublicKeys() const override;

  struct Impl;  // the engine's state (kms/node_internal.h; opaque to users)

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryfttee::kms
