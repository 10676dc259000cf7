// Runtime attestation: what code this process is running.
//
// core_binary_hash comes from the launching parent (CRYFTTEE_VERIFIED_BINARY_HASH, source
// "parent") when present, else from hashing /proc/self/exe (source "self", with a warning: a
// process vouching for itself proves little). The parent's hash is taken as given, never
// re-checked: a tampered binary could report any hash it likes, so only the launcher's own
// hash of the file before exec means anything. The self-hash is computed off the start path
// (BinaryIdentityTask), so a large executable does not delay the socket. A client nonce is bound
// into the answer through `nonce_binding`, a SHA-256 over the canonical form documented in
// docs/api.md.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/attestation_binding.h"
#include "core/status.h"

namespace cryfttee::runtime {

struct BinaryIdentity {
  std::string hash;    // "sha256:<hex>"
  std::string source;  // "parent" | "self"
};

// `parent_hash` is the env value (empty when unset). A malformed value is an error.
Result<BinaryIdentity> ResolveBinaryIdentity(const std::string& parent_hash,
                                             const std::string& self_exe = "/proc/self/exe");

// The binary identity, resolved without delaying the daemon's start: with a parent hash it is
// ready at once; otherwise the executable is hashed on a thread of its own and Get() waits for
// it (only attestation needs it; the first one after a start may wait a few milliseconds).
// Threading: Get() may be called from any thread; the destructor waits for the hash to finish.
class BinaryIdentityTask {
 public:
  using DoneFn = std::function<void(const Result<BinaryIdentity>&)>;

  // A malformed parent hash fails at once (code "invalid_binary_hash"). `on_done` runs once
  // the self-hash is known (on the hashing thread), e.g. to log it; not called with a parent.
  static Result<std::unique_ptr<BinaryIdentityTask>> Start(
      const std::string& parent_hash, DoneFn on_done = {},
      const std::string& self_exe = "/proc/self/exe");
  // Already resolved (tests, fuzzers).
  static std::unique_ptr<BinaryIdentityTask> Ready(BinaryIdentity identity);

  // The identity, or the self-hash's failure (code "io_error").
  Result<BinaryIdentity> Get() const { return result_.get(); }
  bool from_parent() const { return from_parent_; }

 private:
  BinaryIdentityTask(std::shared_future<Result<BinaryIdentity>> result, bool from_parent)
      : result_(std::move(result)), from_parent_(from_parent) {}
  std::shared_future<Result<BinaryIdentity>> result_;
  bool from_parent_;
};

struct ModuleAttestation {
  std::string manifest_hash;                         // "" until a manifest was read
  std::map<std::string, std::string> module_hashes;  // id -> "sha256:<hex>"
  std::vector<std::string> loaded_modules;
};

struct Attestation {
  BinaryIdentity binary;
  ModuleAttestation modules;
  std::string cryfttee_version;
  int64_t timestamp_ms = 0;
  std::string nonce;          // empty when none was sent
  std::string nonce_binding;  // "sha256:<hex>" when a nonce was sent
};

// Nonces are 1..256 printable ASCII characters. Code "invalid_nonce".
Status ValidateNonce(const std::string& nonce);

// The fields `nonce_binding` covers (see core/attestation_binding.h for the canonical text).
AttestationFields BindingFields(const Attestation& a);

Attestation BuildAttestation(const BinaryIdentity& binary, ModuleAttestation modules,
                             int64_t now_ms, const std::string& nonce);

}  // namespace cryfttee::runtime
