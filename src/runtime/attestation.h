// Runtime attestation: what code this process is running.
//
// core_binary_hash comes from the launching parent (CRYFTTEE_VERIFIED_BINARY_HASH, source
// "parent") when present, else from hashing /proc/self/exe (source "self", with a warning: a
// process vouching for itself proves little). A client nonce is bound into the answer through
// `nonce_binding`, a SHA-256 over the canonical form documented in docs/api.md.
#pragma once

#include <cstdint>
#include <map>
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
