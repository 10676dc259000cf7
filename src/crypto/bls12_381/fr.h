// Arithmetic in the scalar field Fr (r = the order of G1 and G2, 255 bits), for threshold
// cryptography: polynomial evaluation, Lagrange coefficients, share combination. Montgomery form
// with R = 2^256, four little-endian 64-bit limbs, always fully reduced.
//
// Every function is constant time in the values of its operands (no secret-dependent branches
// or memory indices): shares and polynomial coefficients are secrets. Kept in its own file so
// it does not touch the signature code (scalar.h holds only the encodings that signing needs).
#pragma once

#include <array>
#include <cstdint>

#include "crypto/bls12_381/scalar.h"

namespace cryfttee::bls::internal {

struct Fr {
  std::array<uint64_t, 4> l{};  // Montgomery representation
};

Fr FrAdd(const Fr& a, const Fr& b);
Fr FrSub(const Fr& a, const Fr& b);
Fr FrNeg(const Fr& a);
Fr FrMul(const Fr& a, const Fr& b);
// a^(r-2): 1/a for a != 0, and 0 for a == 0. Constant time (fixed exponent).
Fr FrInv(const Fr& a);
Fr FrFromU64(uint64_t v);
Fr FrOne();
// Scalar (canonical limbs, < r) to and from Montgomery form.
Fr FrFromScalar(const Scalar& s);
Scalar FrToScalar(const Fr& a);
// All-ones masks.
uint64_t FrIsZeroMask(const Fr& a);
uint64_t FrEqMask(const Fr& a, const Fr& b);
// 32 big-endian bytes; returns an all-ones mask iff the value is < r (zero allowed).
uint64_t FrFromBytes32(Fr& out, const uint8_t in[32]);
void FrToBytes32(uint8_t out[32], const Fr& a);
// 64 big-endian bytes reduced mod r (uniform when the input is uniform: bias < 2^-256).
Fr FrFromBytes64Reduce(const uint8_t in[64]);

}  // namespace cryfttee::bls::internal
