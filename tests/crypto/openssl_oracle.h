// Independent ECDSA verification for tests: plain OpenSSL EVP calls written here, sharing no
// code with crypto/ (which would otherwise check itself).
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string>

#include "core/bytes.h"

namespace cryfttee::testing {

// group: "secp256k1" or "prime256v1"; point: SEC1 compressed or uncompressed.
inline EVP_PKEY* OraclePublicKey(const std::string& group, ByteSpan point) {
  std::string g = group;
  Bytes p(point.begin(), point.end());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, g.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, p.data(), p.size()),
      OSSL_PARAM_construct_end(),
  };
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* pkey = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return pkey;
}

// EVP_DigestVerify with SHA-256 over the message, signature in DER.
inline bool OracleVerifySha256(const std::string& group, ByteSpan point, ByteSpan message,
                               ByteSpan der) {
  EVP_PKEY* pkey = OraclePublicKey(group, point);
  if (pkey == nullptr) return false;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md != nullptr && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(md, der.data(), der.size(), message.data(), message.size()) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace cryfttee::testing
