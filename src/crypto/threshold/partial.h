// Threshold BLS signatures: partial signatures with a Shamir share, their verification against
// the public verification vector, and recombination of t valid partials (Lagrange in the
// exponent) into an ordinary BLS signature under the group public key.
//
// Generic over the scheme (pairs of groups):
//   NodeScheme    public keys in G1, signatures in G2, DST BLS_SIG_..._POP_ (AvalancheGo/eth);
//   MinSigScheme  public keys in G2, signatures in G1, DST BLS_SIG_BLS12381G1_..._NUL_ (the
//                 KMS `/app/sign` contract: partial = share·H(appID) in G1, commitments in G2).
// Failure codes: "invalid_index", "duplicate_index", "not_enough_partials", "invalid_argument".
// Pure functions; safe from any thread.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/threshold/feldman.h"
#include "crypto/threshold/group.h"
#include "crypto/threshold/shamir.h"

namespace cryfttee::threshold {

struct NodeScheme {
  using PkGroup = G1Group;
  using SigGroup = G2Group;
  static constexpr std::string_view kDefaultDst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
  // H(msg) in the signature group. Fails only for an empty DST.
  static Result<SigGroup::Point> HashToSig(ByteSpan msg, std::string_view dst);
  // e(pk, h) == e(G_pk, sig), i.e. sig is pk's signature on the message hashing to h.
  static bool PairingCheck(const PkGroup::Point& pk, const SigGroup::Point& h,
                           const SigGroup::Point& sig);
};

struct MinSigScheme {
  using PkGroup = G2Group;
  using SigGroup = G1Group;
  static constexpr std::string_view kDefaultDst = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";
  static Result<SigGroup::Point> HashToSig(ByteSpan msg, std::string_view dst);
  // e(sig, G2) == e(h, pk).
  static bool PairingCheck(const PkGroup::Point& pk, const SigGroup::Point& h,
                           const SigGroup::Point& sig);
};

template <class S>
struct PartialSignature {
  uint32_t index = 0;
  typename S::SigGroup::Point point;
};

// share·H(msg). Constant time in the share.
template <class S>
Result<typename S::SigGroup::Point> PartialSign(const Share& share, ByteSpan msg,
                                                std::string_view dst = S::kDefaultDst) {
  auto h = S::HashToSig(msg, dst);
  if (!h.ok()) return h.status();
  return S::SigGroup::MulSecret(*h, share.value);
}

// Checks one partial against the verification vector (f(index)·G = sum index^k·V_k).
template <class S>
bool VerifyPartial(std::span<const typename S::PkGroup::Point> verification_vector,
                   const typename S::SigGroup::Point& hashed_message,
                   const PartialSignature<S>& partial) {
  if (partial.index < 1 || partial.index > kMaxParticipants || verification_vector.empty())
    return false;
  auto pk = PublicShare<typename S::PkGroup>(verification_vector, partial.index);
  return S::PairingCheck(pk, hashed_message, partial.point);
}

// sum lambda_i·sig_i over exactly the given partials (no verification).
template <class S>
Result<typename S::SigGroup::Point> Interpolate(std::span<const PartialSignature<S>> partials) {
  std::vector<uint32_t> idx;
  for (const auto& p : partials) idx.push_back(p.index);
  auto lambdas = LagrangeCoefficients(idx);
  if (!lambdas.ok()) return lambdas.status();
  typename S::SigGroup::Point acc = bls::internal::JacIdentity<decltype(acc.x)>();
  for (size_t k = 0; k < partials.size(); ++k)
    acc = S::SigGroup::Add(acc, S::SigGroup::MulPublic(partials[k].point, (*lambdas)[k]));
  return acc;
}

template <class S>
struct CombineResult {
  typename S::SigGroup::Point signature;
  std::vector<uint32_t> invalid;  // indices whose partial failed verification
};

// Verifies every partial, names the invalid ones, and recombines the first `threshold` valid
// ones (by position). "not_enough_partials" when fewer than `threshold` are valid; the
// invalid list is then in the error message. Duplicate indices are rejected outright.
template <class S>
Result<CombineResult<S>> Combine(uint32_t threshold,
                                 std::span<const typename S::PkGroup::Point> verification_vector,
                                 ByteSpan msg, std::span<const PartialSignature<S>> partials,
                                 std::string_view dst = S::kDefaultDst) {
  if (threshold < 1 || threshold != verification_vector.size())
    return Status::InvalidArgument("invalid_threshold",
                                   "threshold must equal the verification vector's length");
  std::vector<uint32_t> all;
  for (const auto& p : partials) all.push_back(p.index);
  if (!all.empty()) {
    auto check = LagrangeCoefficients(all);  // validates range and distinctness
    if (!check.ok()) return check.status();
  }
  auto h = S::HashToSig(msg, dst);
  if (!h.ok()) return h.status();
  CombineResult<S> out;
  std::vector<PartialSignature<S>> valid;
  for (const auto& p : partials) {
    if (VerifyPartial<S>(verification_vector, *h, p)) {
      if (valid.size() < threshold) valid.push_back(p);
    } else {
      out.invalid.push_back(p.index);
    }
  }
  if (valid.size() < threshold) {
    std::string names;
    for (uint32_t i : out.invalid) names += (names.empty() ? "" : ",") + std::to_string(i);
    return Status::InvalidArgument("not_enough_partials",
                                   std::to_string(valid.size()) + " valid partials, need " +
                                       std::to_string(threshold) +
                                       (names.empty() ? "" : "; invalid: " + names));
  }
  auto sig = Interpolate<S>(valid);
  if (!sig.ok()) return sig.status();
  out.signature = *sig;
  return out;
}

}  // namespace cryfttee::threshold
