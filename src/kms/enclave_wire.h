// The payloads of the KMS ops of the enclave wire protocol (tee/wire.h kKms*, carried opaquely by
// tee): how the parent's EnclaveEngine (kms/enclave_engine.h) drives the kms::Node that lives in
// cryfttee-enclave (kms/enclave_host.h). Field encoding is tee's (wire::Writer / wire::Reader:
// big-endian integers, u32-length-prefixed bytes each with its own bound, payload consumed
// exactly).
//
// Requests:
//   kKmsStart             str self_id ("" = derive from the identity key), u8 scheme (0 pedersen,
//                         1 feldman), u64 interval_ms, u32 numerator, u32 denominator,
//                         str test_misbehaviour
//   kKmsBoundary          u64 boundary_ms, peers
//   kKmsTick              u64 now_ms
//   kKmsReceive, kKmsReceiveCall   str route, bytes wire
//   kKmsAppSign           str app_id, u8 has_time, u64 time (0 unless has_time)
//   kKmsPrepareNodeSign   bytes message, str dst
//   kKmsQuery             u8 what (Query)
// Answers:
//   kKmsStart             str self_id, bytes identity_public_key, bytes encryption_public_key
//   kKmsBoundary, kKmsTick, kKmsReceive   sends, u8 failed, [str category, str code, str message]
//   kKmsReceiveCall       bytes answer
//   kKmsAppSign, kKmsQuery  str json
//   kKmsPrepareNodeSign   str self_id, u64 version, u32 t, u32 own_index, bytes own_partial,
//                         u32 count, bytes g1 * count, peers, u32 count,
//                         (peer, u32 index, bytes wire) * count
// peer = str id, bytes identity_public_key, bytes encryption_public_key, str address;
// peers = u32 count (<= kMaxSessionOperators), peer * count;
// sends = u32 count (<= kMaxSends), (peer, str route, bytes wire) * count.
//
// Nothing here is secret: shares travel sealed to the receiver's X25519 key inside the protocol
// messages, and partial signatures are public.
//
// Failure code of every Decode: "enclave_protocol" (400) naming the field.
// Pure functions: thread-compatible, no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "kms/engine.h"

namespace cryfttee::kms::enclave_wire {

inline constexpr size_t kMaxId = 256;
inline constexpr size_t kMaxAddress = 1024;
inline constexpr size_t kMaxKey = 96;
inline constexpr size_t kMaxRoute = 64;
inline constexpr size_t kMaxAppId = 1024;
inline constexpr size_t kMaxDst = 256;
inline constexpr size_t kMaxMisbehaviour = 64;
inline constexpr size_t kMaxJson = 8 * 1024 * 1024;
inline constexpr uint32_t kMaxSends = 4096;

enum class Query : uint8_t { kPubkey = 0, kStatus = 1, kEvidence = 2, kGroupKey = 3 };

struct StartAnswer {
  std::string self_id;
  OperatorPublicKeys keys;
};
struct Send {
  OperatorSetPeer peer;
  std::string route;
  std::string wire;
};
struct SendsAnswer {
  std::vector<Send> sends;
  Status status;  // the engine call's own result (Receive), sends are relayed either way
};
struct Message {  // kKmsReceive, kKmsReceiveCall
  std::string route;
  std::string wire;
};
struct AppSignRequest {
  std::string app_id;
  std::optional<uint64_t> attestation_time;
};
struct SignRequest {
  Bytes message;
  std::string dst;
};
struct BoundaryRequest {
  uint64_t boundary_ms = 0;
  std::vector<OperatorSetPeer> operators;
};

Bytes EncodeStart(const NodeOptions& options);  // data_dir is the enclave's: not sent
Result<NodeOptions> DecodeStart(ByteSpan payload);
Bytes EncodeStartAnswer(const StartAnswer& answer);
Result<StartAnswer> DecodeStartAnswer(ByteSpan payload);

Bytes EncodeBoundary(const BoundaryRequest& request);
Result<BoundaryRequest> DecodeBoundary(ByteSpan payload);
Bytes EncodeU64(uint64_t value);  // kKmsTick
Result<uint64_t> DecodeU64(ByteSpan payload);
Bytes EncodeSends(const SendsAnswer& answer);
Result<SendsAnswer> DecodeSends(ByteSpan payload);

Bytes EncodeRouted(const Message& message);
Result<Message> DecodeRouted(ByteSpan payload);
Bytes EncodeBytes(ByteSpan value);  // kKmsReceiveCall's answer
Result<Bytes> DecodeBytes(ByteSpan payload);

Bytes EncodeAppSign(const AppSignRequest& request);
Result<AppSignRequest> DecodeAppSign(ByteSpan payload);
Bytes EncodeSign(const SignRequest& request);
Result<SignRequest> DecodeSign(ByteSpan payload);
Bytes EncodePlan(const NodeSignPlan& plan);
Result<NodeSignPlan> DecodePlan(ByteSpan payload);

Bytes EncodeQuery(Query what);
Result<Query> DecodeQuery(ByteSpan payload);
Bytes EncodeJson(const nlohmann::json& value);  // kKmsAppSign, kKmsQuery answers
Result<nlohmann::json> DecodeJson(ByteSpan payload);

}  // namespace cryfttee::kms::enclave_wire
