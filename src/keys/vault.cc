#include "keys/vault.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "core/atomic_file.h"
#include "core/file_util.h"
#include "crypto/bls12_381/bls.h"
#include "crypto/random.h"
#include "keys/key_file.h"
#include "keys/key_material.h"

namespace cryfttee::keys {

struct KeyVault::Entry {
  KeyFile file;
  std::atomic<uint64_t> sign_count{0};
  std::atomic<int64_t> last_sign_ms{0};  // 0: never
  // Whether the unsealed secret derives the file's public key: checked at the first use of a
  // key loaded from disk (deriving a public key is most of what opening a key would cost),
  // at creation for a key this process stored. kUnchecked races are benign: every thread that
  // checks computes the same verdict.
  enum : int { kUnchecked = 0, kConsistent = 1, kInconsistent = -1 };
  mutable std::atomic<int> consistency{kUnchecked};
};

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxLabelSize = 256;
constexpr char kLockFile[] = ".lock";

Status Errno(const std::string& what) {
  return Status::Internal("io_error", what + ": " + std::strerror(errno));
}

Status KeyNotFound(std::string_view handle) {
  return Status::NotFound("key_not_found", "no key with handle \"" + std::string(handle) + "\"");
}

Status PrepareKeysDir(const std::string& data_dir, const std::string& keys_dir) {
  CRYFTTEE_RETURN_IF_ERROR(CreatePrivateDirectories(data_dir));
  if (::mkdir(keys_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("creating " + keys_dir);
  }
  struct stat st {};
  if (::lstat(keys_dir.c_str(), &st) != 0) return Errno("stat " + keys_dir);
  if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("io_error", keys_dir + " is not a directory");
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) {
    return Status::Error(
        StatusCategory::kPermissionDenied, "insecure_permissions",
        keys_dir + " must be owned by this user and private to it (chmod 700 " + keys_dir + ")");
  }
  return Status::Ok();
}

Result<int> LockKeysDir(const std::string& keys_dir) {
  std::string path = keys_dir + "/" + kLockFile;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Errno("opening " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Unavailable("vault_locked",
                                 "another process has the key vault at " + keys_dir + " open");
    }
    errno = err;
    return Errno("locking " + path);
  }
  return fd;
}

bool HasKeyFiles(const std::string& keys_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(keys_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!IsAtomicTempFileName(name) && name.ends_with(kKeyFileSuffix)) return true;
  }
  return false;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CheckLabel(std::string_view label) {
  if (label.size() > kMaxLabelSize) {
    return Status::InvalidArgument("invalid_label", "label longer than 256 bytes");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<KeyVault>> KeyVault::Open(const VaultOptions& options) {
  if (options.data_dir.empty()) {
    return Status::InvalidArgument("invalid_data_dir", "the key vault needs a data directory");
  }
  std::string keys_dir = options.data_dir + "/keys";
  CRYFTTEE_RETURN_IF_ERROR(PrepareKeysDir(options.data_dir, keys_dir));
  CRYFTTEE_ASSIGN_OR_RETURN(int lock_fd, LockKeysDir(keys_dir));
  auto seal = SealRoot::Open(keys_dir, options.seal, !HasKeyFiles(keys_dir));
  if (!seal.ok()) {
    ::close(lock_fd);
    return seal.status();
  }
  std::unique_ptr<KeyVault> vault(new KeyVault(keys_dir, lock_fd, std::move(seal).value()));
  CRYFTTEE_RETURN_IF_ERROR(vault->LoadAll());
  spdlog::info("key vault at {}: {} keys loaded, {} problems, sealed by {}", keys_dir,
               vault->List().size(), vault->problems_.size(), SealSourceName(vault->seal_source()));
  return vault;
}

KeyVault::KeyVault(std::string keys_dir, int lock_fd, SealRoot seal)
    : keys_dir_(std::move(keys_dir)), lock_fd_(lock_fd), seal_(std::move(seal)) {}

KeyVault::~KeyVault() { ::close(lock_fd_); }

SealSource KeyVault::seal_source() const { return seal_.source(); }

Result<std::shared_ptr<KeyVault::Entry>> KeyVault::LoadFile(const std::string& name) const {
  ReadFileOptions read;
  read.require_private = true;
  read.max_size = 64 * 1024;
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes text, ReadFileChecked(keys_dir_ + "/" + name, read));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyFile file, DecodeKeyFile(text));
  std::string stem = name.substr(0, name.size() - kKeyFileSuffix.size());
  if (file.handle != stem || file.handle != HandleFor(file.type, file.public_key)) {
    return Status::Internal("key_file_invalid",
                            "handle does not match the file name or public key");
  }
  auto entry = std::make_shared<Entry>();
  entry->file = std::move(file);
  // Authenticate now so tampering shows at start: the AEAD tag covers the secret and every
  // metadata field (handle, type, public key, label, creation time), and costs microseconds.
  // Whether the secret derives the public key (a scalar multiplication, ~100 us for BLS) is
  // checked at the key's first use (UnsealEntry): a file that authenticates was written by
  // a holder of the seal root, so that check guards against a faulty writer, not an outsider.
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, UnsealEntry(*entry, /*check_consistency=*/false));
  secret.Wipe();
  return entry;
}

