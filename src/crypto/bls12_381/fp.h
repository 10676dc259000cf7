// The base field Fp of BLS12-381: 381-bit prime, six 64-bit limbs (little-endian limb order),
// Montgomery form with R = 2^384. Every function here runs in time independent of the *values*
// of its operands (no secret-dependent branches or memory indices); conditional steps use masks.
// Functions named *Vartime are the exception and must only see public data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cryfttee::bls::internal {

using u128 = unsigned __int128;
using Limbs6 = std::array<uint64_t, 6>;

struct Fp {
  Limbs6 l{};  // Montgomery representation, always fully reduced into [0, p)
};

// a + b + carry_in (carry_in is 0 or 1); carry_out receives the carry. The x86 intrinsic form
// compiles to one ADC per limb; constant evaluation uses the portable form.
constexpr uint64_t AddCarry(uint64_t a, uint64_t b, uint64_t carry_in, uint64_t& carry_out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long r;
    carry_out = _addcarry_u64((unsigned char)carry_in, a, b, &r);
    return r;
  }
#endif
  u128 s = u128(a) + b + carry_in;
  carry_out = uint64_t(s >> 64);
  return uint64_t(s);
}
// a - b - borrow_in; borrow_out receives the borrow (0 or 1).
constexpr uint64_t SubBorrow(uint64_t a, uint64_t b, uint64_t borrow_in, uint64_t& borrow_out) {
#if defined(__x86_64__)
  if (!std::is_constant_evaluated()) {
    unsigned long long r;
    borrow_out = _subborrow_u64((unsigned char)borrow_in, a, b, &r);
    return r;
  }
#endif
  u128 d = u128(a) - b - borrow_in;
  borrow_out = uint64_t(d >> 64) & 1;
  return uint64_t(d);
}

// p, little-endian limbs.
inline constexpr Limbs6 kPLimbs = {0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
                                   0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a};
// -p^-1 mod 2^64.
inline constexpr uint64_t kPInv = 0x89f3fffcfffcfffd;
// R^2 mod p, used to enter Montgomery form.
inline constexpr Limbs6 kR2Limbs = {0xf4df1f341c341746, 0x0a76e6a609d104f1, 0x8de5476c4c95b6d5,
                                    0x67eb88a9939d83c0, 0x9a793e85b519952d, 0x11988fe592cae3aa};
// 2^256 * R^2 mod p: Montgomery-multiplying the high 256 bits of a 512-bit hash output by this
// yields hi * 2^256 * R, so both halves stay below p as the product requires.
inline constexpr Limbs6 k2Pow256R2Limbs = {0xfb73eaead26ebe58, 0x861c23693de6a351,
                                           0x76e5bc3ff951c543, 0xcc0868ce6a76590c,
                                           0xf0a85a3f35446d0b, 0x0010a8c1a49a064f};

// Montgomery product a*b*R^-1 mod p for a, b < p.
// Coarsely-integrated operand scanning with the "spare top bit" shortcut: p's top limb is below
// 2^63 - 1, so the running sum never needs a seventh carry word.
constexpr void MontMulPortable(uint64_t* out, const uint64_t* a, const uint64_t* b) {
  uint64_t t[6] = {0, 0, 0, 0, 0, 0};
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) {
    u128 acc = u128(a[0]) * b[i] + t[0];
    uint64_t A = uint64_t(acc >> 64);
    t[0] = uint64_t(acc);
    uint64_t m = t[0] * kPInv;
    u128 red = u128(m) * kPLimbs[0] + t[0];
    uint64_t C = uint64_t(red >> 64);
#pragma GCC unroll 6
    for (int j = 1; j < 6; ++j) {
      acc = u128(a[j]) * b[i] + t[j] + A;
      A = uint64_t(acc >> 64);
      red = u128(m) * kPLimbs[j] + uint64_t(acc) + C;
      C = uint64_t(red >> 64);
      t[j - 1] = uint64_t(red);
    }
    t[5] = C + A;
  }
  // t < 2p: subtract p once if that does not borrow.
  uint64_t s[6];
  uint64_t borrow = 0;
  for (int j = 0; j < 6; ++j) {
    u128 d = u128(t[j]) - kPLimbs[j] - borrow;
    s[j] = uint64_t(d);
    borrow = uint64_t(d >> 64) & 1;
  }
  uint64_t keep_t = 0 - borrow;  // all ones when t < p
  for (int j = 0; j < 6; ++j) out[j] = (t[j] & keep_t) | (s[j] & ~keep_t);
}

