// config/trust.toml: which publishers the operator trusts, with which keys, for what.
//
//   version = 1
//
//   [[publishers]]
//   id = "cryft-labs"
//   name = "Cryft Labs"                    # optional, for display
//   keys = ["<ed25519 public key: 64 hex digits or base64 of 32 bytes>"]
//   capabilities = ["bls_register", "bls_sign", "tls_register", "tls_sign"]  # or ["*"]
//   grants = ["log", "clock", "random"]    # host-function grants its modules may receive
//
//   [revoked]
//   keys = ["<public key>"]                # never trusted, whichever publisher lists them
//
// Parsing is strict like the manifest's: unknown keys and wrong types reject the whole file.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::modules {

inline constexpr int kTrustVersion = 1;
inline constexpr size_t kMaxTrustBytes = 1 << 20;

struct Publisher {
  std::string id;
  std::string name;
  std::vector<Bytes> keys;      // 32-byte Ed25519 public keys
  bool any_capability = false;  // capabilities = ["*"]
  std::set<std::string> capabilities;
  std::set<std::string> grants;

  bool MayPublish(const std::string& capability) const {
    return any_capability || capabilities.count(capability) > 0;
  }
};

struct TrustPolicy {
  std::vector<Publisher> publishers;
  std::set<Bytes> revoked_keys;

  const Publisher* Find(std::string_view id) const;
  bool IsRevoked(ByteSpan key) const { return revoked_keys.count(Bytes(key.begin(), key.end())); }
};

// `file_name` is used only in error messages. Code: "invalid_trust".
Result<TrustPolicy> ParseTrustPolicy(std::string_view toml_text, const std::string& file_name);

// Accepts 64 hex digits or base64 of exactly 32 bytes. Code: "invalid_public_key".
Result<Bytes> DecodeEd25519PublicKey(std::string_view text);

}  // namespace cryfttee::modules
