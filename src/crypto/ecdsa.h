// ECDSA over secp256k1 (libsecp256k1) and NIST P-256 (OpenSSL 3), on 32-byte digests.
//
// Secret keys are 32 big-endian bytes in [1, n-1]. Public keys are SEC1 points: we emit the
// 33-byte compressed form and accept compressed or uncompressed (65-byte) input. Signatures are
// produced low-S normalised on both curves (s <= n/2, so they are not malleable) and returned as
// ASN.1 DER and as compact r||s (64 bytes); verification accepts either form and either S.
#pragma once

#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto {

enum class EcCurve { kSecp256k1, kP256 };

inline constexpr size_t kEcSecretKeySize = 32;
inline constexpr size_t kEcCompressedPublicKeySize = 33;
inline constexpr size_t kEcdsaDigestSize = 32;
inline constexpr size_t kEcdsaCompactSignatureSize = 64;

// "secp256k1" or "p256".
std::string_view EcCurveName(EcCurve curve);

// A uniformly random valid secret key.
Result<SecretBytes> EcGenerateSecretKey(EcCurve curve);
// Code "invalid_secret_key" unless 32 bytes in [1, n-1].
Status EcValidateSecretKey(EcCurve curve, ByteSpan secret);
// Compressed SEC1 public key (33 bytes).
Result<Bytes> EcPublicKey(EcCurve curve, ByteSpan secret);
// Parses a compressed or uncompressed point; returns it compressed. Code "invalid_public_key".
Result<Bytes> EcNormalizePublicKey(EcCurve curve, ByteSpan public_key);

struct EcdsaSignature {
  Bytes der;
  Bytes compact;  // r || s, 32 bytes each
};

// Signs a 32-byte digest (the caller hashes). Code "invalid_digest" for another length.
Result<EcdsaSignature> EcdsaSignDigest(EcCurve curve, ByteSpan secret, ByteSpan digest);
// Signature is DER or 64-byte compact. False for any malformed input.
bool EcdsaVerifyDigest(EcCurve curve, ByteSpan public_key, ByteSpan digest, ByteSpan signature);

// Strict DER <-> compact conversion (code "invalid_signature").
Result<Bytes> EcdsaDerToCompact(ByteSpan der);
Result<Bytes> EcdsaCompactToDer(ByteSpan compact);

}  // namespace cryfttee::crypto
