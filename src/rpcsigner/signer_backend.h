// What the gRPC signer does, without gRPC: it serves one BLS key, chosen at start, and signs
// through the same module dispatch as POST /v1/staking/bls/sign (runtime/module_call.h): the
// default `bls_sign` module (or a threshold or Web3Signer-backed one, if the manifest makes it
// the default), under the same engine limits and the same module logs. Only the request is
// built here rather than parsed from JSON.
//
// Failure codes of Sign: "message_too_large" (kTooLarge, above kMaxMessageBytes), the dispatch
// and module codes of runtime::CallModule / ModuleAnswerStatus, and "module_failed" (kUpstream)
// when a module answers success with something that is not a 96-byte signature.
//
// Threading: immutable after construction; Sign may run on many threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"
#include "keys/vault.h"
#include "runtime/module_registry.h"
#include "tee/client.h"

namespace cryfttee::rpcsigner {

// The largest message Sign and SignProofOfPossession accept, in raw bytes.
inline constexpr size_t kMaxMessageBytes = 1 << 20;

// The served key: `handle` when given (code "key_not_found", or "wrong_key_type" for a key that
// is not BLS), else the vault's oldest BLS key (code "no_bls_key" when it holds none). Every
// message names --rpcsigner-key.
// Reads the keys through tee::Client (in process or in the enclave); an enclave that does not
// answer at start fails with its own code (enclave_unavailable).
Result<keys::KeyInfo> ResolveServedKey(tee::Client& keys, std::string_view handle);

class SignerBackend {
 public:
  SignerBackend(const runtime::ModuleRegistry* registry, keys::KeyInfo key);

  const keys::KeyInfo& key() const { return key_; }
  // 48-byte compressed G1.
  const Bytes& public_key() const { return key_.public_key; }
  // 96-byte compressed G2 signature of `message` under the SIG or the POP ciphersuite.
  // `module_id`, when given, receives the id of the module that answered (also on its failure).
  Result<Bytes> Sign(ByteSpan message, keys::BlsDst dst, std::string* module_id = nullptr) const;

 private:
  const runtime::ModuleRegistry* registry_;
  const keys::KeyInfo key_;
};

}  // namespace cryfttee::rpcsigner
