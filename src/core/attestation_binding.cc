#include "core/attestation_binding.h"

#include "core/sha256.h"

namespace cryfttee {

std::string CanonicalAttestationText(const AttestationFields& f) {
  std::string text = "cryfttee-attestation-v1\n";
  text += "core_binary_hash=" + f.core_binary_hash + "\n";
  text += "binary_hash_source=" + f.binary_hash_source + "\n";
  text += "manifest_hash=" + f.manifest_hash + "\n";
  for (const auto& [id, hash] : f.module_hashes) text += "module_hash=" + id + ":" + hash + "\n";
  text += "cryfttee_version=" + f.cryfttee_version + "\n";
  text += "timestamp=" + f.timestamp + "\n";
  text += "nonce=" + f.nonce + "\n";
  return text;
}

std::string AttestationNonceBinding(const AttestationFields& f) {
  return FormatSha256(Sha256(AsBytes(CanonicalAttestationText(f))));
}

}  // namespace cryfttee
