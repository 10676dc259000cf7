#include "tee/wire_messages.h"

namespace cryfttee::tee::wire {
namespace {

constexpr uint8_t kAnswerOk = 0;
constexpr uint8_t kAnswerError = 1;

Result<keys::KeyType> KeyTypeFromWire(uint8_t v) {
  switch (v) {
    case 0:
      return keys::KeyType::kBls;
    case 1:
      return keys::KeyType::kSecp256k1;
    case 2:
      return keys::KeyType::kP256;
  }
  return ProtocolError("unknown key type " + std::to_string(v));
}

uint8_t KeyTypeToWire(keys::KeyType type) {
  switch (type) {
    case keys::KeyType::kBls:
      return 0;
    case keys::KeyType::kSecp256k1:
      return 1;
    case keys::KeyType::kP256:
      return 2;
  }
  return 0;
}

// Categories travel as their enum value; kOk is never an error's category.
bool CategoryFromWire(uint8_t v, StatusCategory* out) {
  if (v == 0 || v > static_cast<uint8_t>(StatusCategory::kInternal)) return false;
  *out = static_cast<StatusCategory>(v);
  return true;
}

bool IsSnakeCase(std::string_view code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void PutCertificateOptions(Writer& w, const crypto::CertificateOptions& o) {
  w.String(o.common_name);
  w.U8(o.not_before.has_value());
  w.I64(o.not_before.value_or(0));
  w.U8(o.not_after.has_value());
  w.I64(o.not_after.value_or(0));
}

crypto::CertificateOptions GetCertificateOptions(Reader& r) {
  crypto::CertificateOptions o;
  o.common_name = r.String("common_name", kMaxCommonName);
  bool has_before = r.Bool("has_not_before");
  int64_t before = r.I64("not_before");
  bool has_after = r.Bool("has_not_after");
  int64_t after = r.I64("not_after");
  r.RequireCanonical(has_before || before == 0, "not_before");
  r.RequireCanonical(has_after || after == 0, "not_after");
  o.not_before = has_before ? std::optional<int64_t>(before) : std::nullopt;
  o.not_after = has_after ? std::optional<int64_t>(after) : std::nullopt;
  return o;
}

void PutKey(Writer& w, const keys::KeyInfo& k) {
  w.String(k.handle);
  w.U8(KeyTypeToWire(k.type));
  w.Bytes(k.public_key);
  w.String(k.label);
  w.I64(k.created_at);
  w.U64(k.sign_count);
  w.U8(k.last_sign_at.has_value());
  w.I64(k.last_sign_at.value_or(0));
  w.Bytes(k.certificate);
}

keys::KeyInfo GetKey(Reader& r, Status* type_error) {
  keys::KeyInfo k;
  k.handle = r.String("handle", kMaxHandle);
  auto type = KeyTypeFromWire(r.U8("key_type"));
  if (type.ok()) {
    k.type = *type;
  } else if (r.ok() && type_error->ok()) {
    *type_error = type.status();
  }
  ByteSpan pk = r.Bytes("public_key", kMaxPublicKey);
  k.public_key.assign(pk.begin(), pk.end());
  k.label = r.String("label", kMaxLabel);
  k.created_at = r.I64("created_at");
  k.sign_count = r.U64("sign_count");
  bool has_last = r.Bool("has_last_sign");
  int64_t last = r.I64("last_sign_at");
  r.RequireCanonical(has_last || last == 0, "last_sign_at");
  if (has_last) k.last_sign_at = last;
  ByteSpan cert = r.Bytes("certificate", kMaxKeyCertificate);
  k.certificate.assign(cert.begin(), cert.end());
  return k;
}

Writer OkWriter() {
  Writer w;
  w.U8(kAnswerOk);
  return w;
}

// Reads the answer's first byte: OK to go on, or the error the enclave sent.
Status AnswerStatus(Reader& r) {
  uint8_t tag = r.U8("answer");
  if (!r.ok()) return r.Finish();
  if (tag == kAnswerOk) return Status::Ok();
  if (tag != kAnswerError) return ProtocolError("unknown answer tag " + std::to_string(tag));
  uint8_t category = r.U8("category");
  std::string code = r.String("code", kMaxErrorCode);
  std::string message = r.String("message", kMaxErrorMessage);
  CRYFTTEE_RETURN_IF_ERROR(r.Finish());
  StatusCategory cat;
  if (!CategoryFromWire(category, &cat)) {
    return ProtocolError("unknown error category " + std::to_string(category));
  }
  if (!IsSnakeCase(code)) return ProtocolError("error code is not snake_case");
  return Status::Error(cat, std::move(code), std::move(message));
}

template <typename T, typename F>
Result<T> DecodeAnswer(ByteSpan payload, F body) {
  Reader r(payload);
  CRYFTTEE_RETURN_IF_ERROR(AnswerStatus(r));
  Status extra;
  T value = body(r, &extra);
  CRYFTTEE_RETURN_IF_ERROR(r.Finish());
  CRYFTTEE_RETURN_IF_ERROR(extra);
  return value;
}

}  // namespace

Bytes EncodeRequest(const Request& q) {
  if (IsKmsOp(q.op)) return q.data;
  Writer w;
  switch (q.op) {
    case Op::kHello:
    case Op::kList:
      break;
    case Op::kGenerate:
      w.U8(KeyTypeToWire(q.key_type));
      w.String(q.label);
      break;
    case Op::kImport:
      w.U8(KeyTypeToWire(q.key_type));
      w.Bytes(q.secret.span());
      w.String(q.label);
      break;
    case Op::kImportEip2335:
      w.Bytes(q.keystore.span());
      w.Bytes(q.password.span());
      w.String(q.label);
      break;
    case Op::kGet:
    case Op::kProveBlsPossession:
      w.String(q.handle);
      break;
    case Op::kFindByPublicKey:
      w.Bytes(q.data);
      break;
    case Op::kSignBls:
      w.String(q.handle);
      w.U8(q.dst == keys::BlsDst::kSignature ? 0 : 1);
      w.Bytes(q.data);
      break;
    case Op::kSignEcdsaDigest:
      w.String(q.handle);
      w.Bytes(q.data);
      break;
    case Op::kCreateSelfSignedCertificate:
      w.String(q.handle);
      PutCertificateOptions(w, q.certificate);
      break;
    case Op::kIssueCertificate:
      w.String(q.handle);
      w.String(q.csr_pem);
      PutCertificateOptions(w, q.certificate);
      break;
    case Op::kQuote:
      w.Bytes(q.data);
      break;
    case Op::kRegisterTls:
      w.U8(KeyTypeToWire(q.key_type));
      w.Bytes(q.secret.span());
      w.String(q.label);
      w.String(q.csr_pem);
      PutCertificateOptions(w, q.certificate);
      break;
    case Op::kExportEip2335:
      w.String(q.handle);
      w.Bytes(q.password.span());
      w.U32(q.iterations);
      break;
    default:  // the KMS ops, above
      break;
  }
  return std::move(w.mutable_data());
}

Result<Request> DecodeRequest(Op op, ByteSpan payload) {
  Request q;
  q.op = op;
  if (IsKmsOp(op)) {  // opaque here; the handler decodes and bounds the fields
    if (payload.size() > kMaxKmsPayload) return ProtocolError("KMS payload over its bound");
    q.data.assign(payload.begin(), payload.end());
    return q;
  }
  Reader r(payload);
  Status extra;
  auto bytes = [&r](const char* field, size_t max) {
    ByteSpan b = r.Bytes(field, max);
    return Bytes(b.begin(), b.end());
  };
  auto key_type = [&] {
    auto type = KeyTypeFromWire(r.U8("key_type"));
    if (type.ok()) {
      q.key_type = *type;
    } else if (r.ok()) {
      extra = type.status();
    }
  };
  switch (op) {
    case Op::kHello:
    case Op::kList:
      break;
    case Op::kGenerate:
      key_type();
      q.label = r.String("label", kMaxLabel);
      break;
    case Op::kImport:
      key_type();
      q.secret = SecretBytes(r.Bytes("secret", kMaxSecret));
      q.label = r.String("label", kMaxLabel);
      break;
    case Op::kImportEip2335:
      q.keystore = SecretBytes(r.Bytes("keystore", kMaxKeystore));
      q.password = SecretBytes(r.Bytes("password", kMaxPassword));
      q.label = r.String("label", kMaxLabel);
      break;
    case Op::kGet:
    case Op::kProveBlsPossession:
      q.handle = r.String("handle", kMaxHandle);
      break;
    case Op::kFindByPublicKey:
      q.data = bytes("public_key", kMaxPublicKey);
      break;
    case Op::kSignBls: {
      q.handle = r.String("handle", kMaxHandle);
      uint8_t dst = r.U8("dst");
      if (r.ok() && dst > 1) extra = ProtocolError("dst must be 0 (sig) or 1 (pop)");
      q.dst = dst == 1 ? keys::BlsDst::kProofOfPossession : keys::BlsDst::kSignature;
      q.data = bytes("message", kMaxMessage);
      break;
    }
    case Op::kSignEcdsaDigest:
      q.handle = r.String("handle", kMaxHandle);
      q.data = bytes("digest", kMaxDigest);
      break;
    case Op::kCreateSelfSignedCertificate:
      q.handle = r.String("handle", kMaxHandle);
      q.certificate = GetCertificateOptions(r);
      break;
    case Op::kIssueCertificate:
      q.handle = r.String("handle", kMaxHandle);
      q.csr_pem = r.String("csr_pem", kMaxCsr);
      q.certificate = GetCertificateOptions(r);
      break;
    case Op::kQuote:
      q.data = bytes("report_data", kReportDataSize);
      if (r.ok() && q.data.size() != kReportDataSize) {
        extra = ProtocolError("report data is exactly 64 bytes");
      }
      break;
    case Op::kRegisterTls:
      key_type();
      q.secret = SecretBytes(r.Bytes("secret", kMaxSecret));
      q.label = r.String("label", kMaxLabel);
      q.csr_pem = r.String("csr_pem", kMaxCsr);
      q.certificate = GetCertificateOptions(r);
      break;
    case Op::kExportEip2335:
      q.handle = r.String("handle", kMaxHandle);
      q.password = SecretBytes(r.Bytes("password", kMaxPassword));
      q.iterations = r.U32("pbkdf2_iterations");
      break;
    default:  // the KMS ops, above
      break;
  }
  CRYFTTEE_RETURN_IF_ERROR(r.Finish());
  CRYFTTEE_RETURN_IF_ERROR(extra);
  return q;
}

Bytes EncodeError(const Status& status) {
  Writer w;
  w.U8(kAnswerError);
  w.U8(static_cast<uint8_t>(status.category()));
  std::string code = status.code().substr(0, kMaxErrorCode);
  if (!IsSnakeCase(code)) code = "internal";
  w.String(code);
  w.String(std::string_view(status.message()).substr(0, kMaxErrorMessage));
  return std::move(w.mutable_data());
}

Bytes EncodeKeyInfo(const keys::KeyInfo& key) {
  Writer w = OkWriter();
  PutKey(w, key);
  return std::move(w.mutable_data());
}

Bytes EncodeKeyList(const std::vector<keys::KeyInfo>& keys) {
  Writer w = OkWriter();
  size_t n = std::min<size_t>(keys.size(), kMaxListedKeys);
  w.U32(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i) PutKey(w, keys[i]);
  return std::move(w.mutable_data());
}

Bytes EncodeSignature(ByteSpan signature) {
  Writer w = OkWriter();
  w.Bytes(signature);
  return std::move(w.mutable_data());
}

Bytes EncodeEcdsaSignature(const crypto::EcdsaSignature& signature) {
  Writer w = OkWriter();
  w.Bytes(signature.der);
  w.Bytes(signature.compact);
  return std::move(w.mutable_data());
}

Bytes EncodeCertificate(const crypto::Certificate& certificate) {
  Writer w = OkWriter();
  w.Bytes(certificate.der);
  w.String(certificate.pem);
  return std::move(w.mutable_data());
}

Bytes EncodeTlsRegistration(const keys::TlsRegistration& registration) {
  Writer w = OkWriter();
  PutKey(w, registration.key);
  w.Bytes(registration.certificate.der);
  w.String(registration.certificate.pem);
  return std::move(w.mutable_data());
}

Bytes EncodeEnclaveInfo(const EnclaveInfo& info) {
  Writer w = OkWriter();
  w.U8(info.protocol_version);
  w.String(info.seal_source);
  w.String(info.quote_provider);
  w.U32(info.key_count);
  return std::move(w.mutable_data());
}

Bytes EncodeQuote(const Quote& quote) {
  Writer w = OkWriter();
  w.String(quote.provider);
  w.Bytes(quote.report_data);
  w.Bytes(quote.quote);
  return std::move(w.mutable_data());
}

Bytes EncodeKeystoreExport(const KeystoreExport& exported) {
  Writer w = OkWriter();
  w.String(exported.keystore);
  w.Bytes(exported.public_key);
  return std::move(w.mutable_data());
}

Result<keys::KeyInfo> DecodeKeyInfo(ByteSpan payload) {
  return DecodeAnswer<keys::KeyInfo>(payload, [](Reader& r, Status* e) { return GetKey(r, e); });
}

Result<std::vector<keys::KeyInfo>> DecodeKeyList(ByteSpan payload) {
  return DecodeAnswer<std::vector<keys::KeyInfo>>(payload, [](Reader& r, Status* e) {
    std::vector<keys::KeyInfo> out;
    uint32_t n = r.U32("count");
    if (n > kMaxListedKeys) {
      *e = ProtocolError("key list of " + std::to_string(n) + " entries is over its bound");
      return out;
    }
    for (uint32_t i = 0; i < n && r.ok(); ++i) out.push_back(GetKey(r, e));
    return out;
  });
}

Result<Bytes> DecodeSignature(ByteSpan payload) {
  return DecodeAnswer<Bytes>(payload, [](Reader& r, Status*) {
    ByteSpan s = r.Bytes("signature", kMaxSignature);
    return Bytes(s.begin(), s.end());
  });
}

Result<crypto::EcdsaSignature> DecodeEcdsaSignature(ByteSpan payload) {
  return DecodeAnswer<crypto::EcdsaSignature>(payload, [](Reader& r, Status*) {
    crypto::EcdsaSignature sig;
    ByteSpan der = r.Bytes("der", kMaxSignature);
    sig.der.assign(der.begin(), der.end());
    ByteSpan compact = r.Bytes("compact", kMaxSignature);
    sig.compact.assign(compact.begin(), compact.end());
    return sig;
  });
}

Result<crypto::Certificate> DecodeCertificate(ByteSpan payload) {
  return DecodeAnswer<crypto::Certificate>(payload, [](Reader& r, Status*) {
    crypto::Certificate cert;
    ByteSpan der = r.Bytes("der", kMaxCertificateDer);
    cert.der.assign(der.begin(), der.end());
    cert.pem = r.String("pem", kMaxCertificatePem);
    return cert;
  });
}

Result<keys::TlsRegistration> DecodeTlsRegistration(ByteSpan payload) {
  return DecodeAnswer<keys::TlsRegistration>(payload, [](Reader& r, Status* e) {
    keys::TlsRegistration out;
    out.key = GetKey(r, e);
    ByteSpan der = r.Bytes("der", kMaxCertificateDer);
    out.certificate.der.assign(der.begin(), der.end());
    out.certificate.pem = r.String("pem", kMaxCertificatePem);
    return out;
  });
}

Result<EnclaveInfo> DecodeEnclaveInfo(ByteSpan payload) {
  return DecodeAnswer<EnclaveInfo>(payload, [](Reader& r, Status*) {
    EnclaveInfo info;
    info.protocol_version = r.U8("protocol_version");
    info.seal_source = r.String("seal_source", 32);
    info.quote_provider = r.String("quote_provider", kMaxProviderName);
    info.key_count = r.U32("key_count");
    return info;
  });
}

Result<Quote> DecodeQuote(ByteSpan payload) {
  return DecodeAnswer<Quote>(payload, [](Reader& r, Status*) {
    Quote q;
    q.provider = r.String("provider", kMaxProviderName);
    ByteSpan rd = r.Bytes("report_data", kReportDataSize);
    q.report_data.assign(rd.begin(), rd.end());
    ByteSpan quote = r.Bytes("quote", kMaxQuote);
    q.quote.assign(quote.begin(), quote.end());
    return q;
  });
}

Result<Request> ServerSession::Accept(const Header& header, ByteSpan payload) {
  if (header.kind != Kind::kRequest) {
    return Status::InvalidArgument("enclave_out_of_order", "the enclave accepts only requests");
  }
  if (!greeted_ && header.op != Op::kHello) {
    return Status::InvalidArgument("enclave_out_of_order",
                                   "the first request on a connection must be hello");
  }
  if (greeted_ && header.request_id <= last_id_) {
    return Status::InvalidArgument("enclave_out_of_order",
                                   "request ids must increase on a connection");
  }
  if (payload.size() != header.payload_size) {
    return ProtocolError("payload size does not match the header");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Request request, DecodeRequest(header.op, payload));
  greeted_ = true;
  last_id_ = header.request_id;
  return request;
}

Result<KeystoreExport> DecodeKeystoreExport(ByteSpan payload) {
  return DecodeAnswer<KeystoreExport>(payload, [](Reader& r, Status*) {
    KeystoreExport e;
    e.keystore = r.String("keystore", kMaxKeystore);
    ByteSpan pk = r.Bytes("public_key", kMaxPublicKey);
    e.public_key.assign(pk.begin(), pk.end());
    return e;
  });
}

Bytes EncodeOpaque(ByteSpan answer) {
  Bytes out;
  out.reserve(answer.size() + 1);
  out.push_back(kAnswerOk);
  out.insert(out.end(), answer.begin(), answer.end());
  return out;
}

Result<Bytes> DecodeOpaque(ByteSpan payload) {
  if (payload.empty()) return ProtocolError("empty answer");
  if (payload[0] != kAnswerOk) {
    Reader r(payload);
    CRYFTTEE_RETURN_IF_ERROR(AnswerStatus(r));
    return ProtocolError("error answer without an error");
  }
  if (payload.size() - 1 > kMaxKmsPayload) return ProtocolError("KMS answer over its bound");
  return Bytes(payload.begin() + 1, payload.end());
}

}  // namespace cryfttee::tee::wire
