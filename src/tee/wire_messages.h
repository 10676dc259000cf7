// Typed messages of the enclave wire protocol (frames and field rules: wire.h).
//
// Requests, field by field:
//   kHello, kList                  (empty)
//   kGenerate                      u8 key_type, bytes label
//   kImport                        u8 key_type, bytes secret, bytes label
//   kImportEip2335                 bytes keystore, bytes password, bytes label
//   kGet, kProveBlsPossession      bytes handle
//   kFindByPublicKey               bytes public_key
//   kSignBls                       bytes handle, u8 dst (0 sig, 1 pop), bytes message
//   kSignEcdsaDigest               bytes handle, bytes digest
//   kCreateSelfSignedCertificate   bytes handle, certificate options
//   kIssueCertificate              bytes handle, bytes csr_pem, certificate options
//   kQuote                         bytes report_data (exactly 64)
//   kRegisterTls                   u8 key_type, bytes secret (empty: generate), bytes label,
//                                  bytes csr_pem (empty: none), certificate options
//   kExportEip2335                 bytes handle (empty: a fresh key), bytes password,
//                                  u32 pbkdf2_iterations
//   kKms*                          opaque: the payload as the extension handler defines it
//                                  (kms/enclave_wire.h), at most kMaxKmsPayload
// certificate options = bytes common_name, u8 has_not_before, i64, u8 has_not_after, i64.
// key_type: 0 bls, 1 secp256k1, 2 p256.
//
// Answers after the ok byte:
//   key ops                        key info = bytes handle, u8 key_type, bytes public_key,
//                                  bytes label, i64 created_at, u64 sign_count,
//                                  u8 has_last_sign, i64 last_sign_at,
//                                  bytes certificate (DER, empty: none)
//   kList                          u32 count (<= kMaxListedKeys), key info * count
//   kSignBls, kProveBlsPossession  bytes signature
//   kSignEcdsaDigest               bytes der, bytes compact
//   certificate ops                bytes der, bytes pem
//   kRegisterTls                   key info, bytes der, bytes pem
//   kHello                         u8 protocol_version, bytes seal_source, bytes quote_provider,
//                                  u32 key_count
//   kQuote                         bytes provider, bytes report_data, bytes quote
//   kExportEip2335                 bytes keystore, bytes public_key
//   kKms*                          opaque (the rest of the payload)
//
// Buffers that held a secret, keystore or password are wiped by whoever built or read them.
#pragma once

#include <string>
#include <vector>

#include "tee/client.h"
#include "tee/wire.h"

namespace cryfttee::tee::wire {

struct Request {
  Op op = Op::kHello;
  keys::KeyType key_type = keys::KeyType::kBls;
  std::string handle;
  std::string label;
  SecretBytes secret;       // kImport
  SecretBytes keystore;     // kImportEip2335 (JSON text)
  SecretBytes password;     // kImportEip2335, kExportEip2335
  uint32_t iterations = 0;  // kExportEip2335
  Bytes data;  // message, public key, digest or report data, by op; a KMS op's whole payload
  keys::BlsDst dst = keys::BlsDst::kSignature;
  std::string csr_pem;
  crypto::CertificateOptions certificate;
};

// The payload of a request frame (header not included).
Bytes EncodeRequest(const Request& request);
// Code "enclave_protocol" for anything but the exact layout of `op`.
Result<Request> DecodeRequest(Op op, ByteSpan payload);

// Answer payloads (after the header).
Bytes EncodeError(const Status& status);
Bytes EncodeKeyInfo(const keys::KeyInfo& key);
Bytes EncodeKeyList(const std::vector<keys::KeyInfo>& keys);
Bytes EncodeSignature(ByteSpan signature);
Bytes EncodeEcdsaSignature(const crypto::EcdsaSignature& signature);
Bytes EncodeCertificate(const crypto::Certificate& certificate);
Bytes EncodeTlsRegistration(const keys::TlsRegistration& registration);
Bytes EncodeEnclaveInfo(const EnclaveInfo& info);
Bytes EncodeQuote(const Quote& quote);
Bytes EncodeKeystoreExport(const KeystoreExport& exported);
Bytes EncodeOpaque(ByteSpan answer);  // a KMS op's answer

// Each returns the decoded answer, the error the enclave sent (its category, code and message),
// or "enclave_protocol" for a malformed payload.
Result<keys::KeyInfo> DecodeKeyInfo(ByteSpan payload);
Result<std::vector<keys::KeyInfo>> DecodeKeyList(ByteSpan payload);
Result<Bytes> DecodeSignature(ByteSpan payload);
Result<crypto::EcdsaSignature> DecodeEcdsaSignature(ByteSpan payload);
Result<crypto::Certificate> DecodeCertificate(ByteSpan payload);
Result<keys::TlsRegistration> DecodeTlsRegistration(ByteSpan payload);
Result<EnclaveInfo> DecodeEnclaveInfo(ByteSpan payload);
Result<Quote> DecodeQuote(ByteSpan payload);
Result<KeystoreExport> DecodeKeystoreExport(ByteSpan payload);
Result<Bytes> DecodeOpaque(ByteSpan payload);

// The enclave's per-connection rules. Accept() returns the decoded request, or the error to
// answer with; after an error the connection must be closed.
class ServerSession {
 public:
  Result<Request> Accept(const Header& header, ByteSpan payload);
  bool greeted() const { return greeted_; }

 private:
  bool greeted_ = false;
  uint32_t last_id_ = 0;
};

}  // namespace cryfttee::tee::wire
