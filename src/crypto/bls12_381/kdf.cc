#include "crypto/bls12_381/kdf.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

#include "core/sha256.h"
#include "crypto/bls12_381/ct.h"

namespace cryfttee::bls::internal {
namespace {

// HMAC-SHA-256 over the concatenation of up to three parts.
void HmacSha256(const uint8_t* key, size_t key_len, ByteSpan a, ByteSpan b, ByteSpan c,
                uint8_t out[32]) {
  SecretBytes msg(a.size() + b.size() + c.size());
  if (!a.empty()) std::memcpy(msg.data(), a.data(), a.size());
  if (!b.empty()) std::memcpy(msg.data() + a.size(), b.data(), b.size());
  if (!c.empty()) std::memcpy(msg.data() + a.size() + b.size(), c.data(), c.size());
  unsigned int len = 32;
  HMAC(EVP_sha256(), key, int(key_len), msg.data(), msg.size(), out, &len);
}

// HKDF-Expand (RFC 5869) with SHA-256; out_len <= 255 * 32.
void HkdfExpand(const uint8_t prk[32], ByteSpan info, uint8_t* out, size_t out_len) {
  uint8_t t[32];
  size_t t_len = 0;
  for (size_t done = 0, i = 1; done < out_len; ++i) {
    const uint8_t counter = uint8_t(i);
    HmacSha256(prk, 32, ByteSpan(t, t_len), info, ByteSpan(&counter, 1), t);
    t_len = 32;
    size_t n = out_len - done < 32 ? out_len - done : 32;
    std::memcpy(out + done, t, n);
    done += n;
  }
  SecureWipe(t, sizeof t);
}

}  // namespace

Scalar HkdfModR(ByteSpan ikm, ByteSpan key_info) {
  // salt starts as "BLS-SIG-KEYGEN-SALT-" and is hashed before every round (draft-04).
  Sha256Digest salt = Sha256(AsBytes("BLS-SIG-KEYGEN-SALT-"));
  const uint8_t zero = 0;
  const uint8_t l_be[2] = {0, 48};
  Scalar sk;
  for (;;) {
    uint8_t prk[32], okm[48];
    HmacSha256(salt.data(), salt.size(), ikm, ByteSpan(&zero, 1), {}, prk);
    SecretBytes info(key_info.size() + 2);
    if (!key_info.empty()) std::memcpy(info.data(), key_info.data(), key_info.size());
    std::memcpy(info.data() + key_info.size(), l_be, 2);
    HkdfExpand(prk, info.span(), okm, 48);
    sk = ScalarFromBytes48Reduce(okm);
    SecureWipe(prk, sizeof prk);
    SecureWipe(okm, sizeof okm);
    // Whether sk is zero (probability ~2^-255) reveals nothing useful; declassify that one bit so
    // the loop condition is not a secret-dependent branch.
    uint64_t zero_mask = ScalarIsZeroMask(sk);
    Declassify(&zero_mask, sizeof zero_mask);
    if (zero_mask == 0) break;
    salt = Sha256(salt);
  }
  return sk;
}

Scalar DeriveChild(const Scalar& parent, uint32_t index) {
  // parent_SK_to_lamport_PK: two 255-chunk Lamport secret keys from IKM and its complement,
  // each chunk hashed, and the whole concatenation hashed once more.
  const uint8_t salt[4] = {uint8_t(index >> 24), uint8_t(index >> 16), uint8_t(index >> 8),
                           uint8_t(index)};
  uint8_t ikm[32];
  ScalarToBytes32(ikm, parent);
  Sha256Hasher compressed;
  SecretBytes lamport(255 * 32);
  for (int half = 0; half < 2; ++half) {
    if (half == 1)
      for (auto& b : ikm) b = uint8_t(~b);
    uint8_t prk[32];
    HmacSha256(salt, sizeof salt, ByteSpan(ikm, 32), {}, {}, prk);  // HKDF-Extract(salt, IKM)
    HkdfExpand(prk, {}, lamport.data(), lamport.size());
    SecureWipe(prk, sizeof prk);
    for (int i = 0; i < 255; ++i) {
      Sha256Digest h = Sha256(ByteSpan(lamport.data() + 32 * i, 32));
      compressed.Update(h);
    }
  }
  SecureWipe(ikm, sizeof ikm);
  Sha256Digest lamport_pk = compressed.Finish();
  Scalar child = HkdfModR(lamport_pk, {});
  SecureWipe(lamport_pk.data(), lamport_pk.size());
  return child;
}

}  // namespace cryfttee::bls::internal
