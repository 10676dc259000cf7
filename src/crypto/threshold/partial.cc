#include "crypto/threshold/partial.h"

#include "crypto/bls12_381/hash_to_curve_internal.h"
#include "crypto/bls12_381/hash_to_g1.h"
#include "crypto/bls12_381/pairing.h"

namespace cryfttee::threshold {

using namespace bls::internal;

Result<G2> NodeScheme::HashToSig(ByteSpan msg, std::string_view dst) {
  if (dst.empty() || dst.size() > 255)
    return Status::InvalidArgument("invalid_argument", "DST must be 1..255 bytes");
  return HashToG2Point(msg, ByteSpan(reinterpret_cast<const uint8_t*>(dst.data()), dst.size()));
}

bool NodeScheme::PairingCheck(const G1& pk, const G2& h, const G2& sig) {
  G1Affine neg_g = G1Generator();
  neg_g.y = -neg_g.y;
  PairingInput pairs[2] = {{ToAffine(pk), ToAffine(h)}, {neg_g, ToAffine(sig)}};
  // An identity key share (negligible for honest dealers) would accept the identity partial;
  // reject it explicitly, as KeyValidate does for ordinary keys.
  if (pairs[0].p.infinity) return false;
  return PairingProductIsOne(pairs, 2);
}

Result<G1> MinSigScheme::HashToSig(ByteSpan msg, std::string_view dst) {
  if (dst.empty() || dst.size() > 255)
    return Status::InvalidArgument("invalid_argument", "DST must be 1..255 bytes");
  return HashToG1Point(msg, ByteSpan(reinterpret_cast<const uint8_t*>(dst.data()), dst.size()));
}

bool MinSigScheme::PairingCheck(const G2& pk, const G1& h, const G1& sig) {
  G2Affine neg_g = G2Generator();
  neg_g.y = -neg_g.y;
  PairingInput pairs[2] = {{ToAffine(h), ToAffine(pk)}, {ToAffine(sig), neg_g}};
  if (pairs[0].q.infinity) return false;
  return PairingProductIsOne(pairs, 2);
}

}  // namespace cryfttee::threshold
