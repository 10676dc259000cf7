// The bodies of the KMS protocol's messages (inside the authenticated envelope of
// authenticated_message.h) and the dealer records they carry. Syntax only: lengths, counts, ids,
// hex; points are checked for size here and decoded (curve, subgroup) by the engine. Everything
// here depends on core/ alone, so the decoders are fuzzed (fuzz/kms_message_fuzzer.cc).
//
// Message types are "<protocol>_<kind>", protocol "dkg" or "reshare":
//   kind        route                     body
//   commitment  /<protocol>/commitment    {"commitments": SignedRecord, "reshare"?: Context}
//   reveal      /<protocol>/commitment    {"commitments": SignedRecord}   (Pedersen phase 2)
//   share       /<protocol>/share         {"envelope": "0x.."}  (kms/envelope.h; plaintext below)
//   ack         /<protocol>/ack           {"acks": [{"dealer", "commitments_hash", "commitments"}]}
//   complaint   /<protocol>/ack           {"dealer", "reason", "evidence"?}
//   complete    /reshare/complete         {"version", "group_key", "qualified"}  (reshare only)
// and for node signing (route /node/partial): "partial_request" {"version","message","dst"},
// answered by "partial" {"version","index","partial"}.
//
// Dealer records are canonical binary, signed by the dealer's identity key over SHA-256 of the
// record (IdentitySigner), and travel as {"record": "0x..", "signature": "0x.."}; evidence quotes
// them verbatim, so anyone with the dealer's identity public key can recheck it offline:
//   commitments: lp("CRYFTTEE-KMS-COMMITMENTS-V1") | session u64 | lp(dealer) | dealer_index u32
//                | phase u8 | threshold u32 | u32 n1 | n1 x G1 (48) | u32 n2 | n2 x G2 (96)
//   share:       lp("CRYFTTEE-KMS-SHARE-V1") | session u64 | lp(dealer) | dealer_index u32
//                | lp(receiver) | receiver_index u32 | value (32) | blinding (32)
// (lp = u32 length prefix; integers big-endian.) Phase 1 = Pedersen C_k (G1 only); phase 2 =
// Feldman A_k in G1 and the same coefficients in G2 (Feldman scheme: sent at once; Pedersen:
// revealed once the qualified set is fixed).
//
// Codes: "malformed_message" (kInvalidArgument) for every syntax problem; "wrong_route".
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "kms/identity.h"

namespace cryfttee::kms {

inline constexpr size_t kG1Bytes = 48;
inline constexpr size_t kG2Bytes = 96;
inline constexpr size_t kScalarBytes = 32;
inline constexpr size_t kRecordSignatureBytes = 96;
// Bounds on what a message may carry (a session has at most this many operators).
inline constexpr uint32_t kMaxSessionOperators = 256;

enum class Protocol : uint8_t { kDkg, kReshare };
enum class BodyKind : uint8_t { kCommitment, kReveal, kShare, kAck, kComplaint, kComplete };

struct ProtocolType {
  Protocol protocol = Protocol::kDkg;
  BodyKind kind = BodyKind::kCommitment;
};

// "dkg_commitment" -> {kDkg, kCommitment}; "malformed_message" for anything else.
Result<ProtocolType> ParseProtocolType(std::string_view type);
std::string TypeName(ProtocolType t);
std::string RouteFor(ProtocolType t);
// "wrong_route" (400) unless `route` is where `type` is posted.
Status CheckRoute(std::string_view route, ProtocolType type);

enum class CommitPhase : uint8_t { kBlinded = 1, kFeldman = 2 };

struct CommitmentRecord {
  uint64_t session = 0;
  std::string dealer;
  uint32_t dealer_index = 0;
  CommitPhase phase = CommitPhase::kBlinded;
  uint32_t threshold = 0;
  std::vector<Bytes> g1;  // 48 bytes each
  std::vector<Bytes> g2;  // 96 bytes each

  Bytes Encode() const;
  static Result<CommitmentRecord> Decode(ByteSpan bytes);
};

struct ShareRecord {
  uint64_t session = 0;
  std::string dealer;
  uint32_t dealer_index = 0;
  std::string receiver;
  uint32_t receiver_index = 0;
  std::array<uint8_t, kScalarBytes> value{};     // secret
  std::array<uint8_t, kScalarBytes> blinding{};  // secret (zero under Feldman)

  ShareRecord() = default;
  ShareRecord(const ShareRecord&) = default;
  ShareRecord& operator=(const ShareRecord&) = default;
  ~ShareRecord();
  SecretBytes Encode() const;
  static Result<ShareRecord> Decode(ByteSpan bytes);
};

// A record and its dealer's signature over SHA-256(record).
struct SignedRecord {
  Bytes record;
  Bytes signature;  // 96 bytes

