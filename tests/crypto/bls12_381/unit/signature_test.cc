#include <gtest/gtest.h>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/fp.h"

namespace cryfttee::bls {
namespace {

Bytes Hex(std::string_view h) { return HexDecode(h).value(); }

TEST(SignatureTest, EthereumSignKnownAnswer) {
  // bls12-381-tests v0.1.2 sign_case_84d45c9c7cca6b92.
  auto sk =
      SecretKey::FromBytes(Hex("328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216"));
  ASSERT_TRUE(sk.ok());
  Bytes msg = Hex("abababababababababababababababababababababababababababababababab");
  Signature sig = sk->Sign(msg);
  EXPECT_EQ(HexEncode(sig.ToBytes()),
            "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa352"
            "7c468c25f0026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7c"
            "f29adf3ccbb9975e4eb9");
  PublicKey pk = sk->GetPublicKey();
  EXPECT_TRUE(Verify(pk, msg, sig));
  msg[0] ^= 1;
  EXPECT_FALSE(Verify(pk, msg, sig));
}

TEST(SignatureTest, PortableKernelGivesTheSameResults) {
  // Everything above ran on the default kernel (MULX/ADX where available); repeat a
  // sign/verify known answer on the portable one.
  bool was = internal::FpUseFastKernel(false);
  auto sk =
      SecretKey::FromBytes(Hex("328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216"));
  ASSERT_TRUE(sk.ok());
  Bytes msg = Hex("abababababababababababababababababababababababababababababababab");
  Signature sig = sk->Sign(msg);
  bool ok = Verify(sk->GetPublicKey(), msg, sig);
  internal::FpUseFastKernel(was);
  EXPECT_EQ(HexEncode(sig.ToBytes()),
            "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa352"
            "7c468c25f0026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7c"
            "f29adf3ccbb9975e4eb9");
  EXPECT_TRUE(ok);
}

TEST(SignatureTest, AvalancheSignerPublicKeyAndPop) {
  // avalanchego staking/local/signer1.key.
  auto sk = SecretKey::FromBytes(AsBytes("AvalancheLocalNetworkValidator01"));
  ASSERT_TRUE(sk.ok());
  PublicKey pk = sk->GetPublicKey();
  EXPECT_EQ(HexEncode(pk.ToBytes()),
            "900c9b119b5c82d781d4b49be78c3fc7ae65f2b435b7ed9e3a8b9a03e475edff86d8a64827fec8db23a6f2"
            "36afbf127d");
  Signature pop = sk->PopProve();
  EXPECT_EQ(HexEncode(pop.ToBytes()),
            "8bfd6d4d2086b2b8115d8f72f94095fefe5a6c07876b2accf51a811adf520f389e74a3d2152a6d90b521e2"
            "be58ffe468043dc5ea68b4c44410eb67f8dc24f13ed4f194000764c0e922cd254a3588a4962b1cb4db7de4"
            "bb9cda9d9d4d6b03f3d2");
  EXPECT_TRUE(PopVerify(pk, pop));
  EXPECT_FALSE(Verify(pk, pk.ToBytes(), pop, kDstSig));
}

TEST(SignatureTest, Eip2333Case0) {
  Bytes seed = Hex(
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2c"
      "f141630c7a3c4ab7c81b2f001698e7463b04");
  auto master = DeriveMasterSK(seed);
  ASSERT_TRUE(master.ok());
  EXPECT_EQ(HexEncode(master->ToBytes()),
            "0d7359d57963ab8fbbde1852dcf553fedbc31f464d80ee7d40ae683122b45070");
  auto child = DeriveChildSK(*master, 0);
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(HexEncode(child->ToBytes()),
            "2d18bd6c14e6d15bf8b5085c9b74f3daae3b03cc2014770a599d8c1539e50f8e");
  auto via_path = DerivePath(seed, "m/0");
  ASSERT_TRUE(via_path.ok());
  EXPECT_EQ(via_path->ToBytes(), child->ToBytes());
  EXPECT_FALSE(DerivePath(seed, "m/").ok());
  EXPECT_FALSE(DerivePath(seed, "x/1").ok());
  EXPECT_FALSE(DerivePath(seed, "m/4294967296").ok());
}

TEST(SignatureTest, AggregatesAndBatch) {
  std::vector<SecretKey> sks;
  std::vector<PublicKey> pks;
  std::vector<Signature> sigs;
  std::vector<Bytes> msgs;
  for (int i = 0; i < 4; ++i) {
    Bytes ikm(32, uint8_t(i + 1));
    sks.push_back(SecretKey::KeyGen(ikm).value());
    pks.push_back(sks.back().GetPublicKey());
    msgs.push_back(Bytes{uint8_t(i), 1, 2, 3});
    sigs.push_back(sks.back().Sign(msgs.back()));
  }
  std::vector<ByteSpan> spans(msgs.begin(), msgs.end());
  auto agg = Aggregate(sigs);
  ASSERT_TRUE(agg.ok());
  EXPECT_TRUE(AggregateVerify(pks, spans, *agg));
  EXPECT_TRUE(BatchVerify(pks, spans, sigs));
  std::swap(spans[0], spans[1]);
  EXPECT_FALSE(AggregateVerify(pks, spans, *agg));
  EXPECT_FALSE(BatchVerify(pks, spans, sigs));

  std::vector<Signature> same;
  for (auto& sk : sks) same.push_back(sk.Sign(msgs[0]));
  auto agg2 = Aggregate(same);
  ASSERT_TRUE(agg2.ok());
  EXPECT_TRUE(FastAggregateVerify(pks, msgs[0], *agg2));
  EXPECT_FALSE(FastAggregateVerify(pks, msgs[1], *agg2));
  EXPECT_FALSE(Aggregate({}).ok());

  // Round trips through the encodings.
  auto sig_back = Signature::FromBytes(sigs[0].ToBytes());
  ASSERT_TRUE(sig_back.ok());
  EXPECT_TRUE(*sig_back == sigs[0]);
  auto pk_back = PublicKey::FromBytes(pks[0].ToBytes());
  ASSERT_TRUE(pk_back.ok());
  EXPECT_TRUE(*pk_back == pks[0]);
}

TEST(SignatureTest, RejectsBadSecretKeys) {
  EXPECT_FALSE(SecretKey::FromBytes(Bytes(32, 0)).ok());
  EXPECT_FALSE(SecretKey::FromBytes(Bytes(31, 1)).ok());
  // r itself.
  EXPECT_FALSE(
      SecretKey::FromBytes(Hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"))
          .ok());
  EXPECT_TRUE(
      SecretKey::FromBytes(Hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000"))
          .ok());
  EXPECT_FALSE(SecretKey::KeyGen(Bytes(31, 1)).ok());
}

}  // namespace
}  // namespace cryfttee::bls
