// Key derivation functions (OpenSSL 3): HKDF-SHA256, PBKDF2-HMAC-SHA256 and scrypt.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

// RFC 5869 HKDF with SHA-256. out_len <= 255 * 32.
Result<SecretBytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t out_len);

// RFC 8018 PBKDF2 with HMAC-SHA256. Code "invalid_kdf_params" for iterations == 0.
Result<SecretBytes> Pbkdf2HmacSha256(ByteSpan password, ByteSpan salt, uint32_t iterations,
                                     size_t out_len);

struct ScryptParams {
  uint64_t n = 0;  // CPU/memory cost, a power of two > 1
  uint32_t r = 0;
  uint32_t p = 0;
};

// Memory one scrypt evaluation needs (128 * n * r * p plus the 128 * r * p block), or 0 on
// overflow. Callers that take parameters from untrusted input check it against a budget.
uint64_t ScryptMemoryBytes(const ScryptParams& params);

// RFC 7914 scrypt. Code "invalid_kdf_params" for malformed parameters or ones needing more
// than max_memory bytes.
Result<SecretBytes> Scrypt(ByteSpan password, ByteSpan salt, const ScryptParams& params,
                           size_t out_len, uint64_t max_memory);

}  // namespace cryfttee::crypto
