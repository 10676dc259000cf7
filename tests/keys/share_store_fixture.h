// Deterministic share versions for the share store tests (content is a function of the
// version, so a reader can check any file it finds without knowing what the writer did).
#pragma once

#include "crypto/threshold/feldman.h"
#include "keys/share_store.h"

namespace cryfttee::keys::testing {

inline Bytes IdentityKey(uint8_t tag = 1) { return Bytes(32, tag); }

inline ShareVersion VersionFor(uint64_t version) {
  using namespace bls::internal;
  uint32_t t = 1 + version % 4;
  std::vector<Fr> c;
  for (uint32_t k = 0; k < t; ++k) c.push_back(FrFromU64(version * 1000 + k + 1));
  auto f = threshold::SecretPolynomial::FromCoefficients(c);
  ShareVersion v;
  v.version = version;
  v.threshold = t;
  v.share = threshold::Share(uint32_t(1 + version % 7), f.Evaluate(uint32_t(1 + version % 7)));
  v.verification = threshold::FeldmanCommit<threshold::G1Group>(f);
  return v;
}

inline bool Same(const ShareVersion& a, const ShareVersion& b) {
  if (a.version != b.version || a.threshold != b.threshold || a.share.index != b.share.index ||
      !bls::internal::FrEqMask(a.share.value, b.share.value) ||
      a.verification.size() != b.verification.size())
    return false;
  for (size_t k = 0; k < a.verification.size(); ++k)
    if (!threshold::G1Group::Equal(a.verification[k], b.verification[k])) return false;
  return true;
}

}  // namespace cryfttee::keys::testing
