#include "crypto/threshold/pedersen.h"

#include <cstdlib>

#include "crypto/bls12_381/hash_to_curve_internal.h"
#include "crypto/bls12_381/hash_to_g1.h"

namespace cryfttee::threshold {
namespace {

ByteSpan Span(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

template <>
const G1Group::Point& PedersenH<G1Group>() {
  static const G1Group::Point h = [] {
    auto p = bls::internal::HashToG1Point(Span(kPedersenHTag), Span(kPedersenHDstG1));
    if (!p.ok()) std::abort();  // fixed non-empty inputs: cannot fail
    return *p;
  }();
  return h;
}

template <>
const G2Group::Point& PedersenH<G2Group>() {
  static const G2Group::Point h = [] {
    auto p = bls::internal::HashToG2Point(Span(kPedersenHTag), Span(kPedersenHDstG2));
    if (!p.ok()) std::abort();
    return *p;
  }();
  return h;
}

Result<PedersenDealer> PedersenDealer::Random(uint32_t t) {
  auto a0 = RandomScalar();
  if (!a0.ok()) return a0.status();
  return WithConstant(t, *a0);
}

Result<PedersenDealer> PedersenDealer::WithConstant(uint32_t t, const Fr& secret) {
  auto f = SecretPolynomial::WithConstant(t, secret);
  if (!f.ok()) return f.status();
  auto b = SecretPolynomial::Random(t);
  if (!b.ok()) return b.status();
  return PedersenDealer{std::move(f).value(), std::move(b).value()};
}

std::vector<PedersenShare> PedersenDeal(const PedersenDealer& d, uint32_t n) {
  std::vector<PedersenShare> out;
  out.reserve(n);
  for (uint32_t i = 1; i <= n; ++i)
    out.push_back({Share(i, d.f.Evaluate(i)), Share(i, d.blind.Evaluate(i))});
  return out;
}

}  // namespace cryfttee::threshold
