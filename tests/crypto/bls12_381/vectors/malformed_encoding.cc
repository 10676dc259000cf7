#include "malformed_encoding.h"

#include <algorithm>

namespace cryfttee::bls::testing {
namespace {

constexpr size_t kFpSize = 48;
constexpr uint8_t kFlagC = 0x80, kFlagI = 0x40, kFlagS = 0x20, kFlagMask = 0xe0;

// a + b over 48-byte big-endian numbers; returns false on overflow past 2^384.
bool AddBe(const uint8_t* a, const uint8_t* b, uint8_t* out) {
  unsigned carry = 0;
  for (size_t i = kFpSize; i-- > 0;) {
    unsigned s = unsigned(a[i]) + b[i] + carry;
    out[i] = uint8_t(s);
    carry = s >> 8;
  }
  return carry == 0;
}

// Replaces the coordinate at `off` (flags masked off) by an equivalent value >= p: x + p when
// that still fits in 381 bits, otherwise p + small.
void MakeNonCanonical(Bytes& b, size_t off, SeededRng& rng) {
  uint8_t flags = (off == 0) ? (b[0] & kFlagMask) : 0;
  uint8_t x[kFpSize];
  std::copy(b.begin() + off, b.begin() + off + kFpSize, x);
  x[0] &= 0x1f;
  uint8_t sum[kFpSize];
  if (!AddBe(x, FieldModulus().data(), sum) || (sum[0] & kFlagMask) != 0) {
    uint8_t small[kFpSize] = {};
    small[kFpSize - 1] = uint8_t(rng.Below(4));  // p + 0 .. p + 3
    AddBe(FieldModulus().data(), small, sum);
  }
  std::copy(sum, sum + kFpSize, b.begin() + off);
  b[off] |= flags;
}

Bytes Infinity(size_t size, uint8_t first) {
  Bytes b(size, 0);
  b[0] = first;
  return b;
}

}  // namespace

const Bytes& FieldModulus() {
  static const Bytes p = *HexDecode(
      "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffff"
      "aaab");
  return p;
}

Malformed Malform(const Bytes& valid, int kind, SeededRng& rng) {
  const size_t n = valid.size();
  Bytes b = valid;
  switch (kind) {
    case 0:
      b.pop_back();
      return {"too_short", b};
    case 1:
      b.push_back(uint8_t(rng.Below(256)));
      return {"too_long", b};
    case 2:
      b[0] &= uint8_t(~kFlagC);
      return {"c_flag_cleared", b};
    case 3:
      b[0] |= kFlagI;
      return {"i_flag_with_x", b};
    case 4:
      return {"infinity", Infinity(n, kFlagC | kFlagI)};
    case 5:
      return {"infinity_with_s", Infinity(n, kFlagC | kFlagI | kFlagS)};
    case 6:
      return {"infinity_without_c", Infinity(n, kFlagI)};
    case 7: {
      // For G2 the first half is c1, the second c0: each must be checked on its own.
      size_t off = (n == 2 * kFpSize && rng.Below(2) == 1) ? kFpSize : 0;
      MakeNonCanonical(b, off, rng);
      return {off == 0 ? "x_noncanonical" : "x_c0_noncanonical", b};
    }
    case 8: {
      // Random coordinates below p: off the curve about half the time, otherwise (almost
      // surely) on the curve but outside the prime-order subgroup.
      Bytes r = rng.Take(n);
      for (size_t off = 0; off < n; off += kFpSize) r[off] = uint8_t(r[off] % 0x1a);
      r[0] |= kFlagC | (rng.Below(2) ? kFlagS : 0);
      return {"random_x", r};
    }
    case 9:
      b[0] ^= kFlagS;
      return {"s_flag_flipped", b};
    case 10:
      return {"empty", {}};
    case 11: {
      // Uncompressed length with random, canonical-looking coordinates.
      Bytes r = rng.Take(2 * n);
      for (size_t off = 0; off < r.size(); off += kFpSize) r[off] = uint8_t(r[off] % 0x1a);
      return {"uncompressed_random", r};
    }
    case 12:
      return {"unchanged", b};
    default: {
      size_t bit = 3 + rng.Below(n * 8 - 3);  // never a flag bit
      b[bit / 8] ^= uint8_t(0x80 >> (bit % 8));
      return {"x_bit_flipped", b};
    }
  }
}

}  // namespace cryfttee::bls::testing