Status KeyVault::LoadAll() {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(keys_dir_, ec)) {
    names.push_back(entry.path().filename().string());
  }
  if (ec) return Status::Internal("io_error", "listing " + keys_dir_ + ": " + ec.message());
  std::sort(names.begin(), names.end());

  std::vector<std::string> key_files;
  for (const std::string& name : names) {
    if (IsAtomicTempFileName(name)) {
      // We hold the directory lock, so no writer can own it: a crash left it. It was never
      // renamed into place, so no key is lost by removing it.
      ::unlink((keys_dir_ + "/" + name).c_str());
      problems_.push_back({name, "leftover_temp_file", "removed an unfinished write"});
      spdlog::warn("key vault: removed leftover temporary file {}", name);
      continue;
    }
    if (name.ends_with(kKeyFileSuffix)) key_files.push_back(name);
  }

  // Files are independent: a large vault is read and authenticated on every core (each slot of
  // `loaded` is written by one thread), then merged in name order, so problems are reported in
  // the same order whatever the thread count.
  std::vector<std::optional<Result<std::shared_ptr<Entry>>>> loaded(key_files.size());
  constexpr size_t kFilesPerThread = 256;
  size_t threads = std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 8,
                                     (key_files.size() + kFilesPerThread - 1) / kFilesPerThread});
  auto work = [&](size_t first) {
    for (size_t i = first; i < key_files.size(); i += std::max<size_t>(threads, 1)) {
      loaded[i].emplace(LoadFile(key_files[i]));
    }
  };
  if (threads <= 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (std::thread& t : pool) t.join();
  }

  WriterLock lock(&mu_);
  for (size_t i = 0; i < key_files.size(); ++i) {
    Result<std::shared_ptr<Entry>>& entry = *loaded[i];
    if (!entry.ok()) {
      problems_.push_back({key_files[i], entry.status().code(), entry.status().message()});
      spdlog::error("key vault: {}: {}", key_files[i], entry.status().ToString());
      continue;
    }
    std::string handle = (*entry)->file.handle;
    entries_.emplace(std::move(handle), std::move(*entry));
  }
  return Status::Ok();
}

