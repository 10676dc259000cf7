#include "crypto/bls12_381/serialize.h"

#include <cstring>

namespace cryfttee::bls::internal {
namespace {

constexpr uint8_t kFlagCompressed = 0x80;
constexpr uint8_t kFlagInfinity = 0x40;
constexpr uint8_t kFlagSign = 0x20;

Status Bad(const char* why) { return Status::InvalidArgument("invalid_point", why); }

uint8_t FlagsFor(bool compressed, uint64_t inf_mask, uint64_t sign_mask) {
  uint8_t f = compressed ? kFlagCompressed : 0;
  f |= uint8_t(kFlagInfinity & inf_mask);
  if (compressed) f |= uint8_t(kFlagSign & sign_mask & ~inf_mask);
  return f;
}

// Checks the flag byte and strips it. Returns the infinity flag through *inf, the sign
// flag through *sign.
Status ParseFlags(uint8_t* buf, size_t len, size_t compressed_len, bool* compressed, bool* inf,
                  bool* sign) {
  if (len != compressed_len && len != 2 * compressed_len) return Bad("wrong length");
  uint8_t flags = buf[0] & 0xe0;
  *compressed = (flags & kFlagCompressed) != 0;
  *inf = (flags & kFlagInfinity) != 0;
  *sign = (flags & kFlagSign) != 0;
  if (*compressed != (len == compressed_len)) return Bad("compression flag does not match length");
  if (*sign && (!*compressed || *inf)) return Bad("sign flag on uncompressed or infinity encoding");
  buf[0] &= 0x1f;
  if (*inf) {
    for (size_t i = 0; i < len; ++i)
      if (buf[i] != 0) return Bad("infinity encoding with non-zero bits");
  }
  return Status::Ok();
}

}  // namespace

void G1Compress(uint8_t out[48], const G1Affine& p) {
  uint64_t inf = 0 - uint64_t(p.infinity);
  Fp x = p.x;
  FpCmov(x, Fp{}, inf);
  FpToBytes(out, x);
  out[0] |= FlagsFor(true, inf, FpLexLargestMask(p.y));
}

void G1Uncompressed(uint8_t out[96], const G1Affine& p) {
  uint64_t inf = 0 - uint64_t(p.infinity);
  Fp x = p.x, y = p.y;
  FpCmov(x, Fp{}, inf);
  FpCmov(y, Fp{}, inf);
  FpToBytes(out, x);
  FpToBytes(out + 48, y);
  out[0] |= FlagsFor(false, inf, 0);
}

void G2Compress(uint8_t out[96], const G2Affine& p) {
  uint64_t inf = 0 - uint64_t(p.infinity);
  Fp2 x = p.x;
  Fp2Cmov(x, Fp2{}, inf);
  FpToBytes(out, x.c1);
  FpToBytes(out + 48, x.c0);
  out[0] |= FlagsFor(true, inf, Fp2LexLargestMask(p.y));
}

void G2Uncompressed(uint8_t out[192], const G2Affine& p) {
  uint64_t inf = 0 - uint64_t(p.infinity);
  Fp2 x = p.x, y = p.y;
  Fp2Cmov(x, Fp2{}, inf);
  Fp2Cmov(y, Fp2{}, inf);
  FpToBytes(out, x.c1);
  FpToBytes(out + 48, x.c0);
  FpToBytes(out + 96, y.c1);
  FpToBytes(out + 144, y.c0);
  out[0] |= FlagsFor(false, inf, 0);
}

Result<G1Affine> G1Decode(ByteSpan in) {
  uint8_t buf[96];
  if (in.size() != 48 && in.size() != 96) return Bad("wrong length");
  std::memcpy(buf, in.data(), in.size());
  bool compressed, inf, sign;
  CRYFTTEE_RETURN_IF_ERROR(ParseFlags(buf, in.size(), 48, &compressed, &inf, &sign));
  G1Affine p;
  if (inf) return p;
  p.infinity = false;
  if (!FpFromBytes(p.x, buf)) return Bad("x coordinate not below p");
  if (compressed) {
    Fp rhs = FpSqr(p.x) * p.x + kB1;
    if (!FpSqrt(p.y, rhs)) return Bad("x is not on the curve");
    if ((FpLexLargestMask(p.y) != 0) != sign) p.y = -p.y;
  } else {
    if (!FpFromBytes(p.y, buf + 48)) return Bad("y coordinate not below p");
    if (!G1OnCurve(p)) return Bad("point not on the curve");
  }
  return p;
}

Result<G2Affine> G2Decode(ByteSpan in) {
  uint8_t buf[192];
  if (in.size() != 96 && in.size() != 192) return Bad("wrong length");
  std::memcpy(buf, in.data(), in.size());
  bool compressed, inf, sign;
  CRYFTTEE_RETURN_IF_ERROR(ParseFlags(buf, in.size(), 96, &compressed, &inf, &sign));
  G2Affine p;
  if (inf) return p;
  p.infinity = false;
  if (!FpFromBytes(p.x.c1, buf) || !FpFromBytes(p.x.c0, buf + 48))
    return Bad("x coordinate not below p");
  if (compressed) {
    Fp2 rhs = Fp2Sqr(p.x) * p.x + kB2;
    if (!Fp2SqrtVartime(p.y, rhs)) return Bad("x is not on the curve");
    if ((Fp2LexLargestMask(p.y) != 0) != sign) p.y = -p.y;
  } else {
    if (!FpFromBytes(p.y.c1, buf + 96) || !FpFromBytes(p.y.c0, buf + 144))
      return Bad("y coordinate not below p");
    if (!G2OnCurve(p)) return Bad("point not on the curve");
  }
  return p;
}

}  // namespace cryfttee::bls::internal
