// Internal helpers for the OpenSSL-backed parts of crypto/: owning pointers and error text.
// Not for use outside crypto/.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "core/bytes.h"
#include "core/status.h"

namespace cryfttee::crypto::internal {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_clear_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;

// The oldest queued OpenSSL error as text (and clears the queue), for log-safe messages.
std::string OpenSslError();

// Status with the OpenSSL reason appended: "<what>: <openssl reason>".
Status OpenSslFailure(std::string code, const std::string& what);

// Generates a key of a raw-key type (EVP_PKEY_ED25519, EVP_PKEY_X25519) and reads out its raw
// 32-byte private and public halves. `name` ("Ed25519") is used in errors (code "crypto_error").
Status GenerateRawKeyPair(int type, const char* name, SecretBytes* private_key, Bytes* public_key);

}  // namespace cryfttee::crypto::internal
