// Shamir sharing properties over random (t, n), n <= 15: any t shares give the secret, t-1 do
// not, and Feldman commitments (in G1 and in G2) accept exactly the right shares.
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "crypto/threshold/feldman.h"
#include "crypto/threshold/shamir.h"

namespace cryfttee::threshold {
namespace {

using namespace bls::internal;

bool Eq(const Fr& a, const Fr& b) { return FrEqMask(a, b) != 0; }

std::mt19937 Rng() {
  uint32_t seed;
  RAND_bytes(reinterpret_cast<uint8_t*>(&seed), sizeof seed);
  std::printf("seed %u\n", seed);  // reproduce a failure with this seed
  return std::mt19937(seed);
}

std::vector<Share> Pick(const std::vector<Share>& all, size_t k, std::mt19937& rng) {
  std::vector<Share> s = all;
  std::shuffle(s.begin(), s.end(), rng);
  s.resize(k);
  return s;
}

TEST(ShamirTest, AnyTSharesRecoverTheSecretAndFewerDoNot) {
  auto rng = Rng();
  for (int round = 0; round < 60; ++round) {
    uint32_t n = 1 + rng() % 15, t = 1 + rng() % n;
    auto f = SecretPolynomial::Random(t);
    ASSERT_TRUE(f.ok());
    Fr secret = f->coefficients()[0];
    auto shares = f->Deal(n);
    for (int trial = 0; trial < 3; ++trial) {
      size_t k = t + rng() % (n - t + 1);  // t..n shares
      auto got = InterpolateAtZero(Pick(shares, k, rng));
      ASSERT_TRUE(got.ok());
      EXPECT_TRUE(Eq(*got, secret)) << "t=" << t << " n=" << n << " k=" << k;
      if (t > 1) {
        auto less = InterpolateAtZero(Pick(shares, t - 1, rng));
        ASSERT_TRUE(less.ok());
        EXPECT_FALSE(Eq(*less, secret)) << "t-1 shares gave the secret";
      }
    }
  }
}

TEST(ShamirTest, RejectsBadIndexSets) {
  uint32_t dup[] = {1, 2, 2};
  EXPECT_EQ(LagrangeCoefficients(dup).status().code(), "duplicate_index");
  uint32_t zero[] = {0, 1};
  EXPECT_EQ(LagrangeCoefficients(zero).status().code(), "invalid_index");
  uint32_t set[] = {1, 3};
  EXPECT_EQ(LagrangeAtZero(2, set).status().code(), "invalid_index");
  EXPECT_FALSE(CheckThreshold(0, 3).ok());
  EXPECT_FALSE(CheckThreshold(4, 3).ok());
  EXPECT_TRUE(CheckThreshold(3, 3).ok());
}

TEST(ShamirTest, KnownPolynomial) {
  // f(x) = 5 + 3x + 2x^2: f(1)=10, f(2)=19, f(3)=32.
  auto f = SecretPolynomial::FromCoefficients({FrFromU64(5), FrFromU64(3), FrFromU64(2)});
  EXPECT_TRUE(Eq(f.Evaluate(1), FrFromU64(10)));
  EXPECT_TRUE(Eq(f.Evaluate(3), FrFromU64(32)));
  auto l = LagrangeAtZero(1, std::vector<uint32_t>{1, 2, 3});
  EXPECT_TRUE(Eq(*l, FrFromU64(3)));  // 2*3 / ((2-1)(3-1)) = 3
}

template <class G>
void FeldmanProperty() {
  auto rng = Rng();
  for (int round = 0; round < 8; ++round) {
    uint32_t n = 1 + rng() % 15, t = 1 + rng() % n;
    auto f = SecretPolynomial::Random(t);
    ASSERT_TRUE(f.ok());
    auto c = FeldmanCommit<G>(*f);
    ASSERT_EQ(c.size(), t);
    for (const Share& s : f->Deal(n)) {
      EXPECT_TRUE(FeldmanVerifyShare<G>(c, s)) << G::kName << " index " << s.index;
      Share bad = s;
      bad.value = FrAdd(bad.value, FrOne());
      EXPECT_FALSE(FeldmanVerifyShare<G>(c, bad));
      Share moved(s.index % n + 1, s.value);
      if (t > 1) {  // a constant polynomial gives every index the same share
        EXPECT_FALSE(FeldmanVerifyShare<G>(c, moved));
      }
    }
    // The encodings round-trip through the subgroup-checking decoder.
    for (const auto& p : c) {
      auto e = G::Encode(p);
      auto d = G::Decode(e);
      ASSERT_TRUE(d.ok());
      EXPECT_TRUE(G::Equal(*d, p));
    }
  }
}

TEST(FeldmanTest, G1CommitmentsAcceptExactlyTheDealtShares) { FeldmanProperty<G1Group>(); }
TEST(FeldmanTest, G2CommitmentsAcceptExactlyTheDealtShares) { FeldmanProperty<G2Group>(); }

}  // namespace
}  // namespace cryfttee::threshold