Result<SecretBytes> KeyVault::UnsealEntry(const Entry& entry, bool check_consistency) const {
  auto inconsistent = [&] {
    return Status::Internal("key_file_corrupt", "key file " + entry.file.handle +
                                                    ": the sealed secret does not match its "
                                                    "public key (the key is unusable)");
  };
  if (entry.consistency.load(std::memory_order_acquire) == Entry::kInconsistent) {
    return inconsistent();
  }
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret,
                            seal_.Unseal(entry.file.salt, entry.file.nonce, KeyFileAad(entry.file),
                                         entry.file.ciphertext));
  if (check_consistency && entry.consistency.load(std::memory_order_acquire) == Entry::kUnchecked) {
    auto public_key = PublicKeyOf(entry.file.type, secret.span());
    bool ok = public_key.ok() && *public_key == entry.file.public_key;
    entry.consistency.store(ok ? Entry::kConsistent : Entry::kInconsistent,
                            std::memory_order_release);
    if (!ok) {
      secret.Wipe();
      spdlog::error("key vault: {}", inconsistent().message());
      return inconsistent();
    }
  }
  return secret;
}

KeyInfo KeyVault::Snapshot(const Entry& entry) {
  KeyInfo info;
  info.handle = entry.file.handle;
  info.type = entry.file.type;
  info.public_key = entry.file.public_key;
  info.label = entry.file.label;
  info.created_at = entry.file.created_at;
  info.certificate = entry.file.certificate;
  info.sign_count = entry.sign_count.load(std::memory_order_relaxed);
  int64_t last = entry.last_sign_ms.load(std::memory_order_relaxed);
  if (last != 0) info.last_sign_at = last;
  return info;
}

void KeyVault::RecordSign(Entry& entry) {
  entry.sign_count.fetch_add(1, std::memory_order_relaxed);
  entry.last_sign_ms.store(NowMillis(), std::memory_order_relaxed);
}

Result<std::shared_ptr<KeyVault::Entry>> KeyVault::Find(std::string_view handle) const {
  ReaderLock lock(&mu_);
  auto it = entries_.find(handle);
  if (it == entries_.end()) return KeyNotFound(handle);
  return it->second;
}

Result<std::shared_ptr<KeyVault::Entry>> KeyVault::FindOfType(std::string_view handle,
                                                              bool want_bls) const {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Find(handle));
  if ((entry->file.type == KeyType::kBls) != want_bls) {
    return Status::InvalidArgument("wrong_key_type",
                                   "key \"" + std::string(handle) + "\" is a " +
                                       std::string(KeyTypeName(entry->file.type)) + " key, not " +
                                       (want_bls ? "a BLS key" : "an ECDSA key"));
  }
  return entry;
}

Result<KeyInfo> KeyVault::Store(KeyType type, SecretBytes secret, std::string_view label,
                                Bytes certificate) {
  CRYFTTEE_RETURN_IF_ERROR(CheckLabel(label));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes public_key, PublicKeyOf(type, secret.span()));
  std::string handle = HandleFor(type, public_key);

  MutexLock write_lock(&write_mu_);
  if (auto existing = Find(handle); existing.ok()) {
    if ((*existing)->file.public_key != public_key) {
      return Status::Error(StatusCategory::kAlreadyExists, "handle_collision",
                           "a different key already has handle " + handle);
    }
    return Snapshot(**existing);
  }
  auto entry = std::make_shared<Entry>();
  entry->consistency = Entry::kConsistent;  // public_key was derived from this secret above
  KeyFile& file = entry->file;
  file.handle = handle;
  file.type = type;
  file.public_key = std::move(public_key);
  file.label = std::string(label);
  file.created_at = NowMillis() / 1000;
  file.certificate = std::move(certificate);
  CRYFTTEE_ASSIGN_OR_RETURN(file.salt, crypto::RandomBytes(32));
  CRYFTTEE_ASSIGN_OR_RETURN(file.nonce, crypto::RandomBytes(12));
  CRYFTTEE_ASSIGN_OR_RETURN(file.ciphertext,
                            seal_.Seal(file.salt, file.nonce, KeyFileAad(file), secret.span()));
  secret.Wipe();

  AtomicWriteOptions write;
  write.mode = 0600;
  write.no_replace = true;  // never overwrite a key file, not even a damaged one
  std::string path = keys_dir_ + "/" + handle + std::string(kKeyFileSuffix);
  Status written = WriteFileAtomically(path, AsBytes(EncodeKeyFile(file)), write);
  if (!written.ok()) {
    if (written.code() == "already_exists") {
      return Status::Error(StatusCategory::kAlreadyExists, "key_file_exists",
                           path +
                               " exists but could not be loaded; see the vault's load "
                               "problems and move the file away to re-import the key");
    }
    return written;
  }
  KeyInfo info = Snapshot(*entry);
  WriterLock lock(&mu_);
  entries_.emplace(handle, std::move(entry));
  return info;
}

