// Point-level hash to G2, shared by hash_to_curve.cc and the signature code.
#pragma once

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/bls12_381/groups.h"

namespace cryfttee::bls::internal {

// hash_to_field(msg, 2) over Fp2 (RFC 9380 §5.2). dst must be non-empty.
Status HashToFieldFp2Points(ByteSpan msg, ByteSpan dst, Fp2 out[2]);
// map_to_curve for u[0] and u[1]: simplified SWU onto E2' followed by the 3-isogeny to E2
// (RFC 9380 §6.6.2, §6.6.3, App. E.3).
void MapToCurveG2Pair(const Fp2 u[2], G2 out[2]);
// Full BLS12381G2_XMD:SHA-256_SSWU_RO_; the result is in G2. dst must be non-empty.
Result<G2> HashToG2Point(ByteSpan msg, ByteSpan dst);

}  // namespace cryfttee::bls::internal
