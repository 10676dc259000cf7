#include "crypto/aes.h"

#include <climits>

#include "crypto/openssl_util.h"

namespace cryfttee::crypto {
namespace {

using internal::EvpCipherCtxPtr;
using internal::OpenSslFailure;

bool FitsInt(size_t n) { return n <= static_cast<size_t>(INT_MAX); }

}  // namespace

Result<Bytes> Aes256GcmSeal(ByteSpan key, ByteSpan nonce, ByteSpan aad, ByteSpan plaintext) {
  if (key.size() != kAesGcmKeySize || nonce.size() != kAesGcmNonceSize) {
    return Status::InvalidArgument("invalid_cipher_params",
                                   "AES-256-GCM needs a 32-byte key "
                                   "and a 12-byte nonce");
  }
  if (!FitsInt(plaintext.size()) || !FitsInt(aad.size())) {
    return Status::InvalidArgument("invalid_cipher_params", "input too large");
  }
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM init");
  }
  Bytes out(plaintext.size() + kAesGcmTagSize);
  int len = 0;
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM aad");
  }
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM encrypt");
  }
  int tail = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kAesGcmTagSize,
                          out.data() + plaintext.size()) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM final");
  }
  return out;
}

Result<SecretBytes> Aes256GcmOpen(ByteSpan key, ByteSpan nonce, ByteSpan aad, ByteSpan sealed) {
  if (key.size() != kAesGcmKeySize || nonce.size() != kAesGcmNonceSize) {
    return Status::InvalidArgument("invalid_cipher_params",
                                   "AES-256-GCM needs a 32-byte key "
                                   "and a 12-byte nonce");
  }
  if (sealed.size() < kAesGcmTagSize || !FitsInt(sealed.size()) || !FitsInt(aad.size())) {
    return Status::InvalidArgument("decryption_failed", "sealed data too short or too large");
  }
  size_t ct_len = sealed.size() - kAesGcmTagSize;
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM init");
  }
  SecretBytes out(ct_len);
  int len = 0;
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM aad");
  }
  if (EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data(), static_cast<int>(ct_len)) !=
      1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM decrypt");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kAesGcmTagSize,
                          const_cast<uint8_t*>(sealed.data() + ct_len)) != 1) {
    return OpenSslFailure("cipher_failure", "AES-256-GCM tag");
  }
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    out.Wipe();
    return Status::InvalidArgument("decryption_failed",
                                   "authentication failed: wrong key or tampered data");
  }
  return out;
}

Result<SecretBytes> Aes128Ctr(ByteSpan key, ByteSpan iv, ByteSpan data) {
  if (key.size() != 16 || iv.size() != 16) {
    return Status::InvalidArgument("invalid_cipher_params",
                                   "AES-128-CTR needs a 16-byte key and a 16-byte iv");
  }
  if (!FitsInt(data.size())) return Status::InvalidArgument("invalid_cipher_params", "too large");
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) != 1) {
    return OpenSslFailure("cipher_failure", "AES-128-CTR init");
  }
  SecretBytes out(data.size());
  int len = 0, tail = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) !=
          1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    return OpenSslFailure("cipher_failure", "AES-128-CTR");
  }
  return out;
}

}  // namespace cryfttee::crypto
