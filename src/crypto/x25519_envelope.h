// Public-key encryption of small secrets to one recipient: X25519 + HKDF-SHA256 + AES-256-GCM
// (OpenSSL 3.0 has no HPKE; this is HPKE's base mode in spirit, with a fixed suite).
//
// Used to send a threshold key share to its recipient operator so that whoever relays the message
// (another operator, the parent process of an enclave, a proxy) sees only ciphertext.
//
// Envelope (version 1), all binary:
//   0x01 || ephemeral X25519 public key (32) || AES-256-GCM ciphertext || tag (16)
// key || nonce = HKDF-SHA256(ikm = X25519(ephemeral, recipient),
//                            salt = ephemeral_pub || recipient_pub,
//                            info = "cryfttee-x25519-envelope-v1", 44 bytes)
// The key is fresh for every envelope (new ephemeral key), so the derived nonce is never reused.
// `aad` binds the envelope to its context (session, sender, recipient, message type): an envelope
// moved to another context fails to open.
//
// Failure codes: "invalid_public_key" (not 32 bytes, or a low-order point: X25519 gives the
// all-zero secret), "invalid_private_key", "invalid_envelope" (wrong size or version),
// "decryption_failed" (wrong recipient, wrong AAD, tampered). Thread-safe (no shared state).
#pragma once

#include <cstddef>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

inline constexpr size_t kX25519KeySize = 32;
inline constexpr uint8_t kX25519EnvelopeVersion = 1;
inline constexpr size_t kX25519EnvelopeOverhead = 1 + kX25519KeySize + 16;

struct X25519KeyPair {
  SecretBytes private_key;  // 32 bytes
  Bytes public_key;         // 32 bytes
};

Result<X25519KeyPair> X25519Generate();
Result<Bytes> X25519PublicKey(const SecretBytes& private_key);

Result<Bytes> SealToRecipient(ByteSpan recipient_public_key, ByteSpan aad, ByteSpan plaintext);
Result<SecretBytes> OpenEnvelope(const SecretBytes& recipient_private_key, ByteSpan aad,
                                 ByteSpan envelope);

}  // namespace cryfttee::crypto
