#include "keys/share_store.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/atomic_file.h"
#include "crypto/aes.h"
#include "crypto/kdf.h"

namespace cryfttee::keys {
namespace {

namespace fs = std::filesystem;
using threshold::G1Group;

constexpr char kMagic[8] = {'C', 'T', 'S', 'H', 'A', 'R', 'E', '1'};
constexpr size_t kAadSize = 8 + 8 + 48;
constexpr size_t kHeaderSize = kAadSize + 32 + 32 + 12;
constexpr std::string_view kInfo = "cryfttee threshold share store v1";

void PutU64(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
}
void PutU32(Bytes& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(uint8_t(v >> (8 * i)));
}
uint64_t GetU(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

Status Corrupt(const std::string& path, const std::string& why) {
  return Status::InvalidArgument("corrupt_share_file", path + ": " + why);
}

// key (32) || key check (32).
Result<SecretBytes> DeriveKeys(ByteSpan ikm, ByteSpan salt) {
  return crypto::HkdfSha256(
      ikm, salt, ByteSpan(reinterpret_cast<const uint8_t*>(kInfo.data()), kInfo.size()), 64);
}

// File name -> version, or false for anything else (temp files included).
bool ParseName(const std::string& name, uint64_t& version) {
  if (name.size() != 6 + 20 + 4 || name.rfind("share-", 0) != 0 || name.substr(26) != ".bin")
    return false;
  version = 0;
  for (size_t i = 6; i < 26; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    version = version * 10 + uint64_t(name[i] - '0');
  }
  return true;
}

}  // namespace

std::string ShareStore::PathOf(uint64_t version) const {
  char name[40];
  std::snprintf(name, sizeof name, "share-%020llu.bin", static_cast<unsigned long long>(version));
  return dir_ + "/" + name;
}

Result<ShareStore> ShareStore::Open(std::string dir, ByteSpan identity_key) {
  if (identity_key.size() < 32)
    return Status::InvalidArgument("invalid_argument", "identity key must be at least 32 bytes");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Internal("io_error", "cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  ShareStore s(std::move(dir), SecretBytes(identity_key));
  for (const auto& e : fs::directory_iterator(s.dir_, ec)) {
    uint64_t version = 0;
    if (!ParseName(e.path().filename().string(), version)) continue;
    auto bytes = ReadFileChecked(e.path().string(), {.require_private = true});
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() < kHeaderSize || std::memcmp(bytes->data(), kMagic, 8) != 0)
      return Corrupt(e.path().string(), "bad header");
    if (GetU(bytes->data() + 8, 8) != version)
      return Corrupt(e.path().string(), "version does not match the file name");
    ShareVersionInfo info{version, {}};
    std::memcpy(info.group_key.data(), bytes->data() + 16, 48);
    s.index_[version] = info;
  }
  if (ec) return Status::Internal("io_error", "cannot list " + s.dir_ + ": " + ec.message());
  return s;
}

Status ShareStore::Store(const ShareVersion& v) {
  if (v.threshold == 0 || v.verification.size() != v.threshold || v.share.index == 0)
    return Status::InvalidArgument("invalid_argument", "verification vector must have t entries");
  if (index_.count(v.version))
    return Status::InvalidArgument("already_exists", "version " + std::to_string(v.version));
  Bytes file(kMagic, kMagic + 8);
  PutU64(file, v.version);
  auto gk = G1Group::Encode(v.verification[0]);
  file.insert(file.end(), gk.begin(), gk.end());
  uint8_t salt[32], nonce[12];
  if (RAND_bytes(salt, 32) != 1 || RAND_bytes(nonce, 12) != 1)
    return Status::Internal("rng_failure", "OS random generator failed");
  auto keys = DeriveKeys(ikm_.span(), ByteSpan(salt, 32));
  if (!keys.ok()) return keys.status();
  Bytes aad(file.begin(), file.end());
  file.insert(file.end(), salt, salt + 32);
  file.insert(file.end(), keys->data() + 32, keys->data() + 64);
  file.insert(file.end(), nonce, nonce + 12);
  Bytes p;
  PutU32(p, v.share.index);
  PutU32(p, v.threshold);
  uint8_t sb[32];
  bls::internal::FrToBytes32(sb, v.share.value);
  p.insert(p.end(), sb, sb + 32);
  SecureWipe(sb, 32);
  for (const auto& pt : v.verification) {
    auto e = G1Group::Encode(pt);
    p.insert(p.end(), e.begin(), e.end());
  }
  auto sealed = crypto::Aes256GcmSeal(ByteSpan(keys->data(), 32), ByteSpan(nonce, 12), aad, p);
  SecureWipe(p.data(), p.size());
  if (!sealed.ok()) return sealed.status();
  file.insert(file.end(), sealed->begin(), sealed->end());
  if (Status st = WriteFileAtomically(PathOf(v.version), file, {.mode = 0600, .no_replace = true});
      !st.ok())
    return st;
  index_[v.version] = ShareVersionInfo{v.version, gk};
  return Status::Ok();
}

Result<ShareVersion> ShareStore::Load(uint64_t version) const {
  std::string path = PathOf(version);
  auto bytes = ReadFileChecked(path, {.require_private = true});
  if (!bytes.ok()) return bytes.status();
  const Bytes& b = *bytes;
  if (b.size() < kHeaderSize + 16 || std::memcmp(b.data(), kMagic, 8) != 0 ||
      GetU(b.data() + 8, 8) != version)
    return Corrupt(path, "bad header");
  auto keys = DeriveKeys(ikm_.span(), ByteSpan(b.data() + kAadSize, 32));
  if (!keys.ok()) return keys.status();
  if (CRYPTO_memcmp(keys->data() + 32, b.data() + kAadSize + 32, 32) != 0)
    return Status::InvalidArgument("wrong_key", path + ": sealed under another identity key");
  auto plain = crypto::Aes256GcmOpen(
      ByteSpan(keys->data(), 32), ByteSpan(b.data() + kAadSize + 64, 12),
      ByteSpan(b.data(), kAadSize), ByteSpan(b.data() + kHeaderSize, b.size() - kHeaderSize));
  if (!plain.ok()) return Corrupt(path, "authentication failed (the file was altered)");
  const uint8_t* p = plain->data();
  size_t n = plain->size();
  if (n < 40) return Corrupt(path, "short payload");
  ShareVersion v;
  v.version = version;
  v.share.index = uint32_t(GetU(p, 4));
  v.threshold = uint32_t(GetU(p + 4, 4));
  if (v.threshold == 0 || n != 40 + size_t(v.threshold) * 48) return Corrupt(path, "payload size");
  if (!bls::internal::FrFromBytes32(v.share.value, p + 8)) return Corrupt(path, "share >= r");
  for (uint32_t k = 0; k < v.threshold; ++k) {
    auto pt = G1Group::Decode(ByteSpan(p + 40 + 48 * k, 48));
    if (!pt.ok()) return Corrupt(path, "verification vector");
    v.verification.push_back(*pt);
  }
  if (G1Group::Encode(v.verification[0]) != index_.at(version).group_key)
    return Corrupt(path, "group key");
  return v;
}

Result<ShareVersion> ShareStore::Active() const {
  if (index_.empty()) return Status::NotFound("not_found", "no share stored");
  return Load(index_.rbegin()->first);
}

Result<ShareVersion> ShareStore::AtTime(uint64_t ts) const {
  auto it = index_.upper_bound(ts);  // first version > ts
  if (it == index_.begin())
    return Status::NotFound("not_found", "no share was active at " + std::to_string(ts));
  return Load(std::prev(it)->first);
}

std::vector<ShareVersionInfo> ShareStore::List() const {
  std::vector<ShareVersionInfo> out;
  for (const auto& [v, info] : index_) out.push_back(info);
  return out;
}

Result<size_t> ShareStore::Prune(uint64_t now, int64_t retention) {
  if (retention < 0) return Status::InvalidArgument("invalid_argument", "negative retention");
  size_t deleted = 0;
  // A version is prunable once its successor has been active for longer than retention.
  while (index_.size() > 1) {
    auto first = index_.begin();
    uint64_t successor = std::next(first)->first;
    if (successor + uint64_t(retention) > now) break;
    std::error_code ec;
    fs::remove(PathOf(first->first), ec);
    if (ec) return Status::Internal("io_error", "cannot delete version: " + ec.message());
    index_.erase(first);
    ++deleted;
  }
  if (deleted) {
    if (Status st = SyncDirectory(dir_); !st.ok()) return st;
  }
  return deleted;
}

}  // namespace cryfttee::keys
