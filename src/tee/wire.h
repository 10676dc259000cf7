// The enclave wire protocol: how the parent (cryfttee) and the enclave (cryfttee-enclave) talk
// over a Unix or vsock stream. Small, binary, versioned, every field bounded.
//
// Frame = 16-byte header + payload. All integers are big-endian.
//   0  magic "CTEE"
//   4  u8  protocol version (kProtocolVersion)
//   5  u8  kind: 1 request (parent -> enclave), 2 response (enclave -> parent)
//   6  u16 op (Op below)
//   8  u32 request id (a response echoes its request's)
//   12 u32 payload length, at most MaxPayload(kind, op)
// Payload fields, in the fixed order each op defines (wire_messages.h): u8, u16, u32, i64/u64,
// and "bytes" = u32 length + bytes, each with its own maximum. A payload must be consumed
// exactly: trailing bytes are an error, as is any length past its bound.
//
// A response payload starts with u8 0 (ok, then the op's answer) or u8 1 (error, then u8
// category, bytes code (snake_case, <= 64), bytes message (<= 1024)).
//
// Session rules (ServerSession below): the first request on a connection must be kHello; request
// ids strictly increase; a response frame sent to the enclave, an unknown op, a wrong version or
// an oversized length ends the connection after one error answer. The parent checks that every
// response carries its request's id and op.
//
// Failure codes of this file: "enclave_protocol" (malformed frame or payload),
// "enclave_frame_too_large", "enclave_protocol_version", "enclave_out_of_order".
//
// Pure functions and values: thread-compatible, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::tee::wire {

inline constexpr std::array<uint8_t, 4> kMagic = {'C', 'T', 'E', 'E'};
// 2: key info carries the key's certificate; kRegisterTls.
inline constexpr uint8_t kProtocolVersion = 2;
inline constexpr size_t kHeaderSize = 16;

enum class Kind : uint8_t { kRequest = 1, kResponse = 2 };

// Stable numbers: never reuse one. The 0x20 range is the KMS engine's (threshold shares behind
// the enclave): tee carries those payloads opaquely to an ExtensionHandler (tee/extension.h),
// which defines and bounds their fields (kms/enclave_wire.h). Enclave-to-enclave relay frames
// would take the 0x30 range.
enum class Op : uint16_t {
  kHello = 1,
  kGenerate = 2,
  kImport = 3,
  kImportEip2335 = 4,
  kGet = 5,
  kFindByPublicKey = 6,
  kList = 7,
  kSignBls = 8,
  kProveBlsPossession = 9,
  kSignEcdsaDigest = 10,
  kCreateSelfSignedCertificate = 11,
  kIssueCertificate = 12,
  kQuote = 13,
  kRegisterTls = 14,
  kExportEip2335 = 15,
  kKmsStart = 0x20,
  kKmsBoundary = 0x21,
  kKmsTick = 0x22,
  kKmsReceive = 0x23,
  kKmsReceiveCall = 0x24,
  kKmsAppSign = 0x25,
  kKmsPrepareNodeSign = 0x26,
  kKmsQuery = 0x27,
};
inline constexpr uint16_t kFirstKmsOp = 0x20, kLastKmsOp = 0x27;
bool IsKmsOp(Op op);
bool IsKnownOp(uint16_t op);
std::string_view OpName(Op op);

// Field bounds.
inline constexpr size_t kMaxHandle = 128;
inline constexpr size_t kMaxLabel = 256;
inline constexpr size_t kMaxSecret = 64;           // the vault insists on 32 and says so
inline constexpr size_t kMaxKeystore = 64 * 1024;  // EIP-2335 JSON
inline constexpr size_t kMaxPassword = 4 * 1024;
inline constexpr size_t kMaxPublicKey = 96;
// A BLS message: the module host refuses requests over 12 MiB of base64, so 9 MiB of message.
inline constexpr size_t kMaxMessage = 12 * 1024 * 1024;
inline constexpr size_t kMaxDigest = 64;  // the vault insists on 32 and says so
inline constexpr size_t kMaxCommonName = 256;
inline constexpr size_t kMaxCsr = 16 * 1024;
inline constexpr size_t kReportDataSize = 64;
inline constexpr size_t kMaxQuote = 64 * 1024;
inline constexpr size_t kMaxProviderName = 32;
inline constexpr size_t kMaxSignature = 128;
inline constexpr size_t kMaxCertificateDer = 16 * 1024;
inline constexpr size_t kMaxCertificatePem = 24 * 1024;
// The certificate a key info carries: the vault's own self-signed one (under 1 KiB with a 64-byte
// CN), bounded tighter than issued certificates because a key list carries one per key.
inline constexpr size_t kMaxKeyCertificate = 2 * 1024;
inline constexpr size_t kMaxErrorCode = 64;
inline constexpr size_t kMaxErrorMessage = 1024;
inline constexpr uint32_t kMaxListedKeys = 10'000;
// A KMS op's payload either way (opaque here): a protocol message is at most 1 MiB
// (kms::kMaxMessageBytes) and one answer relays the messages of one engine call.
inline constexpr size_t kMaxKmsPayload = 16 * 1024 * 1024;

// Largest payload a frame of this kind and op may carry (headers are refused above it before
// any payload byte is read).
size_t MaxPayload(Kind kind, Op op);

struct Header {
  Kind kind = Kind::kRequest;
  Op op = Op::kHello;
  uint32_t request_id = 0;
  uint32_t payload_size = 0;
};

std::array<uint8_t, kHeaderSize> EncodeHeader(const Header& header);
// Checks magic, version, kind, op and the payload bound. Codes: "enclave_protocol",
// "enclave_protocol_version", "enclave_frame_too_large".
Result<Header> DecodeHeader(ByteSpan bytes);

// Appends fields to a payload.
class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v);
  void U32(uint32_t v);
  void U64(uint64_t v);
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Bytes(ByteSpan v);
  void String(std::string_view v) { Bytes(AsBytes(v)); }
  const cryfttee::Bytes& data() const { return out_; }
  cryfttee::Bytes& mutable_data() { return out_; }

 private:
  cryfttee::Bytes out_;
};

// Reads fields from a payload; the first failure sticks ("enclave_protocol", naming the field).
class Reader {
 public:
  explicit Reader(ByteSpan in) : in_(in) {}
  uint8_t U8(const char* field);
  uint16_t U16(const char* field);
  uint32_t U32(const char* field);
  uint64_t U64(const char* field);
  int64_t I64(const char* field) { return static_cast<int64_t>(U64(field)); }
  // A bytes field of at most `max` bytes (views into the input: valid while it is).
  ByteSpan Bytes(const char* field, size_t max);
  std::string String(const char* field, size_t max);
  bool Bool(const char* field);
  // Records a protocol error unless `canonical` (e.g. an optional's value must be 0 when its
  // presence flag is 0): one meaning has one encoding, so a frame re-encodes to its own bytes.
  void RequireCanonical(bool canonical, const char* field);
  // OK only when nothing failed and every byte was consumed.
  Status Finish() const;
  bool ok() const { return status_.ok(); }

 private:
  bool Take(size_t n, const char* field, const uint8_t** out);
  ByteSpan in_;
  size_t pos_ = 0;
  Status status_;
};

Status ProtocolError(const std::string& message);

}  // namespace cryfttee::tee::wire
