// The KMS protocol API (seed kms-tdd-plan.md, "Protocol API Specification"): the routes one
// operator serves to the others and to applications, on its own TCP listener (--kms-listen-addr,
// never the node's API socket). Handlers only translate HTTP to kms::Engine calls and back.
//
//   POST /dkg/commitment /dkg/share /dkg/ack              authenticated message -> Engine::Receive
//   POST /reshare/commitment /reshare/share /reshare/ack /reshare/complete
//   POST /node/partial     authenticated request -> Engine::ReceiveCall (node-signing partials)
//   GET  /pubkey           {operatorAddress, commitments, commitments_g1, version, isActive, index}
//   POST /app/sign         {appID, attestationTime?} -> {operatorAddress, partialSignature,
//                          version, index}
//   GET  /health           liveness and whether this operator holds a share
//   GET  /metrics          Prometheus text: kms_* series (sessions, fraud records, transport)
//   GET  /evidence         fraud records; needs "Authorization: Bearer <evidence token>"
//
// Errors are the project's JSON error body {"success": false, "error", "code"}:
//   400 malformed_message, hash_mismatch, wrong_recipient, unknown_session, wrong_route,
//       invalid_json, missing_field, invalid_field, field_too_long
//   401 unknown_sender, bad_signature, replayed_message (messages); unauthenticated (/evidence)
//   404 no_group_key          413 message_too_large (decoder) / payload_too_large (server cap)
//   503 threshold_unavailable
//
// /evidence is authenticated with a bearer token rather than an operator signature: the
// records are what an operator (or a slashing relayer it runs) collects, not something peers
// ask each other for. The token is 32 random bytes in <data_dir>/kms/evidence-token (0600),
// compared in constant time. The same records are on the node's private API socket at
// GET /v1/kms/evidence.
//
// Threading: the handlers run on the HTTP server's workers; the engine and the counters are
// thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>

#include "api/router.h"
#include "core/mutex.h"
#include "kms/engine.h"

namespace cryfttee::kms {

// Requests per route and outcome, for /metrics. Thread-safe.
class ProtocolCounters {
 public:
  void Count(const std::string& route, const std::string& outcome) EXCLUDES(mu_);
  std::map<std::pair<std::string, std::string>, uint64_t> Snapshot() const EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> counts_ GUARDED_BY(mu_);
};

struct ProtocolApiOptions {
  Engine* node = nullptr;
  std::string evidence_token;  // empty: /evidence is refused to everyone
  ProtocolCounters* counters = nullptr;
  // Extra Prometheus text appended to /metrics (transport, scheduler); may be empty.
  std::function<std::string()> extra_metrics;
};

void AddProtocolRoutes(api::Router& router, ProtocolApiOptions options);

// Records in Engine::EvidenceJson()'s answer ({"evidence": [...]}, or a bare array).
size_t CountEvidenceRecords(const nlohmann::json& evidence);
// The answer of GET /evidence (and /v1/kms/evidence): {"success": true, "evidence": [...]}.
nlohmann::json EvidenceBody(const nlohmann::json& evidence);

// The kms_* Prometheus series of `node` and `counters` (text exposition format 0.0.4).
std::string RenderKmsMetrics(const Engine& node, const ProtocolCounters& counters);

}  // namespace cryfttee::kms
