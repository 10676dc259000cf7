// The KMS protocol's message envelope (seed kms-tdd-plan.md, "Transport Layer"):
//
//   {"payload": "<base64 of the payload bytes>",
//    "hash": "0x<SHA-256 of the payload bytes>",
//    "signature": "0x<sender's identity signature over the 32 hash bytes>"}
//
// The payload is JSON: {"v":1, "type":"dkg_share", "session":<interval boundary, Unix s>,
// "seq":<per-sender counter>, "from":"<operator id>", "to":"<operator id>" or "" (broadcast),
// "body":{...}}. The seed hashes with keccak256 because its keys are BN254 on Ethereum; ours are
// BLS12-381 keys, and SHA-256 is what the rest of cryfttee uses.
//
// Receiving is two steps, so the decoder can be fuzzed without keys and nothing is verified
// before it is parsed within bounds:
//   DecodeMessage   framing, size and depth limits, base64/hex, the hash, header fields
//   Authenticate    sender in the operator set, signature, recipient (us or broadcast)
// and a ReplayGuard that accepts each (sender, session, seq) once, increasing.
//
// Codes (category -> HTTP): "message_too_large" (kTooLarge, 413), "malformed_message" and
// "hash_mismatch" (kInvalidArgument, 400), "wrong_recipient" (kInvalidArgument, 400),
// "unknown_sender", "bad_signature", "replayed_message" (kUnauthenticated, 401).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/mutex.h"
#include "core/status.h"
#include "kms/identity.h"
#include "kms/operator_set.h"

namespace cryfttee::kms {

inline constexpr size_t kMaxMessageBytes = 1 << 20;
inline constexpr int kMessageVersion = 1;

struct MessageHeader {
  std::string type;  // [a-z_]{1,32}, e.g. "dkg_commitment"
  uint64_t session = 0;
  uint64_t sequence = 0;
  std::string from;
  std::string to;  // "" = broadcast
};

struct DecodedMessage {
  MessageHeader header;
  nlohmann::json body;  // an object
  Bytes payload;        // the exact bytes that were hashed
  Bytes hash;           // 32 bytes, checked against the payload
  Bytes signature;      // not yet verified
};

// Serialises, hashes and signs. Code "malformed_message" for a header that would not decode.
Result<std::string> EncodeMessage(const MessageHeader& header, const nlohmann::json& body,
                                  const IdentitySigner& signer);

Result<DecodedMessage> DecodeMessage(std::string_view wire);

Status Authenticate(const DecodedMessage& message, const std::vector<OperatorSetPeer>& peers,
                    std::string_view self_id, const IdentityVerifier& verifier);

// Remembers the highest sequence seen per (sender, session). Thread-safe.
class ReplayGuard {
 public:
  // Accepts a header whose sequence is above every one seen from that sender in that session.
  Status Accept(const MessageHeader& header) EXCLUDES(mu_);
  // Drops the state of sessions older than `session` (a finished interval).
  void ForgetSessionsBefore(uint64_t session) EXCLUDES(mu_);

 private:
  Mutex mu_;
  std::map<std::pair<uint64_t, std::string>, uint64_t> highest_ GUARDED_BY(mu_);
};

}  // namespace cryfttee::kms
