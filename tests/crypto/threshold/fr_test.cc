// Fr arithmetic checked against OpenSSL's BIGNUM (an independent implementation) on random
// operands, plus edge values.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>

#include "core/bytes.h"
#include "crypto/bls12_381/fr.h"

namespace cryfttee::bls::internal {
namespace {

const char* kRHex = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
BnPtr Bn() { return BnPtr(BN_new(), BN_free); }
BnPtr R() {
  BIGNUM* r = nullptr;
  BN_hex2bn(&r, kRHex);
  return BnPtr(r, BN_free);
}

BnPtr ToBn(const Fr& a) {
  uint8_t b[32];
  FrToBytes32(b, a);
  return BnPtr(BN_bin2bn(b, 32, nullptr), BN_free);
}

Fr RandomFr(BIGNUM* out) {
  uint8_t b[64];
  RAND_bytes(b, 64);
  Fr f = FrFromBytes64Reduce(b);
  auto r = R();
  BnPtr wide(BN_bin2bn(b, 64, nullptr), BN_free);
  BN_CTX* ctx = BN_CTX_new();
  BN_mod(out, wide.get(), r.get(), ctx);
  BN_CTX_free(ctx);
  return f;
}

TEST(FrTest, MatchesBignum) {
  auto r = R();
  BN_CTX* ctx = BN_CTX_new();
  for (int i = 0; i < 500; ++i) {
    auto a = Bn(), b = Bn(), want = Bn();
    Fr fa = RandomFr(a.get()), fb = RandomFr(b.get());
    ASSERT_EQ(BN_cmp(ToBn(fa).get(), a.get()), 0);
    BN_mod_add(want.get(), a.get(), b.get(), r.get(), ctx);
    EXPECT_EQ(BN_cmp(ToBn(FrAdd(fa, fb)).get(), want.get()), 0);
    BN_mod_sub(want.get(), a.get(), b.get(), r.get(), ctx);
    EXPECT_EQ(BN_cmp(ToBn(FrSub(fa, fb)).get(), want.get()), 0);
    BN_mod_mul(want.get(), a.get(), b.get(), r.get(), ctx);
    EXPECT_EQ(BN_cmp(ToBn(FrMul(fa, fb)).get(), want.get()), 0);
    BN_mod_inverse(want.get(), a.get(), r.get(), ctx);
    EXPECT_EQ(BN_cmp(ToBn(FrInv(fa)).get(), want.get()), 0);
  }
  BN_CTX_free(ctx);
}

TEST(FrTest, EdgeValues) {
  EXPECT_NE(FrIsZeroMask(FrInv(Fr{})), 0u);  // 1/0 = 0 by convention
  Fr minus_one = FrNeg(FrOne());
  EXPECT_NE(FrEqMask(FrMul(minus_one, minus_one), FrOne()), 0u);
  EXPECT_NE(FrIsZeroMask(FrAdd(minus_one, FrOne())), 0u);
  uint8_t rb[32];
  auto r = HexDecode(kRHex).value();
  std::copy(r.begin(), r.end(), rb);
  Fr out;
  EXPECT_EQ(FrFromBytes32(out, rb), 0u);  // r itself is not canonical
  rb[31] -= 1;
  EXPECT_NE(FrFromBytes32(out, rb), 0u);
  EXPECT_NE(FrEqMask(out, minus_one), 0u);
  uint8_t back[32];
  FrToBytes32(back, out);
  EXPECT_EQ(std::memcmp(back, rb, 32), 0);
}

}  // namespace
}  // namespace cryfttee::bls::internal
