// Versioned, encrypted store of this operator's threshold key shares (issue 13 item 7). Each
// version is one file in `dir`, named share-<version, 20 digits>.bin, where the version is the
// session timestamp (unix seconds) of the DKG or reshare that produced it. It lives in keys/, not
// crypto/threshold/, because it does file I/O (crypto/ stays pure, design.md §2), next to the
// vault whose sealed files use the same atomic-write discipline.
//
// File format (all integers big-endian):
//   "CTSHARE1" | version u64 | group key 48 (G1) | salt 32 | key check 32 | nonce 12 |
//   AES-256-GCM(payload) with AAD = the 8+8+48 header bytes
//   payload: index u32 | threshold u32 | share 32 | verification vector (threshold × 48)
// key || key check = HKDF-SHA256(ikm = operator identity key, salt, info
// "cryfttee threshold share store v1", 64). The key check tells a wrong identity key
// ("wrong_key") apart from an altered file ("corrupt_share_file").
//
// Writes are atomic (core/atomic_file.h): a kill -9 at any moment leaves each version either
// complete or absent. Lookups by time use an in-memory index ordered by version (O(log n)),
// built at Open from the file headers. Not thread-safe: one owner serializes calls.
// Codes: "io_error", "wrong_key", "corrupt_share_file", "not_found", "already_exists",
// "invalid_argument".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/threshold/group.h"
#include "crypto/threshold/shamir.h"

namespace cryfttee::keys {

inline constexpr int64_t kDefaultShareRetentionSeconds = 30 * 24 * 3600;

struct ShareVersion {
  uint64_t version = 0;  // session timestamp, unix seconds
  uint32_t threshold = 0;
  threshold::Share share;
  std::vector<threshold::G1Group::Point> verification;  // group key = verification[0]
};

struct ShareVersionInfo {
  uint64_t version = 0;
  std::array<uint8_t, 48> group_key{};
};

class ShareStore {
 public:
  // Creates `dir` (0700) if needed and indexes the existing versions (headers only; leftover
  // temporary files from a crash are ignored). A file whose header is malformed fails the open
  // with "corrupt_share_file" naming it.
  static Result<ShareStore> Open(std::string dir, ByteSpan identity_key);

  // Writes a new version; "already_exists" if that version is stored.
  Status Store(const ShareVersion& v);
  // The newest version.
  Result<ShareVersion> Active() const;
  // The version in force at `ts`: the newest with version <= ts ("not_found" before the first).
  Result<ShareVersion> AtTime(uint64_t ts) const;
  std::vector<ShareVersionInfo> List() const;
  // Deletes versions that were superseded more than `retention` seconds before `now` (a version
  // stays while it or its successor is younger than retention). Never deletes the active one.
  // Returns how many were deleted.
  Result<size_t> Prune(uint64_t now, int64_t retention = kDefaultShareRetentionSeconds);

 private:
  ShareStore(std::string dir, SecretBytes ikm) : dir_(std::move(dir)), ikm_(std::move(ikm)) {}
  std::string PathOf(uint64_t version) const;
  Result<ShareVersion> Load(uint64_t version) const;

  std::string dir_;
  SecretBytes ikm_;
  std::map<uint64_t, ShareVersionInfo> index_;
};

}  // namespace cryfttee::keys
