// Pedersen verifiable secret sharing (Pedersen 1991; as the first phase of the GJKR DKG).
//
// Phase 1: the dealer picks f (the secret polynomial) and f' (a blinding polynomial) and
// publishes C_k = a_k·G + b_k·H. Holder j receives (s_j, s'_j) = (f(j), f'(j)) and checks
// s_j·G + s'_j·H == sum_k j^k·C_k. The commitments are perfectly hiding: they reveal nothing
// about f(0), so no dealer can see the others' contributions before committing its own.
// Phase 2 (after the qualified set is fixed): the dealer publishes A_k = a_k·G (Feldman) and
// holders check s_j·G == sum_k j^k·A_k; the group key is sum of the qualified dealers' A_0.
//
// H must have no known discrete logarithm to base G, or a dealer could open a commitment to two
// different sharings. H is the RFC 9380 hash to curve of a fixed, public tag (kPedersenHTag
// under kPedersenHDst): nobody, including us, knows log_G H, and anyone can recompute it.
// Pure functions; safe from any thread.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/threshold/feldman.h"
#include "crypto/threshold/group.h"
#include "crypto/threshold/shamir.h"

namespace cryfttee::threshold {

inline constexpr std::string_view kPedersenHTag = "cryfttee threshold Pedersen-VSS generator H v1";
inline constexpr std::string_view kPedersenHDstG1 =
    "CRYFTTEE-PEDERSEN-H-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
inline constexpr std::string_view kPedersenHDstG2 =
    "CRYFTTEE-PEDERSEN-H-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";

// The second generator H of group G (computed once, then cached).
template <class G>
const typename G::Point& PedersenH();
template <>
const G1Group::Point& PedersenH<G1Group>();
template <>
const G2Group::Point& PedersenH<G2Group>();

// A dealer's two secret polynomials of the same threshold.
struct PedersenDealer {
  SecretPolynomial f;      // f(0) is the dealt secret
  SecretPolynomial blind;  // f'

  static Result<PedersenDealer> Random(uint32_t t);
  static Result<PedersenDealer> WithConstant(uint32_t t, const Fr& secret);
};

// (s, s') for one holder.
struct PedersenShare {
  Share share;
  Share blinding;
};

std::vector<PedersenShare> PedersenDeal(const PedersenDealer& d, uint32_t n);

// C_k = a_k·G + b_k·H (constant time in the coefficients).
template <class G>
std::vector<typename G::Point> PedersenCommit(const PedersenDealer& d) {
  std::vector<typename G::Point> c;
  const auto& a = d.f.coefficients();
  const auto& b = d.blind.coefficients();
  c.reserve(a.size());
  for (size_t k = 0; k < a.size(); ++k)
    c.push_back(
        G::AddSecret(G::MulSecret(G::Generator(), a[k]), G::MulSecret(PedersenH<G>(), b[k])));
  return c;
}

// s·G + s'·H == sum_k j^k·C_k.
template <class G>
bool PedersenVerifyShare(std::span<const typename G::Point> commitments, const PedersenShare& s) {
  if (commitments.empty() || s.share.index == 0 || s.share.index != s.blinding.index) return false;
  auto lhs = G::AddSecret(G::MulSecret(G::Generator(), s.share.value),
                          G::MulSecret(PedersenH<G>(), s.blinding.value));
  bls::internal::Declassify(&lhs, sizeof lhs);  // equals the public commitment evaluation
  return G::Equal(lhs, EvaluateCommitments<G>(commitments, s.share.index));
}

}  // namespace cryfttee::threshold
