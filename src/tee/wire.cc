#include "tee/wire.h"

#include <algorithm>

namespace cryfttee::tee::wire {

bool IsKnownOp(uint16_t op) {
  return (op >= static_cast<uint16_t>(Op::kHello) &&
          op <= static_cast<uint16_t>(Op::kExportEip2335)) ||
         (op >= kFirstKmsOp && op <= kLastKmsOp);
}

bool IsKmsOp(Op op) {
  auto v = static_cast<uint16_t>(op);
  return v >= kFirstKmsOp && v <= kLastKmsOp;
}

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kHello:
      return "hello";
    case Op::kGenerate:
      return "generate";
    case Op::kImport:
      return "import";
    case Op::kImportEip2335:
      return "import_eip2335";
    case Op::kGet:
      return "get";
    case Op::kFindByPublicKey:
      return "find_by_public_key";
    case Op::kList:
      return "list";
    case Op::kSignBls:
      return "sign_bls";
    case Op::kProveBlsPossession:
      return "prove_bls_possession";
    case Op::kSignEcdsaDigest:
      return "sign_ecdsa_digest";
    case Op::kCreateSelfSignedCertificate:
      return "create_self_signed_certificate";
    case Op::kIssueCertificate:
      return "issue_certificate";
    case Op::kQuote:
      return "quote";
    case Op::kRegisterTls:
      return "register_tls";
    case Op::kExportEip2335:
      return "export_eip2335";
    case Op::kKmsStart:
      return "kms_start";
    case Op::kKmsBoundary:
      return "kms_boundary";
    case Op::kKmsTick:
      return "kms_tick";
    case Op::kKmsReceive:
      return "kms_receive";
    case Op::kKmsReceiveCall:
      return "kms_receive_call";
    case Op::kKmsAppSign:
      return "kms_app_sign";
    case Op::kKmsPrepareNodeSign:
      return "kms_prepare_node_sign";
    case Op::kKmsQuery:
      return "kms_query";
  }
  return "unknown";
}

namespace {

// A bytes field on the wire: its 4-byte length plus at most `max` bytes.
constexpr size_t Field(size_t max) { return 4 + max; }
constexpr size_t kCertificateOptions = Field(kMaxCommonName) + 2 * (1 + 8);
constexpr size_t kKeyInfo = Field(kMaxHandle) + 1 + Field(kMaxPublicKey) + Field(kMaxLabel) + 8 +
                            8 + 1 + 8 + Field(kMaxKeyCertificate);
constexpr size_t kError = 1 + 1 + Field(kMaxErrorCode) + Field(kMaxErrorMessage);

size_t MaxRequest(Op op) {
  switch (op) {
    case Op::kHello:
    case Op::kList:
      return 0;
    case Op::kGenerate:
      return 1 + Field(kMaxLabel);
    case Op::kImport:
      return 1 + Field(kMaxSecret) + Field(kMaxLabel);
    case Op::kImportEip2335:
      return Field(kMaxKeystore) + Field(kMaxPassword) + Field(kMaxLabel);
    case Op::kGet:
    case Op::kProveBlsPossession:
      return Field(kMaxHandle);
    case Op::kFindByPublicKey:
      return Field(kMaxPublicKey);
    case Op::kSignBls:
      return Field(kMaxHandle) + 1 + Field(kMaxMessage);
    case Op::kSignEcdsaDigest:
      return Field(kMaxHandle) + Field(kMaxDigest);
    case Op::kCreateSelfSignedCertificate:
      return Field(kMaxHandle) + kCertificateOptions;
    case Op::kIssueCertificate:
      return Field(kMaxHandle) + Field(kMaxCsr) + kCertificateOptions;
    case Op::kQuote:
      return Field(kReportDataSize);
    case Op::kRegisterTls:
      return 1 + Field(kMaxSecret) + Field(kMaxLabel) + Field(kMaxCsr) + kCertificateOptions;
    case Op::kExportEip2335:
      return Field(kMaxHandle) + Field(kMaxPassword) + 4;
    case Op::kKmsStart:
    case Op::kKmsBoundary:
    case Op::kKmsTick:
    case Op::kKmsReceive:
    case Op::kKmsReceiveCall:
    case Op::kKmsAppSign:
    case Op::kKmsPrepareNodeSign:
    case Op::kKmsQuery:
      return kMaxKmsPayload;
  }
  return 0;
}

size_t MaxAnswer(Op op) {
  switch (op) {
    case Op::kHello:
      return 1 + Field(32) + Field(kMaxProviderName) + 4;
    case Op::kGenerate:
    case Op::kImport:
    case Op::kImportEip2335:
    case Op::kGet:
    case Op::kFindByPublicKey:
      return kKeyInfo;
    case Op::kList:
      return 4 + kMaxListedKeys * kKeyInfo;
    case Op::kSignBls:
    case Op::kProveBlsPossession:
      return Field(kMaxSignature);
    case Op::kSignEcdsaDigest:
      return 2 * Field(kMaxSignature);
    case Op::kCreateSelfSignedCertificate:
    case Op::kIssueCertificate:
      return Field(kMaxCertificateDer) + Field(kMaxCertificatePem);
    case Op::kQuote:
      return Field(kMaxProviderName) + Field(kReportDataSize) + Field(kMaxQuote);
    case Op::kRegisterTls:
      return kKeyInfo + Field(kMaxCertificateDer) + Field(kMaxCertificatePem);
    case Op::kExportEip2335:
      return Field(kMaxKeystore) + Field(kMaxPublicKey);
    case Op::kKmsStart:
    case Op::kKmsBoundary:
    case Op::kKmsTick:
    case Op::kKmsReceive:
    case Op::kKmsReceiveCall:
    case Op::kKmsAppSign:
    case Op::kKmsPrepareNodeSign:
    case Op::kKmsQuery:
      return kMaxKmsPayload;
  }
  return 0;
}

}  // namespace

