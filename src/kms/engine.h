// The seam between a KMS operator's protocol engine and what drives it (issue 15): the daemon's
// operator mode (scheduler, protocol routes, the group key on the key path) talks to an Engine,
// never to a concrete one. Two implementations:
//   kms::Node          the engine in this process (kms/node.h): keys, shares and sessions here;
//   an enclave engine  the same Node inside cryfttee-enclave, reached over the enclave wire
//                      protocol, so the parent holds no share, polynomial or private key.
//
// The engine is a pure state machine: no HTTP, no clock, no threads. Everything it sends goes
// through Transport::Send. Node signing needs answers from peers (Transport::Call), which an
// enclave cannot make, so it is split: PrepareNodeSign (engine: own partial + the signed partial
// requests) and CombineNodeSign (kms/node_sign.h: public data only, runs anywhere).
//
// Threading: every method of an Engine is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "kms/operator_set.h"

namespace cryfttee::kms {

// Delivery of protocol messages. The daemon implements it over HTTP (POST <peer.address><route>,
// retries with exponential backoff, broadcast = one Send per peer); tests implement it in memory;
// inside an enclave a collecting transport hands the sends of one call back to the parent.
// Implementations must not call back into the engine synchronously from Send while holding locks
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

// The operator's public identity: what the peering file lists for it.
struct OperatorPublicKeys {
  Bytes identity_public_key;    // 48-byte compressed G1 (BLS12-381), signs protocol messages
  Bytes encryption_public_key;  // 32-byte X25519, shares dealt to this operator are sealed to it
};

// Everything node signing needs after the engine's part: all of it public.
struct NodeSignPlan {
  struct PartialRequest {
    OperatorSetPeer peer;
    uint32_t index = 0;  // the peer's share index in this version
    std::string wire;    // the signed partial_request (EncodeMessage output)
  };
  std::string self_id;  // answers must be addressed to it
  uint64_t version = 0;
  uint32_t t = 0;
  uint32_t own_index = 0;
  Bytes own_partial;                       // 96-byte compressed G2: this operator's partial
  std::vector<Bytes> verification_g1;      // 48-byte compressed G1 each, t of them
  std::vector<OperatorSetPeer> operators;  // the set answers are authenticated against
  std::vector<PartialRequest> requests;    // member order, at most n - 1
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

class Engine {
 public:
  virtual ~Engine() = default;

  // The scheduler calls this at each interval boundary (Unix ms, multiple of the interval) with
  // the freshly read operator set: starts DKG (no group key yet) or reshare (key exists), with the
  // boundary as the session id. An unfinished older session is aborted.
  virtual void OnBoundary(uint64_t boundary_unix_ms, std::vector<OperatorSetPeer> operators) = 0;
  virtual void Tick(uint64_t now_unix_ms) = 0;  // timeouts and retries; every ~100 ms
  // An incoming protocol message on `route` ("/dkg/commitment", "/dkg/share", "/dkg/ack",
  // "/reshare/commitment", "/reshare/share", "/reshare/ack", "/reshare/complete").
  // Codes: see authenticated_message.h (400/401/413) plus "unknown_session" (400,
  // kInvalidArgument), "wrong_route" (400) when the payload type does not match the route;
  // an enclave engine adds "enclave_unavailable" (503).
  virtual Status Receive(std::string_view route, std::string_view wire) = 0;
  // Internal, authenticated request/answer: this operator's partial signature in G2 over the
  // request's message under its DST (NodeScheme: pk in G1, sig in G2). Route "/node/partial".
  virtual Result<std::string> ReceiveCall(std::string_view route, std::string_view wire) = 0;

  // An engine that cannot answer (its enclave is down) returns {"error": code, "message": text}
  // from Pubkey, StatusJson and EvidenceJson (the protocol routes make that a 503).
  virtual nlohmann::json Pubkey() const = 0;  // GET /pubkey, fields fixed by issue 14
  // POST /app/sign. attestation_time in Unix seconds: the version in force then (default: the
  // active version). Codes: "no_group_key" (404), "invalid_argument" (400).
  virtual Result<nlohmann::json> AppSign(std::string_view app_id,
                                         std::optional<uint64_t> attestation_time) = 0;
  // Own partial over `message` and the signed requests for the peers' partials.
  // Codes: "no_group_key" (404 / kNotFound).
  virtual Result<NodeSignPlan> PrepareNodeSign(ByteSpan message, std::string_view dst) = 0;
  // Threshold signature for the node API (96-byte compressed G2): PrepareNodeSign, the requests
  // sent with Transport::Call until t valid partials, CombineNodeSign.
  // Codes: "no_group_key" (404 / kNotFound), "threshold_unavailable" (503).
  virtual Result<Bytes> NodeSign(ByteSpan message, std::string_view dst) = 0;
  virtual std::optional<GroupKeyInfo> GroupKey() const = 0;  // G1 key, t, n, version, handle
  virtual nlohmann::json StatusJson() const = 0;    // operator set, active version, last session
  virtual nlohmann::json EvidenceJson() const = 0;  // fraud records, each verifiable offline
  virtual OperatorPublicKeys PublicKeys() const = 0;
};

}  // namespace cryfttee::kms
