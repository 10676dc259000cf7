// KeyVault: the embedded key store. It generates and imports BLS and ECDSA keys, keeps each one
// sealed in its own file under <data dir>/keys/ (see seal.h and key_file.h), and signs with
// them. Private keys never leave this class except through the explicit EIP-2335 export; every
// operation unseals the key into wiped memory, uses it, and wipes it again.
//
// Durability: a key file is written atomically (core/atomic_file.h) and never replaced, so a
// crash leaves every key either complete or absent. Open() takes an exclusive lock on the keys
// directory (one process per vault), skips and removes temporary files a crash left behind,
// and reports every file it could not load instead of failing as a whole.
//
// Open cost: each key file is read and authenticated (AEAD over the secret and all metadata,
// microseconds); whether a secret derives its public key is checked at the key's first use,
// which then fails with "key_file_corrupt" if not. So a tampered file is still reported by
// Open(), and a vault of 10,000 keys opens in well under a second (bench/keys).
//
// Thread-safe: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/mutex.h"
#include "core/status.h"
#include "crypto/ecdsa.h"
#include "crypto/eip2335.h"
#include "crypto/x509.h"
#include "keys/key_type.h"
#include "keys/seal.h"

namespace cryfttee::keys {

// A threshold group key's sharing (t of n, share version = session boundary in Unix seconds).
// The vault never sets it: the KMS operator mode lists its group key beside the vault's keys
// (kms/group_key_client.h), and the key list shows it as "threshold".
struct KeyThreshold {
  uint32_t t = 0;
  uint32_t n = 0;
  uint64_t version = 0;
};

struct KeyInfo {
  std::string handle;
  KeyType type = KeyType::kBls;
  Bytes public_key;  // BLS: 48-byte compressed G1; ECDSA: 33-byte compressed SEC1
  std::string label;
  int64_t created_at = 0;  // unix seconds
  // Since this process opened the vault (not persisted).
  uint64_t sign_count = 0;
  std::optional<int64_t> last_sign_at;    // unix milliseconds
  std::optional<KeyThreshold> threshold;  // set only for a KMS group key (never by the vault)
  // DER of the key's own self-signed certificate, kept with the key when it was registered as a
  // TLS identity (RegisterTls); empty for BLS keys and for ECDSA keys created otherwise.
  Bytes certificate;
};

// What RegisterTls answers: the stored key (with its own certificate) and the certificate the
// caller asked for: the key's own one, or the one issued from the caller's CSR.
struct TlsRegistration {
  KeyInfo key;
  crypto::Certificate certificate;
};

struct VaultLoadProblem {
  std::string file;  // name inside the keys directory
  std::string code;  // "leftover_temp_file" (removed), "key_file_invalid", "key_file_corrupt", ...
  std::string message;
};

enum class BlsDst { kSignature, kProofOfPossession };

struct VaultOptions {
  std::string data_dir;  // keys live in <data_dir>/keys
  SealOptions seal;
};

class KeyVault {
 public:
  // Codes: "vault_locked" (another process has it open), "insecure_permissions", "io_error",
  // plus the seal codes of SealRoot::Open.
  static Result<std::unique_ptr<KeyVault>> Open(const VaultOptions& options);
  ~KeyVault();
  KeyVault(const KeyVault&) = delete;
  KeyVault& operator=(const KeyVault&) = delete;

  SealSource seal_source() const;
  const std::string& keys_dir() const { return keys_dir_; }
  const std::vector<VaultLoadProblem>& load_problems() const { return problems_; }

  Result<KeyInfo> Generate(KeyType type, std::string_view label);
  // Raw 32-byte secret. Importing a key the vault already holds returns the existing entry
  // unchanged (same handle), so imports are idempotent.
  Result<KeyInfo> Import(KeyType type, ByteSpan secret, std::string_view label);
  // A BLS key from an EIP-2335 keystore. If the keystore declares a pubkey it must match the
  // secret (code "keystore_pubkey_mismatch").
  Result<KeyInfo> ImportEip2335(std::string_view keystore_json, std::string_view password,
                                std::string_view label);

