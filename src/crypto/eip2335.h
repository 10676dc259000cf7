// EIP-2335 BLS keystores (version 4): decrypt (scrypt or PBKDF2-HMAC-SHA256 kdf, SHA-256
// checksum, AES-128-CTR cipher) and encrypt/export.
//
// Keystores come from requests, so their KDF parameters are bounded: scrypt may use at most
// kEip2335MaxScryptMemory (the spec's own n=2^18, r=8 vector needs 256 MiB) and PBKDF2 at most
// kEip2335MaxPbkdf2Iterations. The public key is a parameter on export and is returned as
// declared on import; checking it against the secret is the caller's job (crypto/bls12_381 is
// a sibling, not a dependency, of this file).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/kdf.h"

namespace cryfttee::crypto {

inline constexpr uint64_t kEip2335MaxScryptMemory = 512ull << 20;
inline constexpr uint32_t kEip2335MaxPbkdf2Iterations = 1u << 24;
inline constexpr size_t kEip2335MaxKeystoreSize = 64 * 1024;

// The EIP's password rule: NFKD, then remove C0 (U+0000-U+001F), DEL (U+007F) and C1
// (U+0080-U+009F) control codes, then UTF-8. Code "invalid_password" for invalid UTF-8.
Result<SecretBytes> Eip2335NormalizePassword(std::string_view password);

struct Eip2335Keystore {
  SecretBytes secret;
  Bytes declared_pubkey;  // from the "pubkey" field; empty when absent
  std::string path;
  std::string uuid;
  std::string description;
};

// Codes: "invalid_keystore" (malformed JSON, version, unknown function, bad params or sizes),
// "invalid_kdf_params" (over the limits above), "invalid_password" (checksum mismatch: wrong
// password or a corrupted keystore).
Result<Eip2335Keystore> Eip2335Decrypt(std::string_view keystore_json, std::string_view password);

enum class Eip2335Kdf { kScrypt, kPbkdf2 };

struct Eip2335EncryptOptions {
  Eip2335Kdf kdf = Eip2335Kdf::kScrypt;
  ScryptParams scrypt{262144, 8, 1};  // the EIP's recommended parameters
  uint32_t pbkdf2_iterations = 262144;
  std::string path;  // EIP-2334 path, may be empty
  std::string description;
};

// A keystore JSON document with a random salt, iv and UUIDv4.
Result<std::string> Eip2335Encrypt(ByteSpan secret, ByteSpan pubkey, std::string_view password,
                                   const Eip2335EncryptOptions& options);

}  // namespace cryfttee::crypto
