// Per-type secret key operations for the vault: generate, validate, derive the public key,
// and the handle that names a key. Public keys: BLS 48-byte compressed G1, ECDSA 33-byte
// compressed SEC1.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/status.h"
#include "keys/key_type.h"

namespace cryfttee::keys {

Result<SecretBytes> GenerateSecret(KeyType type);
// Validates the secret (code "invalid_secret_key") and returns its public key.
Result<Bytes> PublicKeyOf(KeyType type, ByteSpan secret);

// Handles are derived from the public key alone, so a key keeps its handle across restarts and
// re-imports: "<type name>-" + the first 16 hex digits of SHA-256(public key), for example
// "bls-3f2a…" or "secp256k1-…". 64 bits keep handles short while a collision inside one vault
// stays out of reach; the vault still refuses one.
std::string HandleFor(KeyType type, ByteSpan public_key);

}  // namespace cryfttee::keys
