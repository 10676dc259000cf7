// Access to the points behind the public API types, for tests and tools inside the project.
#pragma once

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/groups.h"

namespace cryfttee::bls {

struct Internals {
  static const internal::G1Affine& Point(const PublicKey& pk);
  static const internal::G2Affine& Point(const Signature& sig);
  // No subgroup or identity checks: the caller vouches for the point.
  static PublicKey MakePublicKey(const internal::G1Affine& p);
  static Signature MakeSignature(const internal::G2Affine& p);
};

}  // namespace cryfttee::bls
