#include "keys/seal.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "crypto/aes.h"
#include "crypto/random.h"

namespace cryfttee::keys {
namespace {

using nlohmann::json;

constexpr char kSealFile[] = "seal.json";
constexpr char kMachineSecretFile[] = "machine-secret";
constexpr char kCheckInfo[] = "cryfttee-keyvault-v1 seal check";
// A seal.json from disk may not make us allocate more than this.
constexpr uint64_t kMaxSealScryptMemory = 256ull << 20;

struct Secret {
  SecretBytes bytes;
  SealSource source;
};

Result<Secret> ReadPassword(const SealOptions& options) {
  if (!options.password_file.empty()) {
    ReadFileOptions read;
    read.require_private = true;
    read.max_size = 64 * 1024;
    auto data = ReadSecretFile(options.password_file, read);
    if (!data.ok()) return data.status().WithContext("seal password file");
    SecretBytes pw = std::move(data).value();
    size_t len = pw.size();
    // Editors add a final newline; it is not part of the password.
    if (len > 0 && pw.data()[len - 1] == '\n') --len;
    if (len > 0 && pw.data()[len - 1] == '\r') --len;
    if (len == 0) {
      return Status::InvalidArgument("seal_password_empty",
                                     "seal password file " + options.password_file + " is empty");
    }
    pw.resize(len);
    return Secret{std::move(pw), SealSource::kPasswordFile};
  }
  if (options.use_environment) {
    const char* env = std::getenv(std::string(kSealPasswordEnv).c_str());
    if (env != nullptr && *env != '\0') {
      return Secret{SecretBytes(AsBytes(env)), SealSource::kEnvironment};
    }
  }
  return Secret{SecretBytes(), SealSource::kMachineSecret};
}

Result<SecretBytes> MachineSecret(const std::string& keys_dir, bool may_create) {
  std::string path = keys_dir + "/" + kMachineSecretFile;
  ReadFileOptions read;
  read.require_private = true;
  read.max_size = 1024;
  auto existing = ReadSecretFile(path, read);
  if (existing.ok()) {
    if (existing->size() != 32) {
      return Status::Error(StatusCategory::kFailedPrecondition, "seal_params_invalid",
                           path + " must hold exactly 32 bytes");
    }
    return std::move(existing).value();
  }
  if (existing.status().code() != "not_found") return existing.status();
  if (!may_create) {
    return Status::Error(
        StatusCategory::kFailedPrecondition, "seal_secret_mismatch",
        "the vault has keys but " + path + " is missing and no seal password was given");
  }
  SecretBytes secret(32);
  CRYFTTEE_RETURN_IF_ERROR(crypto::RandomBytes(std::span<uint8_t>(secret.data(), 32)));
  AtomicWriteOptions write;
  write.mode = 0600;
  write.no_replace = true;
  CRYFTTEE_RETURN_IF_ERROR(WriteFileAtomically(path, secret.span(), write));
  return secret;
}

Result<SecretBytes> CheckValue(const SecretBytes& root, ByteSpan salt) {
  return crypto::HkdfSha256(root.span(), salt, AsBytes(kCheckInfo), 32);
}

Status Mismatch(const std::string& why) {
  return Status::Error(StatusCategory::kFailedPrecondition, "seal_secret_mismatch", why);
}

}  // namespace

std::string_view SealSourceName(SealSource source) {
  switch (source) {
    case SealSource::kPasswordFile:
      return "password_file";
    case SealSource::kEnvironment:
      return "environment";
    case SealSource::kMachineSecret:
      return "machine_secret";
  }
  return "unknown";
}

Result<SealRoot> SealRoot::Open(const std::string& keys_dir, const SealOptions& options,
                                bool may_initialize) {
  CRYFTTEE_ASSIGN_OR_RETURN(Secret secret, ReadPassword(options));
  bool password = secret.source != SealSource::kMachineSecret;
  std::string seal_path = keys_dir + "/" + kSealFile;
  ReadFileOptions read;
  read.require_private = true;
  read.max_size = 64 * 1024;
  auto seal_file = ReadFileChecked(seal_path, read);
  if (!seal_file.ok() && seal_file.status().code() != "not_found") return seal_file.status();

  if (!seal_file.ok()) {
    if (!may_initialize) {
      return Status::Error(StatusCategory::kFailedPrecondition, "seal_params_missing",
                           seal_path + " is missing but key files exist; restore it from backup");
    }
    // A new vault: derive the root and record how, together with the check value.
    CRYFTTEE_ASSIGN_OR_RETURN(Bytes salt, crypto::RandomBytes(32));
    SecretBytes root;
    json doc = {{"version", 1}, {"salt", HexEncode(salt)}};
    if (password) {
      CRYFTTEE_ASSIGN_OR_RETURN(root,
                                crypto::Scrypt(secret.bytes.span(), salt, options.password_kdf, 32,
                                               kMaxSealScryptMemory));
      doc["kdf"] = "scrypt";
      doc["n"] = options.password_kdf.n;
      doc["r"] = options.password_kdf.r;
      doc["p"] = options.password_kdf.p;
    } else {
      CRYFTTEE_ASSIGN_OR_RETURN(root, MachineSecret(keys_dir, /*may_create=*/true));
      doc["kdf"] = "none";
    }
    CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes check, CheckValue(root, salt));
    doc["check"] = HexEncode(check.span());
    std::string text = doc.dump(2) + "\n";
    CRYFTTEE_RETURN_IF_ERROR(WriteFileAtomically(seal_path, AsBytes(text)));
    if (!password) {
      spdlog::warn(
          "KEY VAULT IS SEALED WITH A MACHINE SECRET ({}/{}): anyone who can read the data "
          "directory can unseal every key. Set --seal-password-file or {} for real protection.",
          keys_dir, kMachineSecretFile, kSealPasswordEnv);
    }
    return SealRoot(std::move(root), secret.source);
  }

