// HKDF-SHA-256 pieces and the KeyGen / EIP-2333 derivations built from them.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/bls12_381/scalar.h"

namespace cryfttee::bls::internal {

// IETF BLS draft-04 KeyGen = EIP-2333 HKDF_mod_r. ikm must be at least 32 bytes (checked by the
// callers, which know their error codes).
Scalar HkdfModR(ByteSpan ikm, ByteSpan key_info);
// EIP-2333 derive_child_SK.
Scalar DeriveChild(const Scalar& parent, uint32_t index);

}  // namespace cryfttee::bls::internal
