#include "crypto/ecdsa.h"

#include <openssl/ecdsa.h>

#include "crypto/ecdsa_internal.h"
#include "crypto/openssl_util.h"
#include "crypto/random.h"

namespace cryfttee::crypto {
namespace {

Status CheckSecretSize(ByteSpan secret) {
  if (secret.size() != kEcSecretKeySize) {
    return Status::InvalidArgument("invalid_secret_key", "an ECDSA secret key is 32 bytes");
  }
  return Status::Ok();
}

Status CheckDigest(ByteSpan digest) {
  if (digest.size() != kEcdsaDigestSize) {
    return Status::InvalidArgument("invalid_digest", "the digest must be exactly 32 bytes, got " +
                                                         std::to_string(digest.size()));
  }
  return Status::Ok();
}

}  // namespace

std::string_view EcCurveName(EcCurve curve) {
  return curve == EcCurve::kSecp256k1 ? "secp256k1" : "p256";
}

Result<SecretBytes> EcGenerateSecretKey(EcCurve curve) {
  // Rejection sampling: for both curves n is close to 2^256, so a retry is very rare; the loop
  // bound only guards against a broken RNG.
  for (int attempt = 0; attempt < 64; ++attempt) {
    SecretBytes secret(kEcSecretKeySize);
    CRYFTTEE_RETURN_IF_ERROR(RandomBytes(std::span<uint8_t>(secret.data(), secret.size())));
    if (EcValidateSecretKey(curve, secret.span()).ok()) return secret;
  }
  return Status::Internal("rng_failure", "could not draw a valid secret key");
}

Status EcValidateSecretKey(EcCurve curve, ByteSpan secret) {
  CRYFTTEE_RETURN_IF_ERROR(CheckSecretSize(secret));
  return curve == EcCurve::kSecp256k1 ? internal::Secp256k1ValidateSecretKey(secret)
                                      : internal::P256ValidateSecretKey(secret);
}

Result<Bytes> EcPublicKey(EcCurve curve, ByteSpan secret) {
  CRYFTTEE_RETURN_IF_ERROR(CheckSecretSize(secret));
  return curve == EcCurve::kSecp256k1 ? internal::Secp256k1PublicKey(secret)
                                      : internal::P256PublicKey(secret);
}

Result<Bytes> EcNormalizePublicKey(EcCurve curve, ByteSpan public_key) {
  if (public_key.size() != 33 && public_key.size() != 65) {
    return Status::InvalidArgument("invalid_public_key",
                                   "an EC public key is 33 (compressed) or 65 bytes");
  }
  return curve == EcCurve::kSecp256k1 ? internal::Secp256k1NormalizePublicKey(public_key)
                                      : internal::P256NormalizePublicKey(public_key);
}

Result<EcdsaSignature> EcdsaSignDigest(EcCurve curve, ByteSpan secret, ByteSpan digest) {
  CRYFTTEE_RETURN_IF_ERROR(CheckSecretSize(secret));
  CRYFTTEE_RETURN_IF_ERROR(CheckDigest(digest));
  return curve == EcCurve::kSecp256k1 ? internal::Secp256k1Sign(secret, digest)
                                      : internal::P256Sign(secret, digest);
}

bool EcdsaVerifyDigest(EcCurve curve, ByteSpan public_key, ByteSpan digest, ByteSpan signature) {
  if (!CheckDigest(digest).ok()) return false;
  Bytes compact;
  if (signature.size() == kEcdsaCompactSignatureSize) {
    compact.assign(signature.begin(), signature.end());
  } else {
    auto converted = EcdsaDerToCompact(signature);
    if (!converted.ok()) return false;
    compact = std::move(converted).value();
  }
  return curve == EcCurve::kSecp256k1 ? internal::Secp256k1Verify(public_key, digest, compact)
                                      : internal::P256Verify(public_key, digest, compact);
}

Result<Bytes> EcdsaDerToCompact(ByteSpan der) {
  const unsigned char* p = der.data();
  internal::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    return Status::InvalidArgument("invalid_signature", "malformed DER ECDSA signature");
  }
  // Reject BER variants (padding, long lengths): a signature has exactly one encoding.
  unsigned char* reencoded = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &reencoded);
  bool canonical =
      len == static_cast<int>(der.size()) && std::equal(der.begin(), der.end(), reencoded);
  OPENSSL_free(reencoded);
  if (!canonical) return Status::InvalidArgument("invalid_signature", "non-canonical DER");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out(kEcdsaCompactSignatureSize);
  if (BN_bn2binpad(r, out.data(), 32) != 32 || BN_bn2binpad(s, out.data() + 32, 32) != 32) {
    return Status::InvalidArgument("invalid_signature", "r or s wider than 32 bytes");
  }
  return out;
}

Result<Bytes> EcdsaCompactToDer(ByteSpan compact) {
  if (compact.size() != kEcdsaCompactSignatureSize) {
    return Status::InvalidArgument("invalid_signature", "a compact signature is 64 bytes");
  }
  internal::EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(compact.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(compact.data() + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return internal::OpenSslFailure("signature_encoding_failed", "building ECDSA_SIG");
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return internal::OpenSslFailure("signature_encoding_failed", "DER encoding");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace cryfttee::crypto
