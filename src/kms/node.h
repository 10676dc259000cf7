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
#include "kms/identity.h"
#include "kms/operator_set.h"

namespace cryfttee::kms {

// Delivery of protocol messages. The daemon implements it over HTTP (POST <peer.address><route>,
// retries with exponential backoff, broadcast = one Send per peer); tests implement it in memory.
// Implementations must not call back into the Node synchronously from Send while holding locks
// of their own that Receive would need; Node never holds its lock while calling Send.
class Transport {
 public:
  virtual ~Transport() = default;
  // Fire-and-forget delivery of one encoded authenticated message (EncodeMessage output).
  virtual void Send(const OperatorSetPeer& peer, std::string_view route, std::string wire) = 0;
  // Request/answer (used for node-signing partials): POSTs `wire` and returns the answer body.
  virtual Result<std::string> Call(const OperatorSetPeer& peer, std::string_view route,
                                   std::string wire, std::chrono::milliseconds timeout) = 0;
};

enum class VssScheme { kPedersen, kFeldman };

struct NodeOptions {
  std::string self_id;   // this operator's id in the peering file
  std::string data_dir;  // share versions (keys::ShareStore), evidence, session log
  VssScheme scheme = VssScheme::kPedersen;
  // A session must finish (or abort) before the next boundary.
  std::chrono::milliseconds interval{30000};
  // threshold rule: t = floor(n * numerator / denominator) + 1, at least 2 (seed: 2/3 honest)
  uint32_t threshold_numerator = 2, threshold_denominator = 3;
  // Test-only misbehaviour for the fraud tests ("", "invalid_share", "equivocate"); the daemon
  // accepts it only with an explicit test flag/env, and says so loudly in the log.
  std::string test_misbehaviour;
};

// The threshold group key as the node API lists it.
struct GroupKeyInfo {
  Bytes public_key;     // 48-byte compressed G1 (= commitments_g1[0])
  Bytes public_key_g2;  // 96-byte compressed G2 (= commitments[0]), same secret
  uint32_t t = 0;
  uint32_t n = 0;
  uint64_t version = 0;  // boundary of the session that made the sharing, Unix SECONDS
  std::string handle;    // "kms-" + hex(SHA-256(public_key)[0..8]), stable across reshares
};

// t for n operators under the rule above (at least 2, at most n). 0 when n < 2.
uint32_t ThresholdFor(uint32_t n, uint32_t numerator, uint32_t denominator);

// The routes Receive accepts.
inline constexpr std::string_view kRouteDkgCommitment = "/dkg/commitment";
inline constexpr std::string_view kRouteDkgShare = "/dkg/share";
inline constexpr std::string_view kRouteDkgAck = "/dkg/ack";
inline constexpr std::string_view kRouteReshareCommitment = "/reshare/commitment";
inline constexpr std::string_view kRouteReshareShare = "/reshare/share";
inline constexpr std::string_view kRouteReshareAck = "/reshare/ack";
inline constexpr std::string_view kRouteReshareComplete = "/reshare/complete";
inline constexpr std::string_view kRouteNodePartial = "/node/partial";

class Node {  // thread-safe: HTTP handlers, the scheduler and Tick may call concurrently
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
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // The scheduler calls this at each interval boundary (Unix ms, multiple of the interval) with
  // the freshly read operator set: starts DKG (no group key yet) or reshare (key exists), with the
  // boundary as the session id. An unfinished older session is aborted.
  void OnBoundary(uint64_t boundary_unix_ms, std::vector<OperatorSetPeer> operators);
  void Tick(uint64_t now_unix_ms);  // timeouts and retries; called every ~100 ms
  // An incoming protocol message on `route` ("/dkg/commitment", "/dkg/share", "/dkg/ack",
  // "/reshare/commitment", "/reshare/share", "/reshare/ack", "/reshare/complete").
  // Codes: see authenticated_message.h (400/401/413) plus "unknown_session" (400,
  // kInvalidArgument), "wrong_route" (400) when the payload type does not match the route.
  Status Receive(std::string_view route, std::string_view wire);
  // Internal, authenticated request/answer: this operator's partial signature in G2 over `message`
  // under `dst` (NodeScheme: pk in G1, sig in G2) for node signing. Route "/node/partial".
  Result<std::string> ReceiveCall(std::string_view route, std::string_view wire);

  nlohmann::json Pubkey() const;  // GET /pubkey, fields fixed by issue 14
  // POST /app/sign. attestation_time in Unix seconds: the version in force then (default: the
  // active version).
  // Codes: "no_group_key" (404), "invalid_argument" (400).
  Result<nlohmann::json> AppSign(std::string_view app_id, std::optional<uint64_t> attestation_time);
  // Threshold signature for the node API: own partial + Call() to peers until t valid partials,
  // each verified against the verification vector, then Lagrange-combined and verified under the
  // group key. Codes: "no_group_key" (404 / kNotFound), "threshold_unavailable" (503).
  Result<Bytes> NodeSign(ByteSpan message, std::string_view dst);
  std::optional<GroupKeyInfo> GroupKey() const;  // public key G1 (48 B), t, n, version, handle
  nlohmann::json StatusJson() const;    // operator set, active version, last session + outcome
  nlohmann::json EvidenceJson() const;  // fraud records, each verifiable offline

  struct Impl;  // the engine's state (kms/node_internal.h; opaque to users)

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryfttee::kms
