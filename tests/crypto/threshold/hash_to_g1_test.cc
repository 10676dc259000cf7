// RFC 9380 BLS12381G1_XMD:SHA-256_SSWU_RO_: u, Q0, Q1 and P for every official vector. The
// noble differential (threshold_differential) covers random messages and DSTs.
#include <gtest/gtest.h>

#include <string>

#include "crypto/bls12_381/hash_to_g1.h"
#include "crypto/bls12_381/vectors/vector_files.h"

namespace cryfttee::bls::testing {
namespace {

using nlohmann::json;

ByteSpan AsBytes(const std::string& s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string FpHex(const internal::Fp& a) {
  uint8_t b[48];
  internal::FpToBytes(b, a);
  return "0x" + HexEncode(ByteSpan(b, 48));
}

void ExpectPoint(const internal::G1& p, const json& want) {
  internal::G1Affine a = internal::ToAffine(p);
  ASSERT_FALSE(a.infinity);
  EXPECT_EQ(FpHex(a.x), want["x"].get<std::string>());
  EXPECT_EQ(FpHex(a.y), want["y"].get<std::string>());
}

TEST(HashToG1, Rfc9380RandomOracleVectors) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  json j = LoadJson(v / "hash_to_curve/BLS12381G1_XMD_SHA-256_SSWU_RO_.json");
  ASSERT_EQ(j["ciphersuite"], "BLS12381G1_XMD:SHA-256_SSWU_RO_");
  std::string dst = j["dst"];
  size_t n = 0;
  for (const auto& t : j["vectors"]) {
    std::string msg = t["msg"];
    SCOPED_TRACE("msg \"" + msg.substr(0, 20) + "\"");
    internal::Fp u[2];
    ASSERT_TRUE(internal::HashToFieldFp(AsBytes(msg), AsBytes(dst), u).ok());
    EXPECT_EQ(FpHex(u[0]), t["u"][0].get<std::string>());
    EXPECT_EQ(FpHex(u[1]), t["u"][1].get<std::string>());
    ExpectPoint(internal::MapToCurveG1(u[0]), t["Q0"]);
    ExpectPoint(internal::MapToCurveG1(u[1]), t["Q1"]);
    auto p = internal::HashToG1Point(AsBytes(msg), AsBytes(dst));
    ASSERT_TRUE(p.ok());
    ExpectPoint(*p, t["P"]);
    EXPECT_TRUE(internal::G1InSubgroupVartime(*p));
    ++n;
  }
  EXPECT_EQ(n, 5u);
}

TEST(HashToG1, RejectsEmptyDst) { EXPECT_FALSE(internal::HashToG1Point(AsBytes("abc"), {}).ok()); }

}  // namespace
}  // namespace cryfttee::bls::testing
