// Verification side of bls.h: Verify, Aggregate, AggregateVerify, FastAggregateVerify,
// PopVerify and BatchVerify. All inputs are public; the pairing is evaluated as one
// multi-Miller loop and one final exponentiation per call.
#include <openssl/rand.h>

#include <vector>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/bls_internal.h"
#include "crypto/bls12_381/hash_to_curve_internal.h"
#include "crypto/bls12_381/pairing.h"

namespace cryfttee::bls {

using internal::G1;
using internal::G1Affine;
using internal::G2;
using internal::G2Affine;
using internal::PairingInput;

namespace {

G1Affine NegG1Generator() {
  G1Affine g = internal::G1Generator();
  g.y = -g.y;
  return g;
}

// prod e(pk_i, H(m_i)) * e(-G1, sig) == 1, with pairs already holding H(m_i) (affine).
bool CheckAgainstSignature(std::vector<PairingInput>& pairs, const G2Affine& sig) {
  pairs.push_back({NegG1Generator(), sig});
  return internal::PairingProductIsOne(pairs.data(), pairs.size());
}

bool HashAffine(ByteSpan msg, std::string_view dst, G2Affine& out) {
  auto h = internal::HashToG2Point(msg, AsBytes(dst));
  if (!h.ok()) return false;
  out = internal::ToAffine(*h);
  return true;
}

}  // namespace

bool Verify(const PublicKey& pk, ByteSpan message, const Signature& sig, std::string_view dst) {
  std::vector<PairingInput> pairs(1);
  pairs[0].p = Internals::Point(pk);
  if (!HashAffine(message, dst, pairs[0].q)) return false;
  return CheckAgainstSignature(pairs, Internals::Point(sig));
}

bool PopVerify(const PublicKey& pk, const Signature& pop) {
  auto bytes = pk.ToBytes();
  return Verify(pk, bytes, pop, kDstPop);
}

Result<Signature> Aggregate(std::span<const Signature> sigs) {
  if (sigs.empty()) return Status::InvalidArgument("empty_aggregate", "no signatures to aggregate");
  G2 acc = internal::JacIdentity<internal::Fp2>();
  for (const Signature& s : sigs)
    acc = internal::JacAddVartime(acc, internal::FromAffine(Internals::Point(s)));
  return Internals::MakeSignature(internal::ToAffine(acc));
}

bool AggregateVerify(std::span<const PublicKey> pks, std::span<const ByteSpan> messages,
                     const Signature& sig, std::string_view dst) {
  if (pks.empty() || pks.size() != messages.size()) return false;
  std::vector<PairingInput> pairs(pks.size());
  for (size_t i = 0; i < pks.size(); ++i) {
    pairs[i].p = Internals::Point(pks[i]);
    if (!HashAffine(messages[i], dst, pairs[i].q)) return false;
  }
  return CheckAgainstSignature(pairs, Internals::Point(sig));
}

bool FastAggregateVerify(std::span<const PublicKey> pks, ByteSpan message, const Signature& sig,
                         std::string_view dst) {
  if (pks.empty()) return false;
  G1 acc = internal::JacIdentity<internal::Fp>();
  for (const PublicKey& pk : pks)
    acc = internal::JacAddVartime(acc, internal::FromAffine(Internals::Point(pk)));
  if (internal::JacIsIdentity(acc)) return false;  // KeyValidate of the aggregate key
  std::vector<PairingInput> pairs(1);
  pairs[0].p = internal::ToAffine(acc);
  if (!HashAffine(message, dst, pairs[0].q)) return false;
  return CheckAgainstSignature(pairs, Internals::Point(sig));
}

bool BatchVerify(std::span<const PublicKey> pks, std::span<const ByteSpan> messages,
                 std::span<const Signature> sigs, std::string_view dst) {
  const size_t n = pks.size();
  if (n == 0 || messages.size() != n || sigs.size() != n) return false;
  // Random non-zero 64-bit weights stop a batch whose invalid signatures cancel out.
  std::vector<uint64_t> c(n);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(c.data()), int(n * sizeof(uint64_t))) != 1)
    return false;
  std::vector<PairingInput> pairs(n);
  G2 sig_acc = internal::JacIdentity<internal::Fp2>();
  for (size_t i = 0; i < n; ++i) {
    c[i] |= 1;  // never zero
    pairs[i].p = internal::ToAffine(
        internal::JacMulVartime(internal::FromAffine(Internals::Point(pks[i])), &c[i], 1));
    if (!HashAffine(messages[i], dst, pairs[i].q)) return false;
    sig_acc = internal::JacAddVartime(
        sig_acc,
        internal::JacMulVartime(internal::FromAffine(Internals::Point(sigs[i])), &c[i], 1));
  }
  return CheckAgainstSignature(pairs, internal::ToAffine(sig_acc));
}

}  // namespace cryfttee::bls
