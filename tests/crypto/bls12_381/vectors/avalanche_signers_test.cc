// AvalancheGo's five local-network BLS signers (vectors/avalanche/bls_local_signers.json):
// secret key -> compressed public key -> proof of possession under the POP DST, byte for byte.
#include <gtest/gtest.h>

#include <string>

#include "crypto/bls12_381/bls.h"
#include "vector_files.h"

namespace cryfttee::bls::testing {
namespace {

using nlohmann::json;

TEST(AvalancheSigners, PublicKeysAndProofsOfPossession) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  json j = LoadJson(v / "avalanche/bls_local_signers.json");
  size_t n = 0;
  for (const auto& s : j["signers"]) {
    SCOPED_TRACE(s["name"].get<std::string>());
    ASSERT_EQ(s["pop_dst"].get<std::string>(), kDstPop);
    auto sk = SecretKey::FromBytes(MustHex(s["secret_key_file_bytes_hex"].get<std::string>()));
    ASSERT_TRUE(sk.ok()) << sk.status().ToString();
    PublicKey pk = sk->GetPublicKey();
    EXPECT_EQ("0x" + HexEncode(pk.ToBytes()), s["public_key_compressed"].get<std::string>());
    Signature pop = sk->PopProve();
    EXPECT_EQ("0x" + HexEncode(pop.ToBytes()), s["proof_of_possession"].get<std::string>());

    // The published PoP must verify as a PoP, and must not verify as an ordinary signature
    // over the same bytes (different DST).
    auto published = Signature::FromBytes(MustHex(s["proof_of_possession"].get<std::string>()));
    ASSERT_TRUE(published.ok());
    auto pk_parsed = PublicKey::FromBytes(MustHex(s["public_key_compressed"].get<std::string>()));
    ASSERT_TRUE(pk_parsed.ok());
    EXPECT_TRUE(PopVerify(*pk_parsed, *published));
    EXPECT_TRUE(Verify(*pk_parsed, pk_parsed->ToBytes(), *published, kDstPop));
    EXPECT_FALSE(Verify(*pk_parsed, pk_parsed->ToBytes(), *published, kDstSig));
    ++n;
  }
  EXPECT_EQ(n, 5u);
}

}  // namespace
}  // namespace cryfttee::bls::testing
