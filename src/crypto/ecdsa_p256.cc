// NIST P-256 through OpenSSL 3 EVP (OpenSSL's P-256 code is constant-time for private scalars).
#include <openssl/ecdsa.h>

#include "crypto/ec_evp.h"
#include "crypto/ecdsa_internal.h"

namespace cryfttee::crypto::internal {
namespace {

// s > n/2 becomes n - s, so each signature has one accepted form.
Status NormalizeLowS(const EC_GROUP* group, Bytes& compact) {
  BignumPtr s(BN_bin2bn(compact.data() + 32, 32, nullptr));
  BignumPtr half(BN_dup(EC_GROUP_get0_order(group)));
  if (!s || !half || BN_rshift1(half.get(), half.get()) != 1) {
    return OpenSslFailure("ecdsa_failure", "normalising S");
  }
  if (BN_cmp(s.get(), half.get()) > 0) {
    if (BN_sub(s.get(), EC_GROUP_get0_order(group), s.get()) != 1 ||
        BN_bn2binpad(s.get(), compact.data() + 32, 32) != 32) {
      return OpenSslFailure("ecdsa_failure", "normalising S");
    }
  }
  return Status::Ok();
}

}  // namespace

Status P256ValidateSecretKey(ByteSpan secret) {
  CRYFTTEE_ASSIGN_OR_RETURN(EcGroupPtr group, NewEcGroup(EcCurve::kP256));
  BignumPtr k(BN_bin2bn(secret.data(), static_cast<int>(secret.size()), nullptr));
  if (!k) return OpenSslFailure("ecdsa_failure", "loading secret");
  if (BN_is_zero(k.get()) || BN_cmp(k.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return Status::InvalidArgument("invalid_secret_key",
                                   "P-256 secret key is zero or not below the group order");
  }
  return Status::Ok();
}

Result<Bytes> P256PublicKey(ByteSpan secret) {
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, EcPrivateKeyToEvp(EcCurve::kP256, secret));
  CRYFTTEE_ASSIGN_OR_RETURN(EcPublicKeyInfo info, EcPublicKeyFromEvp(pkey.get()));
  return info.compressed;
}

Result<Bytes> P256NormalizePublicKey(ByteSpan public_key) {
  return CompressPoint(EcCurve::kP256, public_key);
}

Result<EcdsaSignature> P256Sign(ByteSpan secret, ByteSpan digest) {
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, EcPrivateKeyToEvp(EcCurve::kP256, secret));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  uint8_t der[80];
  size_t der_len = sizeof(der);
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), der, &der_len, digest.data(), digest.size()) != 1) {
    return OpenSslFailure("ecdsa_failure", "P-256 signing failed");
  }
  EcdsaSignature out;
  CRYFTTEE_ASSIGN_OR_RETURN(out.compact, EcdsaDerToCompact(ByteSpan(der, der_len)));
  CRYFTTEE_ASSIGN_OR_RETURN(EcGroupPtr group, NewEcGroup(EcCurve::kP256));
  CRYFTTEE_RETURN_IF_ERROR(NormalizeLowS(group.get(), out.compact));
  CRYFTTEE_ASSIGN_OR_RETURN(out.der, EcdsaCompactToDer(out.compact));
  return out;
}

bool P256Verify(ByteSpan public_key, ByteSpan digest, ByteSpan compact) {
  auto pkey = EcPublicKeyToEvp(EcCurve::kP256, public_key);
  if (!pkey.ok()) return false;
  auto der = EcdsaCompactToDer(compact);
  if (!der.ok()) return false;
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
  bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
            EVP_PKEY_verify(ctx.get(), der->data(), der->size(), digest.data(), digest.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace cryfttee::crypto::internal
