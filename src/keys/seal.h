// The sealing root: the secret under which every key file is encrypted at rest.
//
// Sources, first match wins:
//   1. a password file (--seal-password-file); it must be private to its owner (mode 0600);
//   2. the environment variable CRYFTTEE_SEAL_PASSWORD;
//   3. a machine secret: 32 random bytes generated once into <keys dir>/machine-secret (0600).
//      This only protects against readers of single key files, not against anyone who can read
//      the whole data directory, so opening with it logs a loud warning.
// A password is stretched with scrypt (parameters and salt in <keys dir>/seal.json) into the
// 32-byte root; the machine secret is the root as is. seal.json also holds a check value
// derived from the root, so a wrong secret fails at open with "seal_secret_mismatch" instead of
// as a decryption error on every key.
//
// Each key file is AES-256-GCM under HKDF-SHA256(root, per-file salt, "cryfttee-keyvault-v1").
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/kdf.h"

namespace cryfttee::keys {

inline constexpr std::string_view kSealPasswordEnv = "CRYFTTEE_SEAL_PASSWORD";
inline constexpr std::string_view kSealInfo = "cryfttee-keyvault-v1";

enum class SealSource { kPasswordFile, kEnvironment, kMachineSecret };
std::string_view SealSourceName(
    SealSource source);  // "password_file", "environment", "machine_secret"

struct SealOptions {
  std::string password_file;    // empty: not given
  bool use_environment = true;  // read CRYFTTEE_SEAL_PASSWORD
  // Used only when a password vault is first created; later opens read seal.json.
  crypto::ScryptParams password_kdf{1u << 15, 8, 1};
};

class SealRoot {
 public:
  // Resolves the secret and checks (or, for a new vault, writes) <keys_dir>/seal.json.
  // may_initialize: no key files exist yet, so a missing seal.json may be created.
  // Codes: "seal_secret_mismatch", "seal_params_missing", "seal_params_invalid",
  // "insecure_permissions", "io_error".
  static Result<SealRoot> Open(const std::string& keys_dir, const SealOptions& options,
                               bool may_initialize);

  SealSource source() const { return source_; }

  // AES-256-GCM with a key derived for this file's salt.
  Result<Bytes> Seal(ByteSpan salt, ByteSpan nonce, ByteSpan aad, ByteSpan plaintext) const;
  // Code "key_file_corrupt" when authentication fails.
  Result<SecretBytes> Unseal(ByteSpan salt, ByteSpan nonce, ByteSpan aad, ByteSpan sealed) const;

 private:
  SealRoot(SecretBytes root, SealSource source) : root_(std::move(root)), source_(source) {}
  Result<SecretBytes> FileKey(ByteSpan salt) const;

  SecretBytes root_;
  SealSource source_;
};

}  // namespace cryfttee::keys