  bool operator==(const SignedRecord&) const = default;
  nlohmann::json ToJson() const;
  static Result<SignedRecord> FromJson(const nlohmann::json& j, size_t max_record_bytes);
};

Result<SignedRecord> SignRecord(ByteSpan record, const IdentitySigner& signer);
bool VerifyRecord(const SignedRecord& r, ByteSpan identity_public_key,
                  const IdentityVerifier& verifier);

// The share plaintext inside an envelope: record || signature.
SecretBytes EncodeSignedShare(const SignedRecord& share);
Result<SignedRecord> DecodeSignedShare(ByteSpan plaintext);

// What a reshare dealer tells everyone about the sharing it reshares (a joining operator has no
// copy of its own and adopts the one most dealers agree on).
struct ReshareContext {
  uint64_t old_version = 0;
  uint32_t old_threshold = 0;
  std::vector<std::pair<std::string, uint32_t>> old_members;  // id -> old index
  std::vector<Bytes> old_verification_g1;                     // old_threshold x 48
  Bytes old_group_key_g2;                                     // 96
  std::vector<std::string> dealers;                           // expected dealers, sorted

  bool operator==(const ReshareContext&) const = default;
  nlohmann::json ToJson() const;
  static Result<ReshareContext> FromJson(const nlohmann::json& j);
};

struct CommitmentBody {
  SignedRecord commitments;
  std::optional<ReshareContext> reshare;
};
struct ShareBody {
  Bytes envelope;
};
struct AckEntry {
  std::string dealer;
  Bytes commitments_hash;  // SHA-256 of the phase-1 record the receiver checked its share with
  SignedRecord commitments;
};
// One per receiver and session: every dealer whose share fitted, sent once all expected deals
// are checked (or at the deal deadline). n messages per receiver instead of n^2.
struct AckBody {
  std::vector<AckEntry> acks;
};
struct ComplaintBody {
  std::string dealer;
  std::string reason;  // "invalid_share", "no_share", "commitment_inconsistency"
  std::optional<nlohmann::json> evidence;  // an EvidenceRecord (kms/evidence.h), if provable
};
struct CompleteBody {
  uint64_t version = 0;
  Bytes group_key;  // 48, G1
  std::vector<std::string> qualified;
};
struct PartialRequestBody {
  uint64_t version = 0;
  Bytes message;
  std::string dst;
};
struct PartialBody {
  uint64_t version = 0;
  uint32_t index = 0;
  Bytes partial;  // 96, G2
};

nlohmann::json ToJson(const CommitmentBody& b);
nlohmann::json ToJson(const ShareBody& b);
nlohmann::json ToJson(const AckBody& b);
nlohmann::json ToJson(const ComplaintBody& b);
nlohmann::json ToJson(const CompleteBody& b);
nlohmann::json ToJson(const PartialRequestBody& b);
nlohmann::json ToJson(const PartialBody& b);

Result<CommitmentBody> DecodeCommitmentBody(const nlohmann::json& body);  // also reveal
Result<ShareBody> DecodeShareBody(const nlohmann::json& body);
Result<AckBody> DecodeAckBody(const nlohmann::json& body);
Result<ComplaintBody> DecodeComplaintBody(const nlohmann::json& body);
Result<CompleteBody> DecodeCompleteBody(const nlohmann::json& body);
Result<PartialRequestBody> DecodePartialRequestBody(const nlohmann::json& body);
Result<PartialBody> DecodePartialBody(const nlohmann::json& body);

// A fraud record (kms/evidence.h verifies it). Everything needed to recheck it offline: the
// dealer's identity public key and its signed records, quoted verbatim.
//   invalid_share             commitments = [phase-1 record], share = the signed share record
//   equivocation              commitments = [two different signed records of one phase]
//   commitment_inconsistency  commitments = [phase-2 record] (G1 and G2 vectors disagree), or
//                             [phase-1, phase-2] + share (the share fits phase 1, not phase 2)
struct EvidenceRecord {
  std::string kind;
  uint64_t session = 0;
  std::string dealer;
  Bytes dealer_identity_key;
  std::string accuser;
  uint32_t threshold = 0;
  std::vector<SignedRecord> commitments;
  std::optional<SignedRecord> share;

  nlohmann::json ToJson() const;
  static Result<EvidenceRecord> FromJson(const nlohmann::json& j);
};

// "0x" + lowercase hex, and its strict inverse (exactly `size` bytes when size != 0, at most
// max_size otherwise). Code "malformed_message".
std::string Hex0x(ByteSpan b);
Result<Bytes> ParseHex0x(const nlohmann::json& v, std::string_view what, size_t size,
                         size_t max_size = 0);

}  // namespace cryfttee::kms