  json doc = json::parse(seal_file->begin(), seal_file->end(), nullptr, false);
  auto invalid = [&](const std::string& why) {
    return Status::Error(StatusCategory::kFailedPrecondition, "seal_params_invalid",
                         seal_path + ": " + why);
  };
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("kdf") || !doc["kdf"].is_string() ||
      !doc.contains("salt") || !doc["salt"].is_string() || !doc.contains("check") ||
      !doc["check"].is_string()) {
    return invalid("not a valid seal parameter file");
  }
  auto salt = HexDecode(doc["salt"].get<std::string>());
  auto check = HexDecode(doc["check"].get<std::string>());
  if (!salt.ok() || !check.ok() || check->size() != 32) return invalid("bad salt or check");
  std::string kdf = doc["kdf"].get<std::string>();
  SecretBytes root;
  if (kdf == "scrypt") {
    if (!password) {
      return Mismatch(
          "the vault is sealed with a password, but none was given (use "
          "--seal-password-file or " +
          std::string(kSealPasswordEnv) + ")");
    }
    crypto::ScryptParams params;
    if (!doc["n"].is_number_unsigned() || !doc["r"].is_number_unsigned() ||
        !doc["p"].is_number_unsigned()) {
      return invalid("bad scrypt parameters");
    }
    params.n = doc["n"].get<uint64_t>();
    params.r = doc["r"].get<uint32_t>();
    params.p = doc["p"].get<uint32_t>();
    auto derived = crypto::Scrypt(secret.bytes.span(), *salt, params, 32, kMaxSealScryptMemory);
    if (!derived.ok()) return invalid(derived.status().message());
    root = std::move(derived).value();
  } else if (kdf == "none") {
    if (password) {
      return Mismatch(
          "the vault is sealed with its machine secret, but a seal password was "
          "given; remove the password option or re-create the vault");
    }
    CRYFTTEE_ASSIGN_OR_RETURN(root, MachineSecret(keys_dir, /*may_create=*/false));
    spdlog::warn(
        "KEY VAULT IS SEALED WITH A MACHINE SECRET ({}/{}): anyone who can read the data "
        "directory can unseal every key. Set --seal-password-file or {} for real protection.",
        keys_dir, kMachineSecretFile, kSealPasswordEnv);
  } else {
    return invalid("unknown kdf \"" + kdf + "\"");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes expected, CheckValue(root, *salt));
  if (CRYPTO_memcmp(expected.data(), check->data(), 32) != 0) {
    return Mismatch(password ? "wrong seal password: it does not match the one this vault was "
                               "sealed with"
                             : "the machine secret does not match this vault's seal check");
  }
  return SealRoot(std::move(root), secret.source);
}

Result<SecretBytes> SealRoot::FileKey(ByteSpan salt) const {
  return crypto::HkdfSha256(root_.span(), salt, AsBytes(kSealInfo), crypto::kAesGcmKeySize);
}

Result<Bytes> SealRoot::Seal(ByteSpan salt, ByteSpan nonce, ByteSpan aad,
                             ByteSpan plaintext) const {
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes key, FileKey(salt));
  return crypto::Aes256GcmSeal(key.span(), nonce, aad, plaintext);
}

Result<SecretBytes> SealRoot::Unseal(ByteSpan salt, ByteSpan nonce, ByteSpan aad,
                                     ByteSpan sealed) const {
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes key, FileKey(salt));
  auto opened = crypto::Aes256GcmOpen(key.span(), nonce, aad, sealed);
  if (!opened.ok()) {
    return Status::Error(StatusCategory::kInternal, "key_file_corrupt",
                         "sealed key failed authentication (tampered or damaged file)");
  }
  return std::move(opened).value();
}

}  // namespace cryfttee::keys
