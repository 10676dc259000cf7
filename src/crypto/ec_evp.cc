#include "crypto/ec_evp.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>

namespace cryfttee::crypto::internal {
namespace {

Result<EvpPkeyPtr> FromData(int selection, OSSL_PARAM* params) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, selection, params) != 1) {
    return Status::InvalidArgument("invalid_key", "OpenSSL rejected the EC key: " + OpenSslError());
  }
  return EvpPkeyPtr(pkey);
}

// BN order check in constant-time-ish fashion is unnecessary here: the comparison leaks only
// whether the secret is valid, which the caller learns anyway.
Result<BignumPtr> SecretToBn(const EC_GROUP* group, ByteSpan secret) {
  BignumPtr k(BN_secure_new());
  if (!k || !BN_bin2bn(secret.data(), static_cast<int>(secret.size()), k.get())) {
    return OpenSslFailure("ecdsa_failure", "loading secret");
  }
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  if (BN_is_zero(k.get()) || BN_cmp(k.get(), EC_GROUP_get0_order(group)) >= 0) {
    return Status::InvalidArgument("invalid_secret_key",
                                   "EC secret key is zero or not below the group order");
  }
  return k;
}

}  // namespace

const char* EcGroupName(EcCurve curve) {
  return curve == EcCurve::kSecp256k1 ? SN_secp256k1 : SN_X9_62_prime256v1;
}

Result<EcGroupPtr> NewEcGroup(EcCurve curve) {
  int nid = curve == EcCurve::kSecp256k1 ? NID_secp256k1 : NID_X9_62_prime256v1;
  EcGroupPtr group(EC_GROUP_new_by_curve_name(nid));
  if (!group) return OpenSslFailure("ecdsa_failure", "loading curve");
  return group;
}

Result<EvpPkeyPtr> EcPrivateKeyToEvp(EcCurve curve, ByteSpan secret) {
  if (secret.size() != kEcSecretKeySize) {
    return Status::InvalidArgument("invalid_secret_key", "an EC secret key is 32 bytes");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(EcGroupPtr group, NewEcGroup(curve));
  CRYFTTEE_ASSIGN_OR_RETURN(BignumPtr k, SecretToBn(group.get(), secret));
  BnCtxPtr bn_ctx(BN_CTX_secure_new());
  EcPointPtr pub(EC_POINT_new(group.get()));
  uint8_t pub_bytes[65];
  if (!bn_ctx || !pub ||
      EC_POINT_mul(group.get(), pub.get(), k.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pub_bytes,
                         sizeof(pub_bytes), bn_ctx.get()) != sizeof(pub_bytes)) {
    return OpenSslFailure("ecdsa_failure", "deriving the public key");
  }
  // OSSL_PARAM integers are native-endian; build the little-endian copy in wiped memory.
  SecretBytes native(secret.size());
  std::reverse_copy(secret.begin(), secret.end(), native.data());
  char group_name[32];
  std::strncpy(group_name, EcGroupName(curve), sizeof(group_name) - 1);
  group_name[sizeof(group_name) - 1] = '\0';
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, native.data(), native.size()),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub_bytes, sizeof(pub_bytes)),
      OSSL_PARAM_construct_end(),
  };
  return FromData(EVP_PKEY_KEYPAIR, params);
}

static Result<EcPointPtr> ParsePoint(const EC_GROUP* group, EcCurve curve, ByteSpan point,
                                     BN_CTX* bn_ctx) {
  EcPointPtr p(EC_POINT_new(group));
  if (!p || EC_POINT_oct2point(group, p.get(), point.data(), point.size(), bn_ctx) != 1 ||
      EC_POINT_is_at_infinity(group, p.get()) ||
      EC_POINT_is_on_curve(group, p.get(), bn_ctx) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("invalid_public_key",
                                   std::string("not a point on ") + EcGroupName(curve));
  }
  return p;
}

Result<Bytes> CompressPoint(EcCurve curve, ByteSpan point) {
  CRYFTTEE_ASSIGN_OR_RETURN(EcGroupPtr group, NewEcGroup(curve));
  BnCtxPtr bn_ctx(BN_CTX_new());
  if (!bn_ctx) return OpenSslFailure("ecdsa_failure", "allocating BN_CTX");
  CRYFTTEE_ASSIGN_OR_RETURN(EcPointPtr p, ParsePoint(group.get(), curve, point, bn_ctx.get()));
  Bytes out(33);
  if (EC_POINT_point2oct(group.get(), p.get(), POINT_CONVERSION_COMPRESSED, out.data(), out.size(),
                         bn_ctx.get()) != out.size()) {
    return OpenSslFailure("ecdsa_failure", "encoding point");
  }
  return out;
}

Result<EvpPkeyPtr> EcPublicKeyToEvp(EcCurve curve, ByteSpan point) {
  CRYFTTEE_ASSIGN_OR_RETURN(EcGroupPtr group, NewEcGroup(curve));
  BnCtxPtr bn_ctx(BN_CTX_new());
  if (!bn_ctx) return OpenSslFailure("ecdsa_failure", "allocating BN_CTX");
  CRYFTTEE_ASSIGN_OR_RETURN(EcPointPtr p, ParsePoint(group.get(), curve, point, bn_ctx.get()));
  uint8_t uncompressed[65];
  if (EC_POINT_point2oct(group.get(), p.get(), POINT_CONVERSION_UNCOMPRESSED, uncompressed,
                         sizeof(uncompressed), bn_ctx.get()) != sizeof(uncompressed)) {
    return OpenSslFailure("ecdsa_failure", "encoding point");
  }
  char group_name[32];
  std::strncpy(group_name, EcGroupName(curve), sizeof(group_name) - 1);
  group_name[sizeof(group_name) - 1] = '\0';
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, uncompressed,
                                        sizeof(uncompressed)),
      OSSL_PARAM_construct_end(),
  };
  return FromData(EVP_PKEY_PUBLIC_KEY, params);
}

Result<EcPublicKeyInfo> EcPublicKeyFromEvp(const EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) {
    return Status::InvalidArgument("unsupported_key_type", "the key is not an EC key");
  }
  char group[64] = {0};
  size_t group_len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &group_len) != 1) {
    return Status::InvalidArgument("unsupported_key_type", "EC key without a named curve");
  }
  EcPublicKeyInfo info;
  std::string name(group, group_len);
  if (name == SN_secp256k1) {
    info.curve = EcCurve::kSecp256k1;
  } else if (name == SN_X9_62_prime256v1) {
    info.curve = EcCurve::kP256;
  } else {
    return Status::InvalidArgument("unsupported_key_type", "unsupported curve " + name);
  }
  uint8_t point[133];
  size_t point_len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point),
                                      &point_len) != 1) {
    return OpenSslFailure("ecdsa_failure", "reading EC public key");
  }
  CRYFTTEE_ASSIGN_OR_RETURN(info.compressed, CompressPoint(info.curve, ByteSpan(point, point_len)));
  return info;
}

}  // namespace cryfttee::crypto::internal
