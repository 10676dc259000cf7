// The canonical text that binds a client nonce into an attestation answer. It lives in core so
// the daemon (which produces it) and clients (which recompute it) share one definition.
//
// Format (UTF-8, '\n' after every line, module lines sorted by id):
//   cryfttee-attestation-v1
//   core_binary_hash=<sha256:...>
//   binary_hash_source=<parent|self>
//   manifest_hash=<sha256:... or empty>
//   module_hash=<id>:<sha256:...>        (one per module)
//   cryfttee_version=<version>
//   timestamp=<RFC 3339 as in the answer>
//   nonce=<nonce>
// nonce_binding = "sha256:" + hex(SHA-256(text)).
#pragma once

#include <map>
#include <string>

namespace cryfttee {

struct AttestationFields {
  std::string core_binary_hash;
  std::string binary_hash_source;
  std::string manifest_hash;
  std::map<std::string, std::string> module_hashes;
  std::string cryfttee_version;
  std::string timestamp;
  std::string nonce;
};

std::string CanonicalAttestationText(const AttestationFields& f);
std::string AttestationNonceBinding(const AttestationFields& f);

}  // namespace cryfttee
