// The two BLS12-381 groups behind one interface, so commitments, verification vectors and
// partial signatures are written once for both schemes:
//   G1Group: public keys / commitments in G1 (48 bytes), the node's scheme (signatures in G2);
//   G2Group: public keys / commitments in G2 (96 bytes), the KMS contract (signatures in G1).
// Decoding checks the encoding, the curve and the subgroup ("invalid_point").
// Stateless; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "crypto/bls12_381/fr.h"
#include "crypto/bls12_381/groups.h"

namespace cryfttee::threshold {

struct G1Group {
  using Point = bls::internal::G1;
  static constexpr size_t kSize = 48;
  using Encoded = std::array<uint8_t, kSize>;
  static constexpr const char* kName = "G1";
  static Point Generator();
  static Encoded Encode(const Point& p);
  static Result<Point> Decode(ByteSpan bytes);
  // [k]P with k secret: fixed windows, masked table reads.
  static Point MulSecret(const Point& p, const bls::internal::Fr& k);
  static Point MulPublic(const Point& p, const bls::internal::Fr& k);
  static Point MulSmall(const Point& p, uint64_t k);
  static Point Add(const Point& a, const Point& b);
  // Constant-time addition for secret-derived points; requires a != b (true except with
  // negligible probability for the independent points it is used on).
  static Point AddSecret(const Point& a, const Point& b);
  static bool Equal(const Point& a, const Point& b);
};

struct G2Group {
  using Point = bls::internal::G2;
  static constexpr size_t kSize = 96;
  using Encoded = std::array<uint8_t, kSize>;
  static constexpr const char* kName = "G2";
  static Point Generator();
  static Encoded Encode(const Point& p);
  static Result<Point> Decode(ByteSpan bytes);
  static Point MulSecret(const Point& p, const bls::internal::Fr& k);
  static Point MulPublic(const Point& p, const bls::internal::Fr& k);
  static Point MulSmall(const Point& p, uint64_t k);
  static Point Add(const Point& a, const Point& b);
  // Constant-time addition for secret-derived points; requires a != b (true except with
  // negligible probability for the independent points it is used on).
  static Point AddSecret(const Point& a, const Point& b);
  static bool Equal(const Point& a, const Point& b);
};

// sum_k x^k C_k (Horner in the exponent): the public image of f(x) for commitments C_k = a_k G.
// Public data only (variable time).
template <class G>
typename G::Point EvaluateCommitments(std::span<const typename G::Point> c, uint32_t x) {
  typename G::Point acc = bls::internal::JacIdentity<decltype(acc.x)>();
  for (size_t k = c.size(); k-- > 0;) acc = G::Add(G::MulSmall(acc, x), c[k]);
  return acc;
}

// Decodes a list of points; the error names the position ("entry 3: ...").
template <class G>
Result<std::vector<typename G::Point>> DecodePoints(std::span<const Bytes> encoded) {
  std::vector<typename G::Point> out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    auto p = G::Decode(encoded[i]);
    if (!p.ok()) return p.status().WithContext("entry " + std::to_string(i));
    out.push_back(*p);
  }
  return out;
}

}  // namespace cryfttee::threshold
