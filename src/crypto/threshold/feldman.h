// Feldman verifiable secret sharing: the dealer publishes C_k = a_k·G for its polynomial
// f(x) = sum a_k x^k, and the holder of share s_j = f(j) checks s_j·G == sum_k j^k·C_k.
// C_0 = f(0)·G is the public key of the shared secret. G is the generator of G1 (the node's
// scheme: public keys in G1) or of G2 (the KMS contract: commitments are G2 points).
//
// Commitments reveal f(0)·G, so Feldman alone lets a dealer that sees the others' commitments
// bias the group key in a DKG; pedersen.h is the production default (docs/threshold.md).
// Pure functions; safe from any thread.
#pragma once

#include <span>
#include <vector>

#include "crypto/bls12_381/ct.h"
#include "crypto/threshold/group.h"
#include "crypto/threshold/shamir.h"

namespace cryfttee::threshold {

// C_k = a_k·G. The coefficients are secret: constant-time multiplications.
template <class G>
std::vector<typename G::Point> FeldmanCommit(const SecretPolynomial& f) {
  std::vector<typename G::Point> c;
  c.reserve(f.threshold());
  for (const Fr& a : f.coefficients()) c.push_back(G::MulSecret(G::Generator(), a));
  return c;
}

// s·G == sum_k index^k·C_k. The share is secret (constant-time multiplication); the result of
// the comparison is public.
template <class G>
bool FeldmanVerifyShare(std::span<const typename G::Point> commitments, const Share& share) {
  if (commitments.empty() || share.index == 0) return false;
  typename G::Point lhs = G::MulSecret(G::Generator(), share.value);
  // s·G is the holder's public key share (anyone can compute it from the commitments), so
  // comparing it in variable time reveals nothing; tell the valgrind CT check so.
  bls::internal::Declassify(&lhs, sizeof lhs);
  return G::Equal(lhs, EvaluateCommitments<G>(commitments, share.index));
}

// The public key share of operator `index`: f(index)·G.
template <class G>
typename G::Point PublicShare(std::span<const typename G::Point> commitments, uint32_t index) {
  return EvaluateCommitments<G>(commitments, index);
}

}  // namespace cryfttee::threshold
