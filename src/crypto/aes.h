// AES through OpenSSL: AES-256-GCM for sealing, AES-128-CTR for EIP-2335 keystores.
#pragma once

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

inline constexpr size_t kAesGcmKeySize = 32;
inline constexpr size_t kAesGcmNonceSize = 12;
inline constexpr size_t kAesGcmTagSize = 16;

// Returns ciphertext || 16-byte tag.
Result<Bytes> Aes256GcmSeal(ByteSpan key, ByteSpan nonce, ByteSpan aad, ByteSpan plaintext);
// Input is ciphertext || tag. Code "decryption_failed" when authentication fails (wrong key,
// wrong AAD or tampered data); nothing is returned in that case.
Result<SecretBytes> Aes256GcmOpen(ByteSpan key, ByteSpan nonce, ByteSpan aad, ByteSpan sealed);

// AES-128-CTR with a 16-byte initial counter block; encryption and decryption are the same.
Result<SecretBytes> Aes128Ctr(ByteSpan key, ByteSpan iv, ByteSpan data);

}  // namespace cryfttee::crypto
