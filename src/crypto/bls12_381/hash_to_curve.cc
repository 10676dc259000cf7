#include "crypto/bls12_381/hash_to_curve.h"

#include <cstring>

#include "core/sha256.h"
#include "crypto/bls12_381/hash_to_curve_internal.h"

namespace cryfttee::bls::internal {
namespace {

constexpr Fp2 Fp2Hex(const char* c0, const char* c1) { return {FpFromHex(c0), FpFromHex(c1)}; }

// Simplified SWU parameters for E2': A' = 240 I, B' = 1012 (1 + I), Z = -(2 + I).
constexpr Fp2 kSswuA{Fp{}, FpFromU64(240)};
constexpr Fp2 kSswuB{FpFromU64(1012), FpFromU64(1012)};
constexpr Fp2 kSswuZ{-FpFromU64(2), -FpFromU64(1)};

// 3-isogeny coefficients, RFC 9380 App. E.3 (constants JSON hash_to_curve_G2.iso_map_3).
constexpr Fp2 kXNum[4] = {
    Fp2Hex(
        "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaa"
        "aaaa97d6",
        "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaa"
        "aaaa97d6"),
    Fp2Hex(
        "0x0",
        "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9fff"
        "fffffc71a"),
    Fp2Hex(
        "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9fff"
        "fffffc71e",
        "0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffff"
        "ffffe38d"),
    Fp2Hex(
        "0x171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaa"
        "aaaaa5ed1",
        "0x0"),
};
constexpr Fp2 kXDen[2] = {
    // monic: the x'^2 term is implicit
    Fp2Hex(
        "0x0",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
        "fffffaa63"),
    Fp2Hex(
        "0xc",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
        "fffffaa9f"),
};
constexpr Fp2 kYNum[4] = {
    Fp2Hex(
        "0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71"
        "c71c6d706",
        "0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71"
        "c71c6d706"),
    Fp2Hex(
        "0x0",
        "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaa"
        "aaaa97be"),
    Fp2Hex(
        "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9fff"
        "fffffc71c",
        "0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffff"
        "ffffe38f"),
    Fp2Hex(
        "0x124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c"
        "71c718b10",
        "0x0"),
};
constexpr Fp2 kYDen[3] = {
    // monic: the x'^3 term is implicit
    Fp2Hex(
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
        "fffffa8fb",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
        "fffffa8fb"),
    Fp2Hex(
        "0x0",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
        "fffffa9d3"),
    Fp2Hex(
        "0x12",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fefff"
        "fffffaa99"),
};

Status BadArg(const char* why) { return Status::InvalidArgument("invalid_argument", why); }

// sqrt(-5) in Fp (-5 is a square: 5 = norm(Z) is not, and neither is -1).
constexpr Fp kSqrtMinus5 = FpFromHex(
    "0x186417302d5a65347a88b0f999ab2b504614aa5e2eebdeb1a014c40bceb7d2306c12a6d436befcf94d39c9db7b"
    "263cd4");

// 3-isogeny E2' -> E2 (App. E.3), in Jacobian form to avoid the two divisions:
// Z = x_den * y_den, X = x_num * x_den * y_den^2, Y = y * y_num * x_den^3 * y_den^2.
// A zero denominator gives Z = 0, the identity, as the RFC requires.
G2 IsoMap(const Fp2& x, const Fp2& y) {
  Fp2 x2 = Fp2Sqr(x), x3 = x2 * x;
  Fp2 xnum = kXNum[3] * x3 + kXNum[2] * x2 + kXNum[1] * x + kXNum[0];
  Fp2 xden = x2 + kXDen[1] * x + kXDen[0];
  Fp2 ynum = kYNum[3] * x3 + kYNum[2] * x2 + kYNum[1] * x + kYNum[0];
  Fp2 yden = x3 + kYDen[2] * x2 + kYDen[1] * x + kYDen[0];
  Fp2 yden2 = Fp2Sqr(yden);
  G2 r;
  r.z = xden * yden;
  r.x = xnum * xden * yden2;
  r.y = y * ynum * Fp2Sqr(xden) * xden * yden2;
  return r;
}

}  // namespace

Result<Bytes> ExpandMessageXmd(ByteSpan msg, ByteSpan dst, size_t len_in_bytes) {
  if (dst.empty()) return BadArg("empty DST");
  const size_t ell = (len_in_bytes + 31) / 32;
  if (len_in_bytes == 0 || ell > 255 || len_in_bytes > 65535)
    return BadArg("len_in_bytes out of range");
  Bytes dst_prime;
  if (dst.size() > 255) {
    Sha256Hasher h;
    h.Update(AsBytes("H2C-OVERSIZE-DST-"));
    h.Update(dst);
    Sha256Digest d = h.Finish();
    dst_prime.assign(d.begin(), d.end());
  } else {
    dst_prime.assign(dst.begin(), dst.end());
  }
  dst_prime.push_back(uint8_t(dst_prime.size()));

  static const uint8_t kZPad[64] = {};
  const uint8_t lib[3] = {uint8_t(len_in_bytes >> 8), uint8_t(len_in_bytes), 0};
  Sha256Hasher h0;
  h0.Update(ByteSpan(kZPad, 64));
  h0.Update(msg);
  h0.Update(ByteSpan(lib, 3));
  h0.Update(dst_prime);
  const Sha256Digest b0 = h0.Finish();

  Bytes out;
  out.reserve(ell * 32);
  Sha256Digest prev{};
  for (size_t i = 1; i <= ell; ++i) {
    uint8_t block[33];
    for (size_t k = 0; k < 32; ++k) block[k] = (i == 1) ? b0[k] : uint8_t(b0[k] ^ prev[k]);
    block[32] = uint8_t(i);
    Sha256Hasher h;
    h.Update(ByteSpan(block, 33));
    h.Update(dst_prime);
    prev = h.Finish();
    out.insert(out.end(), prev.begin(), prev.end());
  }
  out.resize(len_in_bytes);
  return out;
}

Status HashToFieldFp2Points(ByteSpan msg, ByteSpan dst, Fp2 out[2]) {
  CRYFTTEE_ASSIGN_OR_RETURN(Bytes uniform, ExpandMessageXmd(msg, dst, 256));
  for (int i = 0; i < 2; ++i) {
    out[i].c0 = FpFromBytes64Reduce(uniform.data() + 128 * i);
    out[i].c1 = FpFromBytes64Reduce(uniform.data() + 128 * i + 64);
  }
  return Status::Ok();
}

void MapToCurveG2Pair(const Fp2 u[2], G2 out[2]) {
  // Simplified SWU (RFC 9380 §6.6.2) with x1 kept as a fraction N/D, so that deciding which of
  // g(x1), g(x2) is square and taking the root cost two base-field exponentiations (norm
  // method), and both maps share one inversion of D. Inputs are public hash outputs.
  Fp2 xn[2], yn[2], d[2];
  for (int i = 0; i < 2; ++i) {
    Fp2 zu2 = kSswuZ * Fp2Sqr(u[i]);
    Fp2 tv2 = Fp2Sqr(zu2) + zu2;
    Fp2 n, den;
    if (Fp2IsZero(tv2)) {  // exceptional case: x1 = B / (Z A)
      n = kSswuB;
      den = kSswuZ * kSswuA;
    } else {  // x1 = -B (tv2 + 1) / (A tv2)
      n = -(kSswuB * (tv2 + kFp2One));
      den = kSswuA * tv2;
    }
    Fp2 d2 = Fp2Sqr(den);
    // g(x1) = U / D^3 with U = N^3 + A N D^2 + B D^3, so sqrt(g(x1)) = sqrt(U D) / D^2.
    Fp2 ud = (n * (Fp2Sqr(n) + kSswuA * d2) + kSswuB * d2 * den) * den;
    Fp norm = FpSqr(ud.c0) + FpSqr(ud.c1);
    Fp s;
    Fp2 root;
    if (FpSqrt(s, norm)) {
      Fp2SqrtWithNormRootVartime(root, ud, s);
      xn[i] = n;
      yn[i] = root;
    } else {
      // g(x2) = Z^3 u^6 g(x1) for x2 = Z u^2 x1, so sqrt(g(x2)) = u^3 Z sqrt(Z U D) / D^2.
      // norm(Z U D) = 5 norm(U D) and s^2 = -norm(U D), so sqrt(-5) s is its norm's root.
      Fp2SqrtWithNormRootVartime(root, kSswuZ * ud, kSqrtMinus5 * s);
      xn[i] = zu2 * n;
      yn[i] = Fp2Sqr(u[i]) * u[i] * kSswuZ * root;
    }
    d[i] = den;
  }
  Fp2 inv = Fp2Inv(d[0] * d[1]);
  Fp2 dinv[2] = {inv * d[1], inv * d[0]};
  for (int i = 0; i < 2; ++i) {
    Fp2 x = xn[i] * dinv[i];
    Fp2 y = yn[i] * Fp2Sqr(dinv[i]);
    if (Fp2Sgn0(u[i]) != Fp2Sgn0(y)) y = -y;
    out[i] = IsoMap(x, y);
  }
}

Result<G2> HashToG2Point(ByteSpan msg, ByteSpan dst) {
  Fp2 u[2];
  CRYFTTEE_RETURN_IF_ERROR(HashToFieldFp2Points(msg, dst, u));
  G2 q[2];
  MapToCurveG2Pair(u, q);
  return G2ClearCofactor(JacAddVartime(q[0], q[1]));
}

Result<std::array<FpBytes, 4>> HashToFieldFp2(ByteSpan msg, ByteSpan dst) {
  Fp2 u[2];
  CRYFTTEE_RETURN_IF_ERROR(HashToFieldFp2Points(msg, dst, u));
  std::array<FpBytes, 4> out;
  FpToBytes(out[0].data(), u[0].c0);
  FpToBytes(out[1].data(), u[0].c1);
  FpToBytes(out[2].data(), u[1].c0);
  FpToBytes(out[3].data(), u[1].c1);
  return out;
}

Result<G2AffineBytes> HashToG2(ByteSpan msg, ByteSpan dst) {
  CRYFTTEE_ASSIGN_OR_RETURN(G2 p, HashToG2Point(msg, dst));
  G2Affine a = ToAffine(p);
  G2AffineBytes out;
  out.infinity = a.infinity;
  if (!a.infinity) {
    FpToBytes(out.x_c0.data(), a.x.c0);
    FpToBytes(out.x_c1.data(), a.x.c1);
    FpToBytes(out.y_c0.data(), a.y.c0);
    FpToBytes(out.y_c1.data(), a.y.c1);
  }
  return out;
}

}  // namespace cryfttee::bls::internal
