// Internal to kms/node*.cc and kms/session.cc: the engine's state behind Node's pimpl. Not part
// of the seam (node.h). Everything here is guarded by Impl::mu.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/mutex.h"
#include "crypto/threshold/pedersen.h"
#include "keys/share_store.h"
#include "kms/evidence.h"
#include "kms/node.h"
#include "kms/protocol_messages.h"

namespace cryfttee::kms {

// The public side of a share version (keys::ShareStore holds the secret side), kept as
// data_dir/versions/<version>.json.
struct VersionMeta {
  uint64_t version = 0;     // Unix seconds of the session boundary
  uint64_t session_ms = 0;  // the session id
  uint32_t t = 0, n = 0, index = 0;
  std::string scheme;
  std::vector<std::pair<std::string, uint32_t>> members;  // id -> index, by index
  std::vector<threshold::G1Group::Point> verification_g1;
  std::vector<threshold::G2Group::Point> verification_g2;

  nlohmann::json ToJson() const;
  static Result<VersionMeta> FromJson(const nlohmann::json& j);
};

struct Outgoing {
  OperatorSetPeer peer;
  std::string route;
  std::string wire;
};

// Replay protection for one Node: each (session, sender, seq) is accepted once, in any order
// (the daemon's transport retries and delivers different routes concurrently); a window of the
// newest kWindow sequences per (session, sender) is remembered, older ones are refused.
class SeenMessages {
 public:
  static constexpr size_t kWindow = 4096;
  bool Accept(uint64_t session, const std::string& from, uint64_t seq);
  void ForgetSessionsBefore(uint64_t session);

 private:
  struct Seen {
    uint64_t floor = 0;  // everything <= floor (when nonzero) is refused
    std::set<uint64_t> seqs;
  };
  std::map<std::pair<uint64_t, std::string>, Seen> seen_;
};

// One dealer's contribution as this receiver sees it.
struct DealerSlot {
  uint32_t index = 0;                        // dealing index (DKG: new index, reshare: old index)
  std::optional<SignedRecord> first_record;  // the first phase-1 record seen (direct or in an ack)
  std::optional<DecodedCommitments> commit;  // phase 1 as the dealer sent it to us
  std::optional<ReshareContext> context;     // what the dealer claims it reshares
  std::optional<CommitmentBody> pending;     // set aside: it reshares another sharing than ours
  std::optional<SignedRecord> share_signed;  // the dealer's signed share to us (secret)
  std::optional<ShareRecord> share;
  std::optional<bool> deal_ok;
  std::optional<DecodedCommitments> reveal;  // phase 2 (Pedersen)
  std::optional<SignedRecord> reveal_signed;
  std::set<std::string> responded;  // receivers whose ack or complaint about this dealer we have
  bool disqualified = false;
  std::string reason;
};

enum class SessionPhase { kDealing, kRevealing, kDone, kAborted };

struct Session {
  uint64_t id = 0;  // boundary, Unix ms
  Protocol protocol = Protocol::kDkg;
  std::vector<OperatorSetPeer> operators;
  std::map<std::string, uint32_t> index;  // new indices, 1..n by sorted id
  uint32_t t = 0, n = 0, my_index = 0;
  bool holder = false;                    // reshare: we hold the sharing being reshared
  std::optional<ReshareContext> context;  // reshare: ours (holder) or adopted (joiner)
  std::map<std::string, DealerSlot> dealers;
  std::optional<threshold::PedersenDealer> my_poly;  // while we deal (wiped with the session)
  SessionPhase phase = SessionPhase::kDealing;
  bool no_share_complaints_sent = false;
  bool acks_sent = false;
  std::vector<std::string> qualified;
  uint64_t seq = 0;
  std::string outcome;                              // "running", "completed", "aborted: <reason>"
  std::map<std::string, std::string> completed_by;  // reshare_complete: id -> group key hex
};

struct Node::Impl {
  NodeOptions options;
  std::unique_ptr<IdentitySigner> identity;
  SecretBytes encryption_key;
  Bytes encryption_public_key;
  Transport* transport = nullptr;

  mutable Mutex mu;
  std::optional<keys::ShareStore> store GUARDED_BY(mu);
  std::map<uint64_t, VersionMeta> versions GUARDED_BY(mu);
  std::vector<OperatorSetPeer> operators GUARDED_BY(mu);  // the last boundary's set
  std::optional<Session> session GUARDED_BY(mu);
  nlohmann::json last_session GUARDED_BY(mu);  // summary of the last finished session
  std::vector<nlohmann::json> evidence GUARDED_BY(mu);
  std::set<std::string> evidence_names GUARDED_BY(mu);
  // Messages of a session that has not started here yet (route, wire), at most kMaxFutureBytes.
  static constexpr size_t kMaxFutureBytes = 4 << 20;
  std::deque<std::pair<std::string, std::string>> future GUARDED_BY(mu);
  size_t future_bytes GUARDED_BY(mu) = 0;
  SeenMessages seen GUARDED_BY(mu);
  uint64_t now_ms GUARDED_BY(mu) = 0;
  uint64_t call_seq GUARDED_BY(mu) = 0;

  // --- session.cc -------------------------------------------------------------------------
  void StartSession(uint64_t boundary, std::vector<Outgoing>& out) REQUIRES(mu);
  Status ReceiveLocked(std::string_view route, std::string_view wire, std::vector<Outgoing>& out)
      REQUIRES(mu);
  void Advance(std::vector<Outgoing>& out) REQUIRES(mu);
  void Abort(const std::string& reason) REQUIRES(mu);

  // --- node.cc ----------------------------------------------------------------------------
  void Flush(std::vector<Outgoing> out) EXCLUDES(mu);
  const VersionMeta* Active() const REQUIRES(mu);
  Status StoreVersion(const keys::ShareVersion& v, const VersionMeta& meta) REQUIRES(mu);
  void RecordEvidence(const EvidenceRecord& e) REQUIRES(mu);
  Result<std::string> Encode(const std::string& type, uint64_t session, uint64_t seq,
                             const std::string& to, const nlohmann::json& body) const;
};

}  // namespace cryfttee::kms
