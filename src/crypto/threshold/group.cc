#include "crypto/threshold/group.h"

#include <bit>

#include "crypto/bls12_381/scalar_mul.h"
#include "crypto/bls12_381/serialize.h"

namespace cryfttee::threshold {

using namespace bls::internal;

namespace {

template <class F>
Jacobian<F> MulSmallVartime(const Jacobian<F>& p, uint64_t k) {
  Jacobian<F> acc = JacIdentity<F>();
  for (int i = 63 - std::countl_zero(k | 1); i >= 0; --i) {
    acc = JacDouble(acc);
    if ((k >> i) & 1) acc = JacAddVartime(acc, p);
  }
  return acc;
}

}  // namespace

G1Group::Point G1Group::Generator() { return FromAffine(G1Generator()); }

G1Group::Encoded G1Group::Encode(const Point& p) {
  Encoded out;
  G1Compress(out.data(), ToAffine(p));
  return out;
}

Result<G1Group::Point> G1Group::Decode(ByteSpan bytes) {
  auto a = G1Decode(bytes);
  if (!a.ok()) return a.status();
  Point p = FromAffine(*a);
  if (!a->infinity && !G1InSubgroupVartime(p))
    return Status::InvalidArgument("invalid_point", "G1 point is not in the subgroup");
  return p;
}

G1Group::Point G1Group::MulSecret(const Point& p, const Fr& k) {
  Scalar s = FrToScalar(k);
  Point r = G1MulSecret(p, s);
  SecureWipe(&s, sizeof s);
  return r;
}

G1Group::Point G1Group::MulPublic(const Point& p, const Fr& k) {
  Scalar s = FrToScalar(k);
  return JacMulVartime(p, s.l.data(), 4);
}

G1Group::Point G1Group::MulSmall(const Point& p, uint64_t k) { return MulSmallVartime(p, k); }
G1Group::Point G1Group::Add(const Point& a, const Point& b) { return JacAddVartime(a, b); }
G1Group::Point G1Group::AddSecret(const Point& a, const Point& b) { return JacAddCtDistinct(a, b); }
bool G1Group::Equal(const Point& a, const Point& b) { return JacEqualVartime(a, b); }

G2Group::Point G2Group::Generator() { return FromAffine(G2Generator()); }

G2Group::Encoded G2Group::Encode(const Point& p) {
  Encoded out;
  G2Compress(out.data(), ToAffine(p));
  return out;
}

Result<G2Group::Point> G2Group::Decode(ByteSpan bytes) {
  auto a = G2Decode(bytes);
  if (!a.ok()) return a.status();
  Point p = FromAffine(*a);
  if (!a->infinity && !G2InSubgroupVartime(p))
    return Status::InvalidArgument("invalid_point", "G2 point is not in the subgroup");
  return p;
}

G2Group::Point G2Group::MulSecret(const Point& p, const Fr& k) {
  Scalar s = FrToScalar(k);
  Point r = G2MulSecret(p, s);
  SecureWipe(&s, sizeof s);
  return r;
}

G2Group::Point G2Group::MulPublic(const Point& p, const Fr& k) {
  Scalar s = FrToScalar(k);
  return JacMulVartime(p, s.l.data(), 4);
}

G2Group::Point G2Group::MulSmall(const Point& p, uint64_t k) { return MulSmallVartime(p, k); }
G2Group::Point G2Group::Add(const Point& a, const Point& b) { return JacAddVartime(a, b); }
G2Group::Point G2Group::AddSecret(const Point& a, const Point& b) { return JacAddCtDistinct(a, b); }
bool G2Group::Equal(const Point& a, const Point& b) { return JacEqualVartime(a, b); }

}  // namespace cryfttee::threshold
