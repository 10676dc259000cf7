// Hash to G1: RFC 9380 BLS12381G1_XMD:SHA-256_SSWU_RO_ (simplified SWU onto the 11-isogenous
// curve E1', the 11-isogeny to E1, cofactor clearing with h_eff = 1 - u). Needed by threshold
// signatures in the minimal-signature-size scheme (signatures in G1) and for the Pedersen
// generator H. Kept apart from hash_to_curve.cc, which serves the signature path (G2).
//
// Inputs are public messages, so the map may branch on them. Fails only on an empty DST
// ("invalid_argument"). Stateless; safe from any thread.
#pragma once

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/bls12_381/groups.h"

namespace cryfttee::bls::internal {

// hash_to_field(msg, 2) over Fp (§5.2, L = 64).
Status HashToFieldFp(ByteSpan msg, ByteSpan dst, Fp out[2]);
// map_to_curve: SSWU on E1' then the 11-isogeny to E1 (§6.6.2, §6.6.3, App. E.2). The result is
// on E1 but not yet in G1 (the RFC vectors' Q0 and Q1).
G1 MapToCurveG1(const Fp& u);
// h_eff * P with h_eff = 1 - u = 0xd201000000010001 (§8.8.1).
G1 G1ClearCofactor(const G1& p);
// The full random-oracle hash; the result is in G1.
Result<G1> HashToG1Point(ByteSpan msg, ByteSpan dst);

}  // namespace cryfttee::bls::internal
