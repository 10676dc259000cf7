// tee::Client: the one way everything above keys/ reaches private keys. Host functions, the API
// and (later) the threshold and remote-signer code generate, import, list and use keys only
// through this interface; none of them sees a key vault or a secret.
//
// Two implementations, chosen once at start-up by the daemon (like tmkms' keyring providers):
//   InProcessClient (in_process_client.h)  the vault lives in this process (the embedded
//                                          default, and what the enclave itself serves)
//   RemoteClient (remote_client.h)         the vault lives in a cryfttee-enclave process reached
//                                          over a Unix socket or vsock (wire.h); this process
//                                          never holds a private key
//
// Failure codes: those of keys::KeyVault (key_not_found, wrong_key_type, invalid_digest,
// invalid_secret_key, invalid_label, keystore_*, ...) carried unchanged across the wire, plus,
// for RemoteClient only, "enclave_unavailable" (kUnavailable: the enclave is down, unreachable
// or went away mid-request; the caller may retry) and "enclave_protocol" (kInternal: it
// answered something malformed).
//
// Threshold key shares do not go through this interface: in remote mode the whole KMS protocol
// engine (kms::Node with the operator keys and shares) runs in the enclave behind the kKms* ops
// (wire.h), which tee carries opaquely to an ExtensionHandler (extension.h; the parent's side is
// RemoteClient::CallKms). Enclave-to-enclave protocol messages cross the parents as the
// authenticated envelopes they already are, shares inside sealed to the receiver's X25519 key.
//
// ExportEip2335 is the one method that hands key material out, encrypted, for another signer
// (docs/security.md, "Keys handed to Web3Signer").
//
// Thread-safe: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/ecdsa.h"
#include "crypto/x509.h"
#include "keys/vault.h"

namespace cryfttee::tee {

// What the key side reports about itself (wire op kHello).
struct EnclaveInfo {
  uint8_t protocol_version = 0;
  std::string seal_source;     // keys::SealSourceName
  std::string quote_provider;  // QuoteProvider::name(): "none", "tdx", "sev-snp", "nitro"
  uint32_t key_count = 0;
};

// An attestation quote from the key side's QuoteProvider, over 64 bytes of report data.
struct Quote {
  std::string provider;  // "none": no TEE, quote is empty
  Bytes report_data;     // exactly the 64 bytes asked for
  Bytes quote;           // the provider's raw evidence (TDREPORT, SNP report, NSM document)
};

// A BLS key wrapped for another signer (ExportEip2335).
struct KeystoreExport {
  std::string keystore;  // EIP-2335 JSON; the holder wipes it
  Bytes public_key;      // 48 bytes
};

// PBKDF2 iterations ExportEip2335 accepts: enough to be a KDF, bounded so one request cannot
// occupy the key side for long (the transfer password is random, so the count buys little).
inline constexpr uint32_t kMinExportIterations = 1024;
inline constexpr uint32_t kMaxExportIterations = 1'048'576;

// How the parent reaches its keys, for status and readiness.
struct Connection {
  std::string mode;  // "in_process" | "remote"
  bool connected = false;
  std::string address;  // "" in process; "unix:/path" or "vsock://CID:PORT"
};

class Client {
 public:
  virtual ~Client() = default;

  virtual Result<EnclaveInfo> Hello() = 0;

  virtual Result<keys::KeyInfo> Generate(keys::KeyType type, std::string_view label) = 0;
  // A raw 32-byte secret; idempotent like KeyVault::Import.
  virtual Result<keys::KeyInfo> Import(keys::KeyType type, ByteSpan secret,
                                       std::string_view label) = 0;
  virtual Result<keys::KeyInfo> ImportEip2335(std::string_view keystore_json,
                                              std::string_view password,
                                              std::string_view label) = 0;

  virtual Result<keys::KeyInfo> Get(std::string_view handle) = 0;
  virtual Result<keys::KeyInfo> FindByPublicKey(ByteSpan public_key) = 0;
  // Oldest first.
  virtual Result<std::vector<keys::KeyInfo>> List() = 0;

  virtual Result<Bytes> SignBls(std::string_view handle, ByteSpan message, keys::BlsDst dst) = 0;
  virtual Result<Bytes> ProveBlsPossession(std::string_view handle) = 0;
  virtual Result<crypto::EcdsaSignature> SignEcdsaDigest(std::string_view handle,
                                                         ByteSpan digest) = 0;
  virtual Result<crypto::Certificate> CreateSelfSignedCertificate(
      std::string_view handle, const crypto::CertificateOptions& options) = 0;
  virtual Result<crypto::Certificate> IssueCertificate(
      std::string_view handle, std::string_view csr_pem,
      const crypto::CertificateOptions& options) = 0;

  // An ECDSA key and its certificate, stored together or not at all (KeyVault::RegisterTls;
  // an empty `secret` generates the key, an empty `csr_pem` issues no CSR certificate).
  virtual Result<keys::TlsRegistration> RegisterTls(keys::KeyType type, ByteSpan secret,
                                                    std::string_view label,
                                                    std::string_view csr_pem,
                                                    const crypto::CertificateOptions& options) = 0;

  // A BLS key as an EIP-2335 keystore under `password` (PBKDF2-SHA256, `pbkdf2_iterations` in
  // [kMinExportIterations, kMaxExportIterations]), for handing it to another signer
  // (Web3Signer's keymanager import): the stored key `handle`, or, with an empty handle, a fresh
  // key that is NOT stored here (store it afterwards with ImportEip2335 of the same keystore,
  // once the other signer has it, so a failed hand-over leaves no key anywhere). The keystore is
  // the only form in which a secret leaves the key side.
  // Codes: "invalid_argument" (iterations, empty password), key_not_found, wrong_key_type.
  virtual Result<KeystoreExport> ExportEip2335(std::string_view handle, std::string_view password,
                                               uint32_t pbkdf2_iterations) = 0;

  // Code "invalid_report_data" unless report_data is 64 bytes; the provider's codes otherwise.
  virtual Result<Quote> GetQuote(ByteSpan report_data) = 0;

  // Mode, address and whether the key side answers right now (RemoteClient probes it).
  virtual Connection Probe() = 0;
};

}  // namespace cryfttee::tee
