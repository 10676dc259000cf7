// Emits random threshold cases as JSON lines for tests/js/threshold_differential.mjs, which
// recomputes every group operation with @noble/curves (and blst where it applies):
//   {"kind":"h2g1", msg, dst, point}                       hash to G1 (RFC 9380)
//   {"kind":"g2vss", t, n, commitments[G2], shares[]}      Feldman commitments in G2
//   {"kind":"minsig", t, msg, vv[G2], partials[{i,sig}], signature}  KMS scheme (sig in G1)
// Usage: threshold_diff_tool CASES
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/bls12_381/hash_to_g1.h"
#include "crypto/threshold/partial.h"

using namespace cryfttee;
using namespace cryfttee::threshold;
using nlohmann::json;

namespace {

std::string Hex0x(ByteSpan b) { return "0x" + HexEncode(b); }

std::string FrHex(const Fr& v) {
  uint8_t b[32];
  bls::internal::FrToBytes32(b, v);
  return Hex0x(ByteSpan(b, 32));
}

Bytes RandomBytes(size_t n) {
  Bytes b(n);
  if (n) RAND_bytes(b.data(), int(n));
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int cases = argc > 1 ? std::atoi(argv[1]) : 20;
  std::mt19937 rng(std::random_device{}());
  for (int c = 0; c < cases; ++c) {
    // Hash to G1 with random messages (0..300 bytes) and DSTs (1..64 bytes).
    Bytes msg = RandomBytes(rng() % 300);
    std::string dst = "CRYFTTEE-DIFF-" + std::to_string(rng() % 100000) + "_XMD:SHA-256_SSWU_RO_";
    auto p = bls::internal::HashToG1Point(
        msg, ByteSpan(reinterpret_cast<const uint8_t*>(dst.data()), dst.size()));
    if (!p.ok()) return 1;
    std::puts(json({{"kind", "h2g1"},
                    {"msg", Hex0x(msg)},
                    {"dst", dst},
                    {"point", Hex0x(G1Group::Encode(*p))}})
                  .dump()
                  .c_str());

    uint32_t n = 1 + rng() % 15, t = 1 + rng() % n;
    auto f = SecretPolynomial::Random(t);
    if (!f.ok()) return 1;
    auto cm = FeldmanCommit<G2Group>(*f);
    json commitments = json::array(), shares = json::array();
    for (const auto& x : cm) commitments.push_back(Hex0x(G2Group::Encode(x)));
    auto dealt = f->Deal(n);
    for (const auto& s : dealt) shares.push_back({{"index", s.index}, {"secret", FrHex(s.value)}});
    std::puts(json({{"kind", "g2vss"},
                    {"t", t},
                    {"n", n},
                    {"commitments", commitments},
                    {"shares", shares}})
                  .dump()
                  .c_str());

    Bytes app_id = RandomBytes(1 + rng() % 40);
    std::vector<PartialSignature<MinSigScheme>> partials;
    json pj = json::array();
    for (uint32_t k = n - t; k < n; ++k) {
      auto sig = PartialSign<MinSigScheme>(dealt[k], app_id);
      if (!sig.ok()) return 1;
      partials.push_back({dealt[k].index, *sig});
      pj.push_back({{"index", dealt[k].index}, {"sig", Hex0x(G1Group::Encode(*sig))}});
    }
    auto combined = Combine<MinSigScheme>(t, cm, app_id, partials);
    if (!combined.ok()) return 1;
    std::puts(json({{"kind", "minsig"},
                    {"t", t},
                    {"msg", Hex0x(app_id)},
                    {"vv", commitments},
                    {"partials", pj},
                    {"signature", Hex0x(G1Group::Encode(combined->signature))}})
                  .dump()
                  .c_str());
  }
  return 0;
}
