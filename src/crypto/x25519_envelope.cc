#include "crypto/x25519_envelope.h"

#include <openssl/evp.h>

#include <string_view>

#include "crypto/aes.h"
#include "crypto/kdf.h"
#include "crypto/openssl_util.h"

namespace cryfttee::crypto {
namespace {

using internal::EvpPkeyCtxPtr;
using internal::EvpPkeyPtr;

constexpr std::string_view kInfo = "cryfttee-x25519-envelope-v1";

Result<EvpPkeyPtr> PrivateKey(const SecretBytes& raw) {
  if (raw.size() != kX25519KeySize) {
    return Status::InvalidArgument("invalid_private_key", "an X25519 private key is 32 bytes");
  }
  EvpPkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size()));
  if (!key) {
    return Status::InvalidArgument("invalid_private_key",
                                   "X25519 private key: " + internal::OpenSslError());
  }
  return key;
}

Result<EvpPkeyPtr> PublicKey(ByteSpan raw) {
  if (raw.size() != kX25519KeySize) {
    return Status::InvalidArgument("invalid_public_key", "an X25519 public key is 32 bytes");
  }
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size()));
  if (!key) {
    return Status::InvalidArgument("invalid_public_key",
                                   "X25519 public key: " + internal::OpenSslError());
  }
  return key;
}

Result<Bytes> RawPublic(EVP_PKEY* key) {
  Bytes pub(kX25519KeySize);
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key, pub.data(), &len) != 1 || len != pub.size()) {
    return internal::OpenSslFailure("crypto_error", "reading an X25519 public key");
  }
  return pub;
}

// X25519(ours, theirs). OpenSSL refuses to derive the all-zero secret that a low-order public key
// produces, which is the check RFC 7748 §6.1 asks for.
Result<SecretBytes> SharedSecret(EVP_PKEY* ours, EVP_PKEY* theirs) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(ours, nullptr));
  SecretBytes secret(kX25519KeySize);
  size_t len = secret.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), theirs) != 1 ||
      EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1 || len != kX25519KeySize) {
    internal::OpenSslError();  // clear the queue; the reason is not secret but is not useful
    return Status::InvalidArgument("invalid_public_key",
                                   "X25519 agreement failed (low-order public key?)");
  }
  return secret;
}

struct KeyAndNonce {
  SecretBytes key;
  Bytes nonce;
};

Result<KeyAndNonce> DeriveKeyAndNonce(const SecretBytes& shared, ByteSpan ephemeral_public,
                                      ByteSpan recipient_public) {
  Bytes salt(ephemeral_public.begin(), ephemeral_public.end());
  salt.insert(salt.end(), recipient_public.begin(), recipient_public.end());
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes okm, HkdfSha256(shared.span(), salt, AsBytes(kInfo),
                                                        kAesGcmKeySize + kAesGcmNonceSize));
  KeyAndNonce out;
  out.key = SecretBytes(okm.span().first(kAesGcmKeySize));
  out.nonce.assign(okm.data() + kAesGcmKeySize, okm.data() + okm.size());
  return out;
}

}  // namespace

Result<X25519KeyPair> X25519Generate() {
  X25519KeyPair pair;
  CRYFTTEE_RETURN_IF_ERROR(
      internal::GenerateRawKeyPair(EVP_PKEY_X25519, "X25519", &pair.private_key, &pair.public_key));
  return pair;
}

Result<Bytes> X25519PublicKey(const SecretBytes& private_key) {
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr key, PrivateKey(private_key));
  return RawPublic(key.get());
}

Result<Bytes> SealToRecipient(ByteSpan recipient_public_key, ByteSpan aad, ByteSpan plaintext) {
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr recipient, PublicKey(recipient_public_key));
  CRYFTTEE_ASSIGN_OR_RETURN(X25519KeyPair ephemeral, X25519Generate());
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr ephemeral_key, PrivateKey(ephemeral.private_key));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes shared, SharedSecret(ephemeral_key.get(), recipient.get()));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyAndNonce kn,
                            DeriveKeyAndNonce(shared, ephemeral.public_key, recipient_public_key));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes sealed, Aes256GcmSeal(kn.key.span(), kn.nonce, aad, plaintext));
  Bytes envelope;
  envelope.reserve(kX25519EnvelopeOverhead + plaintext.size());
  envelope.push_back(kX25519EnvelopeVersion);
  envelope.insert(envelope.end(), ephemeral.public_key.begin(), ephemeral.public_key.end());
  envelope.insert(envelope.end(), sealed.begin(), sealed.end());
  return envelope;
}

Result<SecretBytes> OpenEnvelope(const SecretBytes& recipient_private_key, ByteSpan aad,
                                 ByteSpan envelope) {
  if (envelope.size() < kX25519EnvelopeOverhead) {
    return Status::InvalidArgument("invalid_envelope", "envelope shorter than its fixed overhead");
  }
  if (envelope[0] != kX25519EnvelopeVersion) {
    return Status::InvalidArgument("invalid_envelope",
                                   "unknown envelope version " + std::to_string(envelope[0]));
  }
  ByteSpan ephemeral_public = envelope.subspan(1, kX25519KeySize);
  ByteSpan sealed = envelope.subspan(1 + kX25519KeySize);
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr ours, PrivateKey(recipient_private_key));
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes our_public, RawPublic(ours.get()));
  CRYFTTEE_ASSIGN_OR_RETURN(EvpPkeyPtr ephemeral, PublicKey(ephemeral_public));
  CRYFTTEE_ASSIGN_OR_RETURN(SecretBytes shared, SharedSecret(ours.get(), ephemeral.get()));
  CRYFTTEE_ASSIGN_OR_RETURN(KeyAndNonce kn,
                            DeriveKeyAndNonce(shared, ephemeral_public, our_public));
  return Aes256GcmOpen(kn.key.span(), kn.nonce, aad, sealed);
}

}  // namespace cryfttee::crypto
