#include <gtest/gtest.h>

#include "crypto/bls12_381/fp12.h"
#include "test_util.h"

namespace cryfttee::bls::internal {
namespace {

using testing::RandomFp;
using testing::RandomFp2;

TEST(FpTest, RingIdentities) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    Fp a = RandomFp(rng), b = RandomFp(rng), c = RandomFp(rng);
    EXPECT_TRUE((a * b) * c == a * (b * c));
    EXPECT_TRUE(a * (b + c) == a * b + a * c);
    EXPECT_TRUE((a - b) + b == a);
    EXPECT_TRUE(FpHalve(a) + FpHalve(a) == a);
    EXPECT_TRUE(a + (-a) == Fp{});
    if (!FpIsZero(a)) {
      EXPECT_TRUE(a * FpInv(a) == kFpOne);
    }
    Fp s;
    uint64_t ok = FpSqrt(s, FpSqr(a));
    EXPECT_NE(ok, 0u);
    EXPECT_TRUE(FpSqr(s) == FpSqr(a));
    EXPECT_NE(FpIsSquareMask(FpSqr(a)), 0u);
  }
}

TEST(FpTest, BytesRoundTripAndCanonical) {
  std::mt19937_64 rng(2);
  Fp a = RandomFp(rng), b;
  uint8_t buf[48];
  FpToBytes(buf, a);
  ASSERT_TRUE(FpFromBytes(b, buf));
  EXPECT_TRUE(a == b);
  // p itself is rejected, p - 1 accepted.
  Fp minus_one = -kFpOne;
  FpToBytes(buf, minus_one);
  EXPECT_TRUE(FpFromBytes(b, buf));
  buf[47] += 1;  // p - 1 ends in ...aa, so this cannot carry
  EXPECT_FALSE(FpFromBytes(b, buf));
  EXPECT_EQ(testing::FpHex(minus_one),
            "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9fef"
            "fffffffaaaa");
}

TEST(FpTest, MinusOneIsNotASquare) {
  EXPECT_EQ(FpIsSquareMask(-kFpOne), 0u);
  EXPECT_EQ(FpLexLargestMask(-kFpOne), ~0ull);
  EXPECT_EQ(FpLexLargestMask(kFpOne), 0ull);
}

TEST(FpTest, FastKernelMatchesPortable) {
  if (!FpFastKernelAvailable()) GTEST_SKIP() << "no BMI2/ADX kernel on this CPU";
  std::mt19937_64 rng(3);
  for (int i = 0; i < 10000; ++i) {
    Fp a = RandomFp(rng), b = RandomFp(rng);
    if (i == 0) a = -kFpOne, b = -kFpOne;
    Fp slow;
    MontMulPortable(slow.l.data(), a.l.data(), b.l.data());
    EXPECT_TRUE(a * b == slow);
  }
}

TEST(Fp2Test, LazyProductMatchesSchoolbook) {
  // operator* may use the lazy-reduction kernel; compare with the four-product definition,
  // including the extreme values p - 1 where the unreduced sums are largest.
  std::mt19937_64 rng(6);
  Fp2 m1{-kFpOne, -kFpOne};
  for (int i = 0; i < 2000; ++i) {
    Fp2 a = RandomFp2(rng), b = RandomFp2(rng);
    if (i == 0) a = b = m1;
    if (i == 1) a = m1, b = {kFpOne, -kFpOne};
    if (i == 2) a = {Fp{}, -kFpOne}, b = {-kFpOne, Fp{}};
    Fp2 want{a.c0 * b.c0 - a.c1 * b.c1, a.c0 * b.c1 + a.c1 * b.c0};
    EXPECT_TRUE(a * b == want);
  }
}

TEST(Fp2Test, Identities) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 100; ++i) {
    Fp2 a = RandomFp2(rng), b = RandomFp2(rng);
    EXPECT_TRUE(Fp2Sqr(a) == a * a);
    EXPECT_TRUE(a * Fp2Inv(a) == kFp2One);
    EXPECT_TRUE(Fp2Conj(a * b) == Fp2Conj(a) * Fp2Conj(b));
    Fp2 s;
    ASSERT_TRUE(Fp2SqrtVartime(s, Fp2Sqr(a)));
    EXPECT_TRUE(Fp2Sqr(s) == Fp2Sqr(a));
    EXPECT_NE(Fp2IsSquareMask(Fp2Sqr(b)), 0u);
  }
  // Z = -(2 + I) is a non-square.
  Fp2 z{-FpFromU64(2), -kFpOne}, s;
  EXPECT_EQ(Fp2IsSquareMask(z), 0u);
  EXPECT_FALSE(Fp2SqrtVartime(s, z));
  // Purely real and purely imaginary squares.
  Fp2 real{FpFromU64(9), Fp{}}, neg_real{-FpFromU64(9), Fp{}};
  ASSERT_TRUE(Fp2SqrtVartime(s, real));
  EXPECT_TRUE(Fp2Sqr(s) == real);
  ASSERT_TRUE(Fp2SqrtVartime(s, neg_real));
  EXPECT_TRUE(Fp2Sqr(s) == neg_real);
}

Fp6 RandomFp6(std::mt19937_64& rng) { return {RandomFp2(rng), RandomFp2(rng), RandomFp2(rng)}; }
Fp12 RandomFp12(std::mt19937_64& rng) { return {RandomFp6(rng), RandomFp6(rng)}; }

TEST(Fp12Test, TowerIdentities) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20; ++i) {
    Fp6 a = RandomFp6(rng), b = RandomFp6(rng);
    EXPECT_TRUE(Fp6EqMask(Fp6Sqr(a), a * b * Fp6Inv(b) * a) != 0);
    Fp12 x = RandomFp12(rng), y = RandomFp12(rng), z = RandomFp12(rng);
    EXPECT_TRUE(Fp12Sqr(x) == x * x);
    EXPECT_TRUE((x * y) * z == x * (y * z));
    EXPECT_TRUE(x * Fp12Inv(x) == kFp12One);
    EXPECT_TRUE(Fp12Frobenius(x * y) == Fp12Frobenius(x) * Fp12Frobenius(y));
    Fp12 f = x;
    for (int k = 0; k < 12; ++k) f = Fp12Frobenius(f);
    EXPECT_TRUE(f == x);  // Frobenius has order 12
    Fp2 b0 = RandomFp2(rng), b1 = RandomFp2(rng), b4 = RandomFp2(rng);
    Fp12 sparse{{b0, b1, Fp2{}}, {Fp2{}, b4, Fp2{}}};
    EXPECT_TRUE(Fp12MulBy014(x, b0, b1, b4) == x * sparse);
    // Cyclotomic squaring on an element of the cyclotomic subgroup.
    Fp12 c = Fp12Conj(x) * Fp12Inv(x);
    Fp12 cf = c;
    cf = Fp12Frobenius(Fp12Frobenius(cf)) * c;
    EXPECT_TRUE(Fp12CyclotomicSqr(cf) == Fp12Sqr(cf));
  }
}

}  // namespace
}  // namespace cryfttee::bls::internal