  // A TLS identity in one step: an ECDSA key (generated when `secret` is empty, else the given
  // 32-byte secret) and its self-signed certificate (and, with `csr_pem`, the certificate issued
  // from the CSR) are all built in memory first; the key file, certificate included, is written
  // only once they succeeded, so a refused CSR or certificate option leaves no key behind.
  // Importing a key the vault already holds keeps its stored certificate (a key stored without
  // one gets a fresh certificate in the answer that is not stored: key files are never
  // rewritten). Codes: "invalid_key_type" (BLS), "invalid_secret_key", "invalid_csr",
  // "invalid_common_name", "invalid_validity", "invalid_label", plus Generate's and Import's.
  Result<TlsRegistration> RegisterTls(KeyType type, ByteSpan secret, std::string_view label,
                                      std::string_view csr_pem,
                                      const crypto::CertificateOptions& options);

  // Code "key_not_found".
  Result<KeyInfo> Get(std::string_view handle) const;
  // Compressed or (ECDSA) uncompressed encoding. Code "key_not_found".
  Result<KeyInfo> FindByPublicKey(ByteSpan public_key) const;
  // Oldest first.
  std::vector<KeyInfo> List() const;

  // BLS signature (96 bytes compressed) under the SIG or POP ciphersuite.
  Result<Bytes> SignBls(std::string_view handle, ByteSpan message, BlsDst dst = BlsDst::kSignature);
  // Proof of possession: the key's own 48-byte public key signed under the POP ciphersuite.
  Result<Bytes> ProveBlsPossession(std::string_view handle);
  // ECDSA over a 32-byte digest (code "invalid_digest" otherwise), DER and compact, low-S.
  Result<crypto::EcdsaSignature> SignEcdsaDigest(std::string_view handle, ByteSpan digest);

  // EIP-2335 keystore JSON of a BLS key (the one way a secret leaves the vault).
  Result<std::string> ExportEip2335(std::string_view handle, std::string_view password,
                                    const crypto::Eip2335EncryptOptions& options);

  // X.509 for an ECDSA key: self-signed, or issued from a CSR and signed by this key.
  Result<crypto::Certificate> CreateSelfSignedCertificate(
      std::string_view handle, const crypto::CertificateOptions& options);
  Result<crypto::Certificate> IssueCertificate(std::string_view handle, std::string_view csr_pem,
                                               const crypto::CertificateOptions& options);

 private:
  struct Entry;
  KeyVault(std::string keys_dir, int lock_fd, SealRoot seal);

  Status LoadAll() EXCLUDES(mu_);
  // Reads, decodes and authenticates one key file (codes of ReadFileChecked, DecodeKeyFile,
  // "key_file_invalid", "key_file_corrupt"). Touches no shared state: LoadAll runs it in
  // parallel.
  Result<std::shared_ptr<Entry>> LoadFile(const std::string& name) const;
  Result<std::shared_ptr<Entry>> Find(std::string_view handle) const;
  Result<std::shared_ptr<Entry>> FindOfType(std::string_view handle, bool want_bls) const;
  // Unseals a key; with check_consistency, also (once per entry) that the secret derives the
  // file's public key. Code "key_file_corrupt" when either fails.
  Result<SecretBytes> UnsealEntry(const Entry& entry, bool check_consistency = true) const;
  Result<KeyInfo> Store(KeyType type, SecretBytes secret, std::string_view label,
                        Bytes certificate = {});
  static KeyInfo Snapshot(const Entry& entry);
  static void RecordSign(Entry& entry);

  const std::string keys_dir_;
  const int lock_fd_;
  const SealRoot seal_;
  std::vector<VaultLoadProblem> problems_;

  // Lock order: write_mu_ before mu_ (Store holds the first while it briefly takes the second).
  Mutex write_mu_ ACQUIRED_BEFORE(mu_);  // serialises file creation with the duplicate check
  mutable SharedMutex mu_;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_ GUARDED_BY(mu_);
};

}  // namespace cryfttee::keys