// Runtime-dispatched product: the x86-64 BMI2/ADX kernel when the CPU has it, else the portable
// one. Both are tested against each other (tests/crypto/bls12_381/unit).
void FpMulDispatch(uint64_t* out, const uint64_t* a, const uint64_t* b);
// Forces the portable kernel (for tests and benchmarks). Returns whether the fast one was active.
bool FpUseFastKernel(bool enable);
bool FpFastKernelAvailable();
// Selects the MULX/ADX kernel without asking CPUID, for tools running under an emulator that
// hides those CPU features (valgrind's constant-time check). Only call it on a CPU that has
// them. Returns false when the kernel is not compiled in.
bool FpForceFastKernel();

#if defined(CRYFTTEE_BLS_X86_KERNEL)
extern "C" void cryfttee_bls_fp_mul_mulx(uint64_t* out, const uint64_t* a, const uint64_t* b);
// Set once at start-up from CPUID (or by the functions above); never depends on data.
extern bool g_fp_use_mulx;
#endif

inline Fp operator*(const Fp& a, const Fp& b) {
  Fp r;
#if defined(CRYFTTEE_BLS_X86_KERNEL)
  if (g_fp_use_mulx) {
    cryfttee_bls_fp_mul_mulx(r.l.data(), a.l.data(), b.l.data());
    return r;
  }
#endif
  MontMulPortable(r.l.data(), a.l.data(), b.l.data());
  return r;
}
inline Fp FpSqr(const Fp& a) { return a * a; }

// Adds p masked by mask (all ones or zero).
constexpr void AddMaskedP(uint64_t* v, uint64_t mask) {
  uint64_t c = 0;
  for (int j = 0; j < 6; ++j) v[j] = AddCarry(v[j], kPLimbs[j] & mask, c, c);
}

// Subtracts p unless that would go negative.
constexpr void ReduceOnce(uint64_t* v) {
  uint64_t s[6];
  uint64_t borrow = 0;
  for (int j = 0; j < 6; ++j) s[j] = SubBorrow(v[j], kPLimbs[j], borrow, borrow);
  uint64_t keep = 0 - borrow;
  for (int j = 0; j < 6; ++j) v[j] = (v[j] & keep) | (s[j] & ~keep);
}

#if defined(CRYFTTEE_BLS_X86_KERNEL)
extern "C" void cryfttee_bls_fp_add(uint64_t* out, const uint64_t* a, const uint64_t* b);
extern "C" void cryfttee_bls_fp_sub(uint64_t* out, const uint64_t* a, const uint64_t* b);
#endif

constexpr Fp operator+(const Fp& a, const Fp& b) {
  Fp r;
#if defined(CRYFTTEE_BLS_X86_KERNEL)
  if (!std::is_constant_evaluated()) {
    cryfttee_bls_fp_add(r.l.data(), a.l.data(), b.l.data());
    return r;
  }
#endif
  uint64_t c = 0;
  for (int j = 0; j < 6; ++j) r.l[j] = AddCarry(a.l[j], b.l[j], c, c);
  ReduceOnce(r.l.data());  // a + b < 2p < 2^382: no carry out of the top limb
  return r;
}

constexpr Fp operator-(const Fp& a, const Fp& b) {
  Fp r;
#if defined(CRYFTTEE_BLS_X86_KERNEL)
  if (!std::is_constant_evaluated()) {
    cryfttee_bls_fp_sub(r.l.data(), a.l.data(), b.l.data());
    return r;
  }
#endif
  uint64_t borrow = 0;
  for (int j = 0; j < 6; ++j) r.l[j] = SubBorrow(a.l[j], b.l[j], borrow, borrow);
  AddMaskedP(r.l.data(), 0 - borrow);
  return r;
}

constexpr Fp operator-(const Fp& a) { return Fp{} - a; }
constexpr Fp FpDbl(const Fp& a) { return a + a; }

// a/2 mod p: add p when odd, then shift right by one.
constexpr Fp FpHalve(const Fp& a) {
  Fp r = a;
  uint64_t odd = 0 - (a.l[0] & 1);
  uint64_t carry = 0;
  for (int j = 0; j < 6; ++j) {
    u128 s = u128(r.l[j]) + (kPLimbs[j] & odd) + carry;
    r.l[j] = uint64_t(s);
    carry = uint64_t(s >> 64);
  }
  for (int j = 0; j < 5; ++j) r.l[j] = (r.l[j] >> 1) | (r.l[j + 1] << 63);
  r.l[5] = (r.l[5] >> 1) | (carry << 63);
  return r;
}

