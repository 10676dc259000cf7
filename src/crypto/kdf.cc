#include "crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <limits>
#include <memory>

#include "crypto/openssl_util.h"

namespace cryfttee::crypto {
namespace {

using KdfPtr = std::unique_ptr<EVP_KDF, internal::Deleter<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, internal::Deleter<EVP_KDF_CTX_free>>;

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
void* Mutable(ByteSpan s) {
  static uint8_t empty = 0;
  return s.empty() ? &empty : const_cast<uint8_t*>(s.data());
}

Result<SecretBytes> Derive(const char* name, OSSL_PARAM* params, size_t out_len) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, name, nullptr));
  if (!kdf) return internal::OpenSslFailure("kdf_unavailable", std::string("fetching ") + name);
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return internal::OpenSslFailure("kdf_failure", "allocating KDF context");
  SecretBytes out(out_len);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return internal::OpenSslFailure("kdf_failure", std::string(name) + " derivation failed");
  }
  return out;
}

}  // namespace

Result<SecretBytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t out_len) {
  if (out_len == 0 || out_len > 255 * 32) {
    return Status::InvalidArgument("invalid_kdf_params", "HKDF output length out of range");
  }
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, Mutable(ikm), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, Mutable(salt), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, Mutable(info), info.size()),
      OSSL_PARAM_construct_end(),
  };
  return Derive(OSSL_KDF_NAME_HKDF, params, out_len);
}

Result<SecretBytes> Pbkdf2HmacSha256(ByteSpan password, ByteSpan salt, uint32_t iterations,
                                     size_t out_len) {
  if (iterations == 0 || out_len == 0) {
    return Status::InvalidArgument("invalid_kdf_params", "PBKDF2 needs iterations and length");
  }
  char digest[] = "SHA256";
  uint64_t iter = iterations;
  // The SP 800-132 lower limits (salt >= 128 bits) are off so that any spec vector works.
  int pkcs5 = 1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, Mutable(password),
                                        password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, Mutable(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5),
      OSSL_PARAM_construct_end(),
  };
  return Derive(OSSL_KDF_NAME_PBKDF2, params, out_len);
}

uint64_t ScryptMemoryBytes(const ScryptParams& p) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (p.r == 0 || p.p == 0 || p.n == 0) return 0;
  uint64_t block = 128ull * p.r;
  if (p.n > kMax / block) return 0;
  uint64_t v = block * p.n;
  if (block > kMax / p.p) return 0;
  uint64_t b = block * p.p;
  if (v > kMax - b) return 0;
  return v + b;
}

Result<SecretBytes> Scrypt(ByteSpan password, ByteSpan salt, const ScryptParams& sp, size_t out_len,
                           uint64_t max_memory) {
  bool power_of_two = sp.n > 1 && (sp.n & (sp.n - 1)) == 0;
  uint64_t memory = ScryptMemoryBytes(sp);
  if (!power_of_two || memory == 0 || out_len == 0) {
    return Status::InvalidArgument("invalid_kdf_params",
                                   "scrypt needs n a power of two > 1, r > 0 and p > 0");
  }
  if (memory > max_memory) {
    return Status::InvalidArgument(
        "invalid_kdf_params", "scrypt parameters need " + std::to_string(memory >> 20) +
                                  " MiB, over the limit of " + std::to_string(max_memory >> 20) +
                                  " MiB");
  }
  uint64_t n = sp.n;
  uint32_t r = sp.r, p = sp.p;
  // OpenSSL's own limit must leave room for its bookkeeping above our estimate.
  uint64_t maxmem = memory + (1 << 20);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, Mutable(password),
                                        password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, Mutable(salt), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  return Derive(OSSL_KDF_NAME_SCRYPT, params, out_len);
}

}  // namespace cryfttee::crypto
