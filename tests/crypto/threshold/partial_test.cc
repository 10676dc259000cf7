// Threshold signatures: any t valid partials recombine into a signature that our Verify (and,
// in threshold_cli_differential, blst and noble) accept under the group key; t-1 do not; a
// tampered partial is named and skipped.
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <algorithm>
#include <random>

#include "crypto/bls12_381/bls.h"
#include "crypto/threshold/partial.h"

namespace cryfttee::threshold {
namespace {

using namespace bls::internal;
using Partial = PartialSignature<NodeScheme>;

bool VerifyWithLibrary(const G1& group_key, ByteSpan msg, const G2& sig) {
  auto pk = bls::PublicKey::FromBytes(G1Group::Encode(group_key));
  auto s = bls::Signature::FromBytes(G2Group::Encode(sig));
  return pk.ok() && s.ok() && bls::Verify(*pk, msg, *s);
}

TEST(PartialTest, AnyTValidPartialsRecombine) {
  uint32_t seed;
  RAND_bytes(reinterpret_cast<uint8_t*>(&seed), sizeof seed);
  std::printf("seed %u\n", seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 6; ++round) {
    uint32_t n = 2 + rng() % 14, t = 1 + rng() % n;
    auto f = SecretPolynomial::Random(t);
    ASSERT_TRUE(f.ok());
    auto vv = FeldmanCommit<G1Group>(*f);
    Bytes msg = {uint8_t(round), 0x42, 0x17};
    auto shares = f->Deal(n);
    std::shuffle(shares.begin(), shares.end(), rng);
    std::vector<Partial> partials;
    for (uint32_t k = 0; k < t; ++k) {
      auto p = PartialSign<NodeScheme>(shares[k], msg);
      ASSERT_TRUE(p.ok());
      partials.push_back({shares[k].index, *p});
    }
    // A tampered partial from another holder (if any remain) is named and skipped.
    if (t < n) {
      auto p = PartialSign<NodeScheme>(shares[t], Bytes{9, 9});
      partials.insert(partials.begin(), Partial{shares[t].index, *p});
    }
    auto combined = Combine<NodeScheme>(t, vv, msg, partials);
    ASSERT_TRUE(combined.ok()) << combined.status().message();
    EXPECT_TRUE(VerifyWithLibrary(vv[0], msg, combined->signature)) << "t=" << t << " n=" << n;
    if (t < n) {
      ASSERT_EQ(combined->invalid.size(), 1u);
      EXPECT_EQ(combined->invalid[0], shares[t].index);
    }
    // The signature equals the one the whole secret makes (BLS signatures are unique).
    auto sk_bytes = std::array<uint8_t, 32>{};
    FrToBytes32(sk_bytes.data(), f->coefficients()[0]);
    auto sk = bls::SecretKey::FromBytes(sk_bytes);
    ASSERT_TRUE(sk.ok());
    EXPECT_EQ(sk->Sign(msg).ToBytes(), G2Group::Encode(combined->signature));
    // t-1 valid partials: not enough, and interpolating them anyway gives a wrong signature.
    if (t > 1) {
      std::vector<Partial> fewer(partials.end() - (t - 1), partials.end());
      auto c = Combine<NodeScheme>(t, vv, msg, fewer);
      EXPECT_EQ(c.status().code(), "not_enough_partials");
      auto forced = Interpolate<NodeScheme>(std::span<const Partial>(fewer));
      ASSERT_TRUE(forced.ok());
      EXPECT_FALSE(VerifyWithLibrary(vv[0], msg, *forced));
    }
  }
}

// The KMS scheme (signatures in G1, keys and commitments in G2). No library Verify exists for
// it; the result must equal the signature the whole secret makes, and the differential test
// checks it with noble.
TEST(PartialTest, MinSigSchemeRecombinesTheWholeSecretsSignature) {
  using P = PartialSignature<MinSigScheme>;
  for (uint32_t t : {1u, 3u, 5u}) {
    uint32_t n = t + 2;
    auto f = SecretPolynomial::Random(t);
    ASSERT_TRUE(f.ok());
    auto vv = FeldmanCommit<G2Group>(*f);
    Bytes msg = {'a', 'p', 'p', uint8_t(t)};
    auto shares = f->Deal(n);
    std::vector<P> partials;
    for (uint32_t k = n - t; k < n; ++k)
      partials.push_back({shares[k].index, *PartialSign<MinSigScheme>(shares[k], msg)});
    partials.insert(partials.begin(),
                    P{shares[0].index, *PartialSign<MinSigScheme>(shares[0], Bytes{1})});
    auto c = Combine<MinSigScheme>(t, vv, msg, partials);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->invalid, std::vector<uint32_t>{1});
    auto h = MinSigScheme::HashToSig(msg, MinSigScheme::kDefaultDst);
    G1 whole = G1Group::MulPublic(*h, f->coefficients()[0]);
    EXPECT_TRUE(G1Group::Equal(whole, c->signature));
    EXPECT_TRUE(MinSigScheme::PairingCheck(vv[0], *h, c->signature));
    EXPECT_FALSE(MinSigScheme::PairingCheck(vv[0], *h, G1Group::Add(whole, *h)));
  }
}

TEST(PartialTest, RejectsDuplicateAndOutOfRangeIndices) {
  auto f = SecretPolynomial::Random(2);
  auto vv = FeldmanCommit<G1Group>(*f);
  auto shares = f->Deal(3);
  Bytes msg = {1};
  auto p = PartialSign<NodeScheme>(shares[0], msg);
  std::vector<Partial> dup = {{1, *p}, {1, *p}};
  EXPECT_EQ(Combine<NodeScheme>(2, vv, msg, dup).status().code(), "duplicate_index");
  std::vector<Partial> zero = {{0, *p}};
  EXPECT_EQ(Combine<NodeScheme>(2, vv, msg, zero).status().code(), "invalid_index");
  EXPECT_EQ(Combine<NodeScheme>(3, vv, msg, dup).status().code(), "invalid_threshold");
}

}  // namespace
}  // namespace cryfttee::threshold
