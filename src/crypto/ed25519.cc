#include "crypto/ed25519.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "crypto/openssl_util.h"

namespace cryfttee::crypto {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

Status BadKey(const char* what) { return Status::InvalidArgument("invalid_private_key", what); }

Result<PkeyPtr> PrivateKey(const SecretBytes& seed) {
  if (seed.size() != kEd25519SeedSize) return BadKey("an Ed25519 private key is 32 bytes");
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
              &EVP_PKEY_free);
  if (!key) return Status::Internal("crypto_error", "OpenSSL rejected an Ed25519 seed");
  return key;
}

Result<Bytes> RawPublic(EVP_PKEY* key) {
  Bytes pub(kEd25519PublicKeySize);
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key, pub.data(), &len) != 1 || len != pub.size()) {
    return Status::Internal("crypto_error", "cannot read Ed25519 public key");
  }
  return pub;
}

}  // namespace

Result<Ed25519KeyPair> Ed25519Generate() {
  Ed25519KeyPair pair;
  CRYFTTEE_RETURN_IF_ERROR(
      internal::GenerateRawKeyPair(EVP_PKEY_ED25519, "Ed25519", &pair.seed, &pair.public_key));
  return pair;
}

Result<Bytes> Ed25519PublicKey(const SecretBytes& seed) {
  CRYFTTEE_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKey(seed));
  return RawPublic(key.get());
}

Result<Bytes> Ed25519Sign(const SecretBytes& seed, ByteSpan message) {
  CRYFTTEE_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKey(seed));
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  Bytes sig(kEd25519SignatureSize);
  size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 ||
      len != sig.size()) {
    return Status::Internal("crypto_error", "Ed25519 signing failed");
  }
  return sig;
}

bool Ed25519Verify(ByteSpan public_key, ByteSpan message, ByteSpan signature) {
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) {
    return false;
  }
  PkeyPtr key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()),
      &EVP_PKEY_free);
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

Result<SecretBytes> Ed25519SeedToPem(const SecretBytes& seed) {
  CRYFTTEE_ASSIGN_OR_RETURN(PkeyPtr key, PrivateKey(seed));
  BioPtr bio(BIO_new(BIO_s_secmem()), &BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal("crypto_error", "cannot encode Ed25519 private key");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0) return Status::Internal("crypto_error", "cannot encode Ed25519 private key");
  return SecretBytes(ByteSpan(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(n)));
}

Result<SecretBytes> Ed25519SeedFromPem(ByteSpan pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return Status::Internal("crypto_error", "out of memory");
  // A null callback would make OpenSSL prompt on the terminal for an encrypted key.
  auto no_password = [](char*, int, int, void*) -> int { return 0; };
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr), &EVP_PKEY_free);
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return BadKey("not a PEM-encoded Ed25519 private key (PKCS#8)");
  }
  SecretBytes seed(kEd25519SeedSize);
  size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &len) != 1 || len != kEd25519SeedSize) {
    return BadKey("cannot read the Ed25519 private key");
  }
  return seed;
}

}  // namespace cryfttee::crypto