Result<KeyInfo> KeyVault::Generate(KeyType type, std::string_view label) {
  CRYFTTEE_RETURN_IF_ERROR(CheckLabel(label));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, GenerateSecret(type));
  return Store(type, std::move(secret), label);
}

Result<KeyInfo> KeyVault::Import(KeyType type, ByteSpan secret, std::string_view label) {
  if (secret.size() != 32) {
    return Status::InvalidArgument("invalid_secret_key", "a secret key is exactly 32 bytes, got " +
                                                             std::to_string(secret.size()));
  }
  return Store(type, SecretBytes(secret), label);
}

Result<KeyInfo> KeyVault::ImportEip2335(std::string_view keystore_json, std::string_view password,
                                        std::string_view label) {
  CRYFTTEE_ASSIGN_OR_RETURN(crypto::Eip2335Keystore keystore,
                            crypto::Eip2335Decrypt(keystore_json, password));
  if (keystore.secret.size() != bls::kSecretKeySize) {
    return Status::InvalidArgument("invalid_secret_key", "keystore secret is not 32 bytes");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes public_key, PublicKeyOf(KeyType::kBls, keystore.secret.span()));
  if (!keystore.declared_pubkey.empty() && keystore.declared_pubkey != public_key) {
    return Status::InvalidArgument("keystore_pubkey_mismatch",
                                   "the keystore's pubkey does not belong to its secret");
  }
  return Store(KeyType::kBls, std::move(keystore.secret), label);
}

Result<TlsRegistration> KeyVault::RegisterTls(KeyType type, ByteSpan secret, std::string_view label,
                                              std::string_view csr_pem,
                                              const crypto::CertificateOptions& options) {
  if (!IsEcdsa(type)) {
    return Status::InvalidArgument("invalid_key_type", "a TLS identity is an ECDSA key");
  }
  CRYFTTEE_RETURN_IF_ERROR(CheckLabel(label));
  SecretBytes key_secret;
  if (secret.empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(key_secret, GenerateSecret(type));
  } else if (secret.size() != 32) {
    return Status::InvalidArgument("invalid_secret_key", "a secret key is exactly 32 bytes, got " +
                                                             std::to_string(secret.size()));
  } else {
    key_secret = SecretBytes(secret);
  }
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes public_key, PublicKeyOf(type, key_secret.span()));
  const crypto::EcCurve curve = CurveOf(type);
  // Everything that can be refused is built before anything is written.
  std::optional<crypto::Certificate> issued;
  if (!csr_pem.empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(
        issued, crypto::IssueCertificateFromCsr(curve, key_secret.span(), csr_pem, options));
  }
  std::optional<crypto::Certificate> own;
  Bytes stored_certificate;
  if (auto existing = Find(HandleFor(type, public_key));
      existing.ok() && !(*existing)->file.certificate.empty()) {
    stored_certificate = (*existing)->file.certificate;
  } else {
    CRYFTTEE_ASSIGN_OR_RETURN(
        own, crypto::CreateSelfSignedCertificate(curve, key_secret.span(), options));
    stored_certificate = own->der;
  }
  CRYFTTEE_ASSIGN_OR_RETURN(KeyInfo key,
                            Store(type, std::move(key_secret), label, stored_certificate));
  TlsRegistration out;
  if (issued) {
    out.certificate = std::move(*issued);
  } else if (!key.certificate.empty()) {
    // The stored one, also when a concurrent registration of the same key stored it first.
    out.certificate = {key.certificate, crypto::CertificatePemFromDer(key.certificate)};
  } else {
    out.certificate = std::move(*own);  // an existing key stored without a certificate
  }
  out.key = std::move(key);
  return out;
}

