// ZCash point encodings (as used by Ethereum and AvalancheGo): big-endian coordinates, Fp2 as
// c1 then c0, flag bits in the top three bits of byte 0: 0x80 compressed, 0x40 infinity,
// 0x20 y is the lexicographically largest root (compressed, non-identity only).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/bls12_381/groups.h"

namespace cryfttee::bls::internal {

// Encoders are constant time: a freshly made signature is secret-derived until it is output.
void G1Compress(uint8_t out[48], const G1Affine& p);
void G1Uncompressed(uint8_t out[96], const G1Affine& p);
void G2Compress(uint8_t out[96], const G2Affine& p);
void G2Uncompressed(uint8_t out[192], const G2Affine& p);

// Decoders accept the compressed or uncompressed size and enforce every flag rule, canonical
// coordinates (< p) and the curve equation. They do NOT check the subgroup; callers do.
// Error code "invalid_point" with a message saying which rule failed.
Result<G1Affine> G1Decode(ByteSpan in);
Result<G2Affine> G2Decode(ByteSpan in);

}  // namespace cryfttee::bls::internal
