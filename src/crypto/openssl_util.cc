#include "crypto/openssl_util.h"

#include <openssl/err.h>

namespace cryfttee::crypto::internal {

std::string OpenSslError() {
  unsigned long err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

Status OpenSslFailure(std::string code, const std::string& what) {
  return Status::Internal(std::move(code), what + ": " + OpenSslError());
}

Status GenerateRawKeyPair(int type, const char* name, SecretBytes* private_key, Bytes* public_key) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return OpenSslFailure("crypto_error", std::string(name) + " key generation");
  }
  EvpPkeyPtr key(raw);
  SecretBytes priv(32);
  Bytes pub(32);
  size_t priv_len = priv.size();
  size_t pub_len = pub.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), priv.data(), &priv_len) != 1 || priv_len != 32 ||
      EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &pub_len) != 1 || pub_len != 32) {
    return OpenSslFailure("crypto_error", std::string("reading a generated ") + name + " key");
  }
  *private_key = std::move(priv);
  *public_key = std::move(pub);
  return Status::Ok();
}

}  // namespace cryfttee::crypto::internal