size_t MaxPayload(Kind kind, Op op) {
  if (kind == Kind::kRequest) return MaxRequest(op);
  return 1 + std::max(MaxAnswer(op), kError);
}

Status ProtocolError(const std::string& message) {
  return Status::InvalidArgument("enclave_protocol", message);
}

std::array<uint8_t, kHeaderSize> EncodeHeader(const Header& h) {
  std::array<uint8_t, kHeaderSize> out{};
  std::copy(kMagic.begin(), kMagic.end(), out.begin());
  out[4] = kProtocolVersion;
  out[5] = static_cast<uint8_t>(h.kind);
  auto op = static_cast<uint16_t>(h.op);
  out[6] = static_cast<uint8_t>(op >> 8);
  out[7] = static_cast<uint8_t>(op);
  for (int i = 0; i < 4; ++i) {
    out[8 + i] = static_cast<uint8_t>(h.request_id >> (24 - 8 * i));
    out[12 + i] = static_cast<uint8_t>(h.payload_size >> (24 - 8 * i));
  }
  return out;
}

Result<Header> DecodeHeader(ByteSpan b) {
  if (b.size() != kHeaderSize) return ProtocolError("a frame header is 16 bytes");
  if (!std::equal(kMagic.begin(), kMagic.end(), b.begin())) {
    return ProtocolError("bad frame magic");
  }
  if (b[4] != kProtocolVersion) {
    return Status::FailedPrecondition("enclave_protocol_version",
                                      "enclave protocol version " + std::to_string(b[4]) +
                                          ", this side speaks " + std::to_string(kProtocolVersion));
  }
  if (b[5] != static_cast<uint8_t>(Kind::kRequest) &&
      b[5] != static_cast<uint8_t>(Kind::kResponse)) {
    return ProtocolError("unknown frame kind " + std::to_string(b[5]));
  }
  uint16_t op = static_cast<uint16_t>((b[6] << 8) | b[7]);
  if (!IsKnownOp(op)) return ProtocolError("unknown op " + std::to_string(op));
  Header h;
  h.kind = static_cast<Kind>(b[5]);
  h.op = static_cast<Op>(op);
  for (int i = 0; i < 4; ++i) {
    h.request_id = (h.request_id << 8) | b[8 + i];
    h.payload_size = (h.payload_size << 8) | b[12 + i];
  }
  if (h.payload_size > MaxPayload(h.kind, h.op)) {
    return Status::Error(StatusCategory::kTooLarge, "enclave_frame_too_large",
                         std::string(OpName(h.op)) + " frame of " + std::to_string(h.payload_size) +
                             " bytes is over its bound of " +
                             std::to_string(MaxPayload(h.kind, h.op)));
  }
  return h;
}

void Writer::U16(uint16_t v) {
  out_.push_back(static_cast<uint8_t>(v >> 8));
  out_.push_back(static_cast<uint8_t>(v));
}

void Writer::U32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
}

void Writer::U64(uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
}

void Writer::Bytes(ByteSpan v) {
  U32(static_cast<uint32_t>(v.size()));
  out_.insert(out_.end(), v.begin(), v.end());
}

bool Reader::Take(size_t n, const char* field, const uint8_t** out) {
  if (!status_.ok()) return false;
  if (in_.size() - pos_ < n) {
    status_ = ProtocolError(std::string("payload ends inside field ") + field);
    return false;
  }
  *out = in_.data() + pos_;
  pos_ += n;
  return true;
}

uint8_t Reader::U8(const char* field) {
  const uint8_t* p = nullptr;
  return Take(1, field, &p) ? p[0] : 0;
}

uint16_t Reader::U16(const char* field) {
  const uint8_t* p = nullptr;
  return Take(2, field, &p) ? static_cast<uint16_t>((p[0] << 8) | p[1]) : 0;
}

uint32_t Reader::U32(const char* field) {
  const uint8_t* p = nullptr;
  if (!Take(4, field, &p)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
  return v;
}

uint64_t Reader::U64(const char* field) {
  const uint8_t* p = nullptr;
  if (!Take(8, field, &p)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

ByteSpan Reader::Bytes(const char* field, size_t max) {
  uint32_t n = U32(field);
  if (!status_.ok()) return {};
  if (n > max) {
    status_ = ProtocolError(std::string("field ") + field + " of " + std::to_string(n) +
                            " bytes is over its bound of " + std::to_string(max));
    return {};
  }
  const uint8_t* p = nullptr;
  if (!Take(n, field, &p)) return {};
  return ByteSpan(p, n);
}

std::string Reader::String(const char* field, size_t max) {
  ByteSpan b = Bytes(field, max);
  return std::string(b.begin(), b.end());
}

bool Reader::Bool(const char* field) {
  uint8_t v = U8(field);
  if (status_.ok() && v > 1) {
    status_ = ProtocolError(std::string("field ") + field + " must be 0 or 1");
  }
  return v == 1;
}

void Reader::RequireCanonical(bool canonical, const char* field) {
  if (status_.ok() && !canonical) {
    status_ = ProtocolError(std::string("field ") + field + " must be 0 when absent");
  }
}

Status Reader::Finish() const {
  if (!status_.ok()) return status_;
  if (pos_ != in_.size()) {
    return ProtocolError(std::to_string(in_.size() - pos_) + " trailing bytes after the payload");
  }
  return Status::Ok();
}

}  // namespace cryfttee::tee::wire
