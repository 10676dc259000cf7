#include "runtime/attestation.h"

#include "core/bytes.h"
#include "core/clock.h"
#include "core/sha256.h"

namespace cryfttee::runtime {

Result<BinaryIdentity> ResolveBinaryIdentity(const std::string& parent_hash,
                                             const std::string& self_exe) {
  if (!parent_hash.empty()) {
    if (!IsSha256Text(parent_hash)) {
      return Status::InvalidArgument(
          "invalid_binary_hash",
          "CRYFTTEE_VERIFIED_BINARY_HASH must be \"sha256:\" followed by 64 lower-case hex digits");
    }
    return BinaryIdentity{parent_hash, "parent"};
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::string hash, Sha256File(self_exe));
  return BinaryIdentity{hash, "self"};
}

Result<std::unique_ptr<BinaryIdentityTask>> BinaryIdentityTask::Start(
    const std::string& parent_hash, DoneFn on_done, const std::string& self_exe) {
  if (!parent_hash.empty()) {
    CRYFTTEE_ASSIGN_OR_RETURN(BinaryIdentity id, ResolveBinaryIdentity(parent_hash, self_exe));
    return Ready(std::move(id));
  }
  std::shared_future<Result<BinaryIdentity>> result =
      std::async(std::launch::async, [self_exe, on_done = std::move(on_done)] {
        Result<BinaryIdentity> id = ResolveBinaryIdentity("", self_exe);
        if (on_done) on_done(id);
        return id;
      }).share();
  return std::unique_ptr<BinaryIdentityTask>(new BinaryIdentityTask(std::move(result), false));
}

std::unique_ptr<BinaryIdentityTask> BinaryIdentityTask::Ready(BinaryIdentity identity) {
  std::promise<Result<BinaryIdentity>> done;
  bool parent = identity.source == "parent";
  done.set_value(std::move(identity));
  return std::unique_ptr<BinaryIdentityTask>(
      new BinaryIdentityTask(done.get_future().share(), parent));
}

Status ValidateNonce(const std::string& nonce) {
  if (nonce.empty() || nonce.size() > 256) {
    return Status::InvalidArgument("invalid_nonce", "nonce must be 1 to 256 characters");
  }
  for (unsigned char c : nonce) {
    if (c < 0x21 || c > 0x7e) {
      return Status::InvalidArgument("invalid_nonce", "nonce must be printable ASCII");
    }
  }
  return Status::Ok();
}

AttestationFields BindingFields(const Attestation& a) {
  return AttestationFields{a.binary.hash,
                           a.binary.source,
                           a.modules.manifest_hash,
                           a.modules.module_hashes,
                           a.cryfttee_version,
                           FormatRfc3339Millis(a.timestamp_ms),
                           a.nonce};
}

Attestation BuildAttestation(const BinaryIdentity& binary, ModuleAttestation modules,
                             int64_t now_ms, const std::string& nonce) {
  Attestation a;
  a.binary = binary;
  a.modules = std::move(modules);
  a.cryfttee_version = CRYFTTEE_VERSION;
  a.timestamp_ms = now_ms;
  a.nonce = nonce;
  if (!nonce.empty()) a.nonce_binding = AttestationNonceBinding(BindingFields(a));
  return a;
}

}  // namespace cryfttee::runtime