// All-ones when a == 0, else zero; branch-free.
constexpr uint64_t FpIsZeroMask(const Fp& a) {
  uint64_t acc = 0;
  for (int j = 0; j < 6; ++j) acc |= a.l[j];
  return ((acc | (0 - acc)) >> 63) - 1;
}
constexpr uint64_t FpEqMask(const Fp& a, const Fp& b) {
  uint64_t acc = 0;
  for (int j = 0; j < 6; ++j) acc |= a.l[j] ^ b.l[j];
  return ((acc | (0 - acc)) >> 63) - 1;
}
// out = mask ? a : out.
constexpr void FpCmov(Fp& out, const Fp& a, uint64_t mask) {
  for (int j = 0; j < 6; ++j) out.l[j] ^= (out.l[j] ^ a.l[j]) & mask;
}
constexpr bool FpIsZero(const Fp& a) { return FpIsZeroMask(a) != 0; }
constexpr bool operator==(const Fp& a, const Fp& b) { return FpEqMask(a, b) != 0; }

// Plain (non-Montgomery) limbs of a.
inline Limbs6 FpToCanonical(const Fp& a) {
  Limbs6 one = {1, 0, 0, 0, 0, 0}, r{};
  MontMulPortable(r.data(), a.l.data(), one.data());
  return r;
}
constexpr Fp FpFromCanonical(const Limbs6& v) {
  Fp r;
  MontMulPortable(r.l.data(), v.data(), kR2Limbs.data());
  return r;
}

constexpr Fp FpFromU64(uint64_t v) { return FpFromCanonical(Limbs6{v, 0, 0, 0, 0, 0}); }

// Compile-time constant from a hex literal (optional 0x, at most 96 digits, value < p).
constexpr Fp FpFromHex(const char* hex) {
  Limbs6 v{};
  if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
  for (; *hex; ++hex) {
    char c = *hex;
    uint64_t d = (c >= '0' && c <= '9')   ? uint64_t(c - '0')
                 : (c >= 'a' && c <= 'f') ? uint64_t(c - 'a' + 10)
                                          : uint64_t(c - 'A' + 10);
    for (int j = 5; j > 0; --j) v[j] = (v[j] << 4) | (v[j - 1] >> 60);
    v[0] = (v[0] << 4) | d;
  }
  return FpFromCanonical(v);
}

inline constexpr Fp kFpOne = FpFromU64(1);

// a^e for a public exponent e (little-endian limbs, n limbs). Fixed 4-bit windows over the
// exponent; timing depends only on e.
Fp FpPowVartimeExp(const Fp& a, const uint64_t* e, size_t n);
// Multiplicative inverse by Fermat (a^(p-2)); inverse of 0 is 0. Constant time.
Fp FpInv(const Fp& a);
// Square root candidate a^((p+1)/4); returns an all-ones mask when it squares back to a.
uint64_t FpSqrt(Fp& out, const Fp& a);
// a^((p-3)/4): for a != 0, a * r is a square root of a (a square) or of -a (a non-square), and
// r is +-1/(that root), which lets one exponentiation give a root and its inverse.
Fp FpPowPMinus3Div4(const Fp& a);
// Legendre-style square test (0 counts as square). Constant time.
uint64_t FpIsSquareMask(const Fp& a);

// Big-endian 48-byte encodings. FromBytes returns false (leaving out untouched semantics aside)
// when the value is >= p: non-canonical encodings are rejected, never reduced.
bool FpFromBytes(Fp& out, const uint8_t* in48);
void FpToBytes(uint8_t* out48, const Fp& a);
// Reduces a 64-byte big-endian integer modulo p (hash_to_field).
Fp FpFromBytes64Reduce(const uint8_t* in64);
// Mask: canonical value of a is > (p-1)/2 ("lexicographically largest", the ZCash sign flag).
uint64_t FpLexLargestMask(const Fp& a);
// sgn0 of RFC 9380 §4.1 for Fp: canonical value mod 2.
uint64_t FpSgn0(const Fp& a);

}  // namespace cryfttee::bls::internal
