// secp256k1 through libsecp256k1: constant-time signing with RFC 6979 nonces.
#include <secp256k1.h>

#include <array>

#include "crypto/ecdsa_internal.h"
#include "crypto/random.h"

namespace cryfttee::crypto::internal {
namespace {

// One context for the process, randomised once for side-channel blinding. libsecp256k1
// documents concurrent use of a const context as safe.
const secp256k1_context* Context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<uint8_t, 32> seed{};
    if (RandomBytes(seed).ok()) {
      // Blinding is defence in depth; an unrandomised context still signs correctly.
      [[maybe_unused]] bool blinded = secp256k1_context_randomize(c, seed.data()) == 1;
    }
    SecureWipe(seed.data(), seed.size());
    return c;
  }();
  return ctx;
}

Result<Bytes> Serialize(const secp256k1_pubkey& pk) {
  Bytes out(33);
  size_t len = out.size();
  if (secp256k1_ec_pubkey_serialize(Context(), out.data(), &len, &pk, SECP256K1_EC_COMPRESSED) !=
          1 ||
      len != 33) {
    return Status::Internal("ecdsa_failure", "serialising a secp256k1 public key");
  }
  return out;
}

}  // namespace

Status Secp256k1ValidateSecretKey(ByteSpan secret) {
  if (secp256k1_ec_seckey_verify(Context(), secret.data()) != 1) {
    return Status::InvalidArgument("invalid_secret_key",
                                   "secp256k1 secret key is zero or not below the group order");
  }
  return Status::Ok();
}

Result<Bytes> Secp256k1PublicKey(ByteSpan secret) {
  CRYFTTEE_RETURN_IF_ERROR(Secp256k1ValidateSecretKey(secret));
  secp256k1_pubkey pk;
  if (secp256k1_ec_pubkey_create(Context(), &pk, secret.data()) != 1) {
    return Status::InvalidArgument("invalid_secret_key", "secp256k1 secret key rejected");
  }
  return Serialize(pk);
}

Result<Bytes> Secp256k1NormalizePublicKey(ByteSpan public_key) {
  secp256k1_pubkey pk;
  if (secp256k1_ec_pubkey_parse(Context(), &pk, public_key.data(), public_key.size()) != 1) {
    return Status::InvalidArgument("invalid_public_key", "not a point on secp256k1");
  }
  return Serialize(pk);
}

Result<EcdsaSignature> Secp256k1Sign(ByteSpan secret, ByteSpan digest) {
  CRYFTTEE_RETURN_IF_ERROR(Secp256k1ValidateSecretKey(secret));
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ecdsa_sign(Context(), &sig, digest.data(), secret.data(), nullptr, nullptr) != 1) {
    return Status::Internal("ecdsa_failure", "secp256k1 signing failed");
  }
  // The library already emits low-S; normalising again costs nothing and states the contract.
  secp256k1_ecdsa_signature_normalize(Context(), &sig, &sig);
  EcdsaSignature out;
  out.compact.resize(kEcdsaCompactSignatureSize);
  secp256k1_ecdsa_signature_serialize_compact(Context(), out.compact.data(), &sig);
  std::array<uint8_t, 72> der{};
  size_t der_len = der.size();
  if (secp256k1_ecdsa_signature_serialize_der(Context(), der.data(), &der_len, &sig) != 1) {
    return Status::Internal("ecdsa_failure", "DER encoding failed");
  }
  out.der.assign(der.begin(), der.begin() + der_len);
  return out;
}

bool Secp256k1Verify(ByteSpan public_key, ByteSpan digest, ByteSpan compact) {
  secp256k1_pubkey pk;
  if (secp256k1_ec_pubkey_parse(Context(), &pk, public_key.data(), public_key.size()) != 1) {
    return false;
  }
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ecdsa_signature_parse_compact(Context(), &sig, compact.data()) != 1) return false;
  // libsecp256k1 verifies only low-S; accept the high-S twin as ECDSA itself does.
  secp256k1_ecdsa_signature_normalize(Context(), &sig, &sig);
  return secp256k1_ecdsa_verify(Context(), &sig, digest.data(), &pk) == 1;
}

}  // namespace cryfttee::crypto::internal