Result<KeyInfo> KeyVault::Get(std::string_view handle) const {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, Find(handle));
  return Snapshot(*entry);
}

Result<KeyInfo> KeyVault::FindByPublicKey(ByteSpan public_key) const {
  ReaderLock lock(&mu_);
  for (const auto& [handle, entry] : entries_) {
    const Bytes& stored = entry->file.public_key;
    if (std::equal(stored.begin(), stored.end(), public_key.begin(), public_key.end())) {
      return Snapshot(*entry);
    }
    if (IsEcdsa(entry->file.type) && public_key.size() == 65) {
      auto normalized = crypto::EcNormalizePublicKey(CurveOf(entry->file.type), public_key);
      if (normalized.ok() && *normalized == stored) return Snapshot(*entry);
    }
  }
  return Status::NotFound("key_not_found", "no key with public key " + HexEncode(public_key));
}

std::vector<KeyInfo> KeyVault::List() const {
  std::vector<KeyInfo> out;
  {
    ReaderLock lock(&mu_);
    for (const auto& [handle, entry] : entries_) out.push_back(Snapshot(*entry));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const KeyInfo& a, const KeyInfo& b) { return a.created_at < b.created_at; });
  return out;
}

Result<Bytes> KeyVault::SignBls(std::string_view handle, ByteSpan message, BlsDst dst) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, FindOfType(handle, true));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, UnsealEntry(*entry));
  CRYFTTEE_ASSIGN_OR_RETURN(bls::SecretKey sk, bls::SecretKey::FromBytes(secret.span()));
  secret.Wipe();
  auto sig = sk.Sign(message, dst == BlsDst::kSignature ? bls::kDstSig : bls::kDstPop).ToBytes();
  RecordSign(*entry);
  return Bytes(sig.begin(), sig.end());
}

Result<Bytes> KeyVault::ProveBlsPossession(std::string_view handle) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, FindOfType(handle, true));
  return SignBls(handle, entry->file.public_key, BlsDst::kProofOfPossession);
}

Result<crypto::EcdsaSignature> KeyVault::SignEcdsaDigest(std::string_view handle, ByteSpan digest) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, FindOfType(handle, false));
  if (digest.size() != crypto::kEcdsaDigestSize) {
    return Status::InvalidArgument("invalid_digest", "the digest must be exactly 32 bytes, got " +
                                                         std::to_string(digest.size()));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, UnsealEntry(*entry));
  auto sig = crypto::EcdsaSignDigest(CurveOf(entry->file.type), secret.span(), digest);
  if (sig.ok()) RecordSign(*entry);
  return sig;
}

Result<std::string> KeyVault::ExportEip2335(std::string_view handle, std::string_view password,
                                            const crypto::Eip2335EncryptOptions& options) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, FindOfType(handle, true));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, UnsealEntry(*entry));
  return crypto::Eip2335Encrypt(secret.span(), entry->file.public_key, password, options);
}

Result<crypto::Certificate> KeyVault::CreateSelfSignedCertificate(
    std::string_view handle, const crypto::CertificateOptions& options) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, FindOfType(handle, false));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, UnsealEntry(*entry));
  return crypto::CreateSelfSignedCertificate(CurveOf(entry->file.type), secret.span(), options);
}

Result<crypto::Certificate> KeyVault::IssueCertificate(std::string_view handle,
                                                       std::string_view csr_pem,
                                                       const crypto::CertificateOptions& options) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::shared_ptr<Entry> entry, FindOfType(handle, false));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes secret, UnsealEntry(*entry));
  return crypto::IssueCertificateFromCsr(CurveOf(entry->file.type), secret.span(), csr_pem,
                                         options);
}

}  // namespace cryfttee::keys
