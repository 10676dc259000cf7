// The public API of bls.h: key types and the proof-of-possession ciphersuite (draft-04).
#include <openssl/rand.h>

#include <cstring>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/bls_internal.h"
#include "crypto/bls12_381/ct.h"
#include "crypto/bls12_381/hash_to_curve_internal.h"
#include "crypto/bls12_381/kdf.h"
#include "crypto/bls12_381/pairing.h"
#include "crypto/bls12_381/scalar.h"
#include "crypto/bls12_381/scalar_mul.h"
#include "crypto/bls12_381/serialize.h"

namespace cryfttee::bls {

using internal::G1;
using internal::G1Affine;
using internal::G2;
using internal::G2Affine;
using internal::Scalar;

struct SecretKey::Impl {
  Scalar s;
  ~Impl() { SecureWipe(s.l.data(), sizeof s.l); }
};
struct PublicKey::Impl {
  G1Affine p;
};
struct Signature::Impl {
  G2Affine p;
};

// ---- SecretKey ----

SecretKey::SecretKey() : impl_(std::make_unique<Impl>()) {}
SecretKey::SecretKey(SecretKey&&) noexcept = default;
SecretKey& SecretKey::operator=(SecretKey&&) noexcept = default;
SecretKey::~SecretKey() = default;

Result<SecretKey> SecretKey::FromBytes(ByteSpan bytes) {
  if (bytes.size() != kSecretKeySize)
    return Status::InvalidArgument("invalid_secret_key", "secret key must be 32 bytes");
  SecretKey sk;
  uint64_t ok = internal::ScalarFromBytes32(sk.impl_->s, bytes.data());
  internal::Declassify(&ok, sizeof ok);  // validity is revealed by the API anyway
  if (!ok) return Status::InvalidArgument("invalid_secret_key", "secret key must be in [1, r-1]");
  return sk;
}

Result<SecretKey> SecretKey::KeyGen(ByteSpan ikm, ByteSpan key_info) {
  if (ikm.size() < 32)
    return Status::InvalidArgument("invalid_ikm", "KeyGen needs at least 32 bytes of IKM");
  SecretKey sk;
  sk.impl_->s = internal::HkdfModR(ikm, key_info);
  return sk;
}

Result<SecretKey> SecretKey::Generate() {
  SecretBytes ikm(32);
  if (RAND_bytes(ikm.data(), int(ikm.size())) != 1)
    return Status::Internal("rng_failure", "OS random generator failed");
  return KeyGen(ikm.span());
}

std::array<uint8_t, kSecretKeySize> SecretKey::ToBytes() const {
  std::array<uint8_t, kSecretKeySize> out;
  internal::ScalarToBytes32(out.data(), impl_->s);
  return out;
}

PublicKey SecretKey::GetPublicKey() const {
  G1 p = internal::G1MulSecret(internal::FromAffine(internal::G1Generator()), impl_->s);
  G1Affine a = internal::ToAffine(p);
  internal::Declassify(&a, sizeof a);  // a public key is public
  return Internals::MakePublicKey(a);
}

Signature SecretKey::Sign(ByteSpan message, std::string_view dst) const {
  auto h = internal::HashToG2Point(message, AsBytes(dst));
  // The only failure is an empty DST, which no ciphersuite uses: the identity signature
  // returned then never verifies.
  if (!h.ok()) return Internals::MakeSignature(G2Affine{});
  G2 s = internal::G2MulSecret(*h, impl_->s);
  G2Affine a = internal::ToAffine(s);
  internal::Declassify(&a, sizeof a);  // the finished signature is public
  return Internals::MakeSignature(a);
}

Signature SecretKey::PopProve() const {
  auto pk = GetPublicKey().ToBytes();
  return Sign(pk, kDstPop);
}

// ---- PublicKey ----

PublicKey::PublicKey() : impl_(std::make_unique<Impl>()) {}
PublicKey::PublicKey(const PublicKey& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
PublicKey& PublicKey::operator=(const PublicKey& o) {
  if (this != &o) *impl_ = *o.impl_;
  return *this;
}
PublicKey::PublicKey(PublicKey&& o) noexcept : impl_(std::make_unique<Impl>(*o.impl_)) {}
PublicKey& PublicKey::operator=(PublicKey&& o) noexcept {
  *impl_ = *o.impl_;
  return *this;
}
PublicKey::~PublicKey() = default;

Result<PublicKey> PublicKey::FromBytes(ByteSpan bytes) {
  auto p = internal::G1Decode(bytes);
  if (!p.ok()) return Status::InvalidArgument("invalid_public_key", p.status().message());
  // KeyValidate: not the identity, and in the order-r subgroup.
  if (p->infinity)
    return Status::InvalidArgument("invalid_public_key", "public key is the identity");
  if (!internal::G1InSubgroupVartime(internal::FromAffine(*p)))
    return Status::InvalidArgument("invalid_public_key", "public key not in G1");
  return Internals::MakePublicKey(*p);
}

std::array<uint8_t, kPublicKeySize> PublicKey::ToBytes() const {
  std::array<uint8_t, kPublicKeySize> out;
  internal::G1Compress(out.data(), impl_->p);
  return out;
}

// ---- Signature ----

Signature::Signature() : impl_(std::make_unique<Impl>()) {}
Signature::Signature(const Signature& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Signature& Signature::operator=(const Signature& o) {
  if (this != &o) *impl_ = *o.impl_;
  return *this;
}
Signature::Signature(Signature&& o) noexcept : impl_(std::make_unique<Impl>(*o.impl_)) {}
Signature& Signature::operator=(Signature&& o) noexcept {
  *impl_ = *o.impl_;
  return *this;
}
Signature::~Signature() = default;

Result<Signature> Signature::FromBytes(ByteSpan bytes) {
  auto p = internal::G2Decode(bytes);
  if (!p.ok()) return Status::InvalidArgument("invalid_signature", p.status().message());
  if (!p->infinity && !internal::G2InSubgroupVartime(internal::FromAffine(*p)))
    return Status::InvalidArgument("invalid_signature", "signature not in G2");
  return Internals::MakeSignature(*p);
}

std::array<uint8_t, kSignatureSize> Signature::ToBytes() const {
  std::array<uint8_t, kSignatureSize> out;
  internal::G2Compress(out.data(), impl_->p);
  return out;
}

// ---- Internals ----

const G1Affine& Internals::Point(const PublicKey& pk) { return pk.impl_->p; }
const G2Affine& Internals::Point(const Signature& sig) { return sig.impl_->p; }
PublicKey Internals::MakePublicKey(const G1Affine& p) {
  PublicKey pk;
  pk.impl_->p = p;
  return pk;
}
Signature Internals::MakeSignature(const G2Affine& p) {
  Signature s;
  s.impl_->p = p;
  return s;
}

// ---- EIP-2333 ----

Result<SecretKey> DeriveMasterSK(ByteSpan seed) {
  if (seed.size() < 32)
    return Status::InvalidArgument("invalid_seed", "EIP-2333 seed must be at least 32 bytes");
  return SecretKey::KeyGen(seed);
}

Result<SecretKey> DeriveChildSK(const SecretKey& parent, uint32_t index) {
  auto bytes = parent.ToBytes();
  Scalar s;
  (void)internal::ScalarFromBytes32(s, bytes.data());
  SecureWipe(bytes.data(), bytes.size());
  Scalar child = internal::DeriveChild(s, index);
  SecureWipe(s.l.data(), sizeof s.l);
  auto child_bytes = std::array<uint8_t, 32>{};
  internal::ScalarToBytes32(child_bytes.data(), child);
  SecureWipe(child.l.data(), sizeof child.l);
  auto out = SecretKey::FromBytes(child_bytes);
  SecureWipe(child_bytes.data(), child_bytes.size());
  return out;
}

Result<SecretKey> DerivePath(ByteSpan seed, std::string_view path) {
  auto bad = [] {
    return Status::InvalidArgument("invalid_path", "path must look like m/12381/3600/0/0/0");
  };
  if (path.empty() || path[0] != 'm') return bad();
  std::vector<uint32_t> indices;
  size_t pos = 1;
  while (pos < path.size()) {
    if (path[pos] != '/') return bad();
    ++pos;
    size_t start = pos;
    uint64_t v = 0;
    while (pos < path.size() && path[pos] >= '0' && path[pos] <= '9') {
      v = v * 10 + uint64_t(path[pos] - '0');
      if (v > 0xffffffffull) return bad();
      ++pos;
    }
    if (pos == start) return bad();
    if (pos - start > 1 && path[start] == '0') return bad();  // no leading zeros
    indices.push_back(uint32_t(v));
  }
  CRYFTTEE_ASSIGN_OR_RETURN(SecretKey sk, DeriveMasterSK(seed));
  for (uint32_t index : indices) {
    CRYFTTEE_ASSIGN_OR_RETURN(SecretKey child, DeriveChildSK(sk, index));
    sk = std::move(child);
  }
  return sk;
}

}  // namespace cryfttee::bls
