// Ed25519 (RFC 8032, pure variant) through OpenSSL 3. Used for module publisher signatures.
//
// A private key is its 32-byte seed, held in SecretBytes. On disk it is PKCS#8 PEM so the same
// file works with `openssl pkey` and an offline HSM export.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

struct Ed25519KeyPair {
  SecretBytes seed;
  Bytes public_key;
};

Result<Ed25519KeyPair> Ed25519Generate();
// Code "invalid_private_key" for a seed that is not 32 bytes.
Result<Bytes> Ed25519PublicKey(const SecretBytes& seed);
Result<Bytes> Ed25519Sign(const SecretBytes& seed, ByteSpan message);
// False for a malformed key or signature as well as a wrong one.
bool Ed25519Verify(ByteSpan public_key, ByteSpan message, ByteSpan signature);

// PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). The returned text is secret.
Result<SecretBytes> Ed25519SeedToPem(const SecretBytes& seed);
// Code "invalid_private_key" when the PEM is not an Ed25519 private key.
Result<SecretBytes> Ed25519SeedFromPem(ByteSpan pem);

}  // namespace cryfttee::crypto
