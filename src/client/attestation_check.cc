#include "client/attestation_check.h"

#include "core/attestation_binding.h"
#include "crypto/random.h"

namespace cryfttee::client {

Status CheckAttestation(const Attestation& a, const AttestationExpectations& expect) {
  if (!expect.nonce.empty()) {
    AttestationFields f;
    f.core_binary_hash = a.core_binary_hash;
    f.binary_hash_source = a.binary_hash_source;
    f.manifest_hash = a.manifest_hash;
    f.module_hashes = a.module_hashes;
    f.cryfttee_version = a.cryfttee_version;
    f.timestamp = a.timestamp;
    f.nonce = expect.nonce;
    if (a.nonce != expect.nonce || a.nonce_binding != AttestationNonceBinding(f)) {
      return Status::FailedPrecondition(
          "nonce_mismatch",
          "the attestation does not bind the nonce we sent (stale or altered answer)");
    }
  }
  if (!expect.binary_hash.empty() && a.core_binary_hash != expect.binary_hash) {
    return Status::FailedPrecondition("binary_hash_mismatch",
                                      "cryfttee binary hash mismatch: daemon reports " +
                                          a.core_binary_hash + " (" + a.binary_hash_source +
                                          "), expected " + expect.binary_hash);
  }
  return Status::Ok();
}

Result<std::string> NewAttestationNonce() {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes b, crypto::RandomBytes(16));
  return HexEncode(b);
}

}  // namespace cryfttee::client
