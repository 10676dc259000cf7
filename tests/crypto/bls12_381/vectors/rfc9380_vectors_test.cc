// RFC 9380 vectors (vectors/hash_to_curve/): expand_message_xmd with SHA-256 (short and
// 256-byte DST) and the BLS12381G2_XMD:SHA-256_SSWU_RO_ suite, checking u (hash_to_field) and P.
// The _NU_ (encode_to_curve) suites are not checked: the library does not implement
// encode_to_curve, which no BLS ciphersuite here uses. The G1 suites are out of scope (min-pk
// signatures hash to G2 only).
#include <gtest/gtest.h>

#include <string>

#include "crypto/bls12_381/hash_to_curve.h"
#include "vector_files.h"

namespace cryfttee::bls::testing {
namespace {

using nlohmann::json;

std::string Hex0x(const internal::FpBytes& f) { return "0x" + HexEncode(f); }

size_t ParseLen(const json& j) { return std::stoul(j.get<std::string>(), nullptr, 16); }

void CheckExpandFile(const std::filesystem::path& file, size_t expected_cases) {
  json j = LoadJson(file);
  std::string dst = j["DST"];
  size_t n = 0;
  for (const auto& t : j["tests"]) {
    SCOPED_TRACE("msg \"" + t["msg"].get<std::string>().substr(0, 20) + "\" len " +
                 t["len_in_bytes"].get<std::string>());
    auto out = internal::ExpandMessageXmd(AsBytes(t["msg"].get<std::string>()), AsBytes(dst),
                                          ParseLen(t["len_in_bytes"]));
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(HexEncode(*out), t["uniform_bytes"].get<std::string>());
    ++n;
  }
  EXPECT_EQ(n, expected_cases) << file;
}

TEST(Rfc9380, ExpandMessageXmdSha256) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  CheckExpandFile(v / "hash_to_curve/expand_message_xmd_SHA256_38.json", 10);
  CheckExpandFile(v / "hash_to_curve/expand_message_xmd_SHA256_256.json", 10);
}

TEST(Rfc9380, ExpandMessageXmdRejectsBadLengths) {
  EXPECT_FALSE(internal::ExpandMessageXmd(AsBytes("abc"), AsBytes("DST"), 0).ok());
  EXPECT_FALSE(internal::ExpandMessageXmd(AsBytes("abc"), AsBytes("DST"), 255 * 32 + 1).ok());
  EXPECT_TRUE(internal::ExpandMessageXmd(AsBytes("abc"), AsBytes("DST"), 255 * 32).ok());
  EXPECT_FALSE(internal::ExpandMessageXmd(AsBytes("abc"), AsBytes(""), 32).ok());
}

TEST(Rfc9380, HashToG2RandomOracle) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  json j = LoadJson(v / "hash_to_curve/BLS12381G2_XMD_SHA-256_SSWU_RO_.json");
  ASSERT_EQ(j["ciphersuite"], "BLS12381G2_XMD:SHA-256_SSWU_RO_");
  std::string dst = j["dst"];
  size_t n = 0;
  for (const auto& t : j["vectors"]) {
    std::string msg = t["msg"];
    SCOPED_TRACE("msg \"" + msg.substr(0, 20) + "\"");
    auto u = internal::HashToFieldFp2(AsBytes(msg), AsBytes(dst));
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    EXPECT_EQ(Hex0x((*u)[0]) + "," + Hex0x((*u)[1]), t["u"][0].get<std::string>());
    EXPECT_EQ(Hex0x((*u)[2]) + "," + Hex0x((*u)[3]), t["u"][1].get<std::string>());

    auto p = internal::HashToG2(AsBytes(msg), AsBytes(dst));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_FALSE(p->infinity);
    EXPECT_EQ(Hex0x(p->x_c0) + "," + Hex0x(p->x_c1), t["P"]["x"].get<std::string>());
    EXPECT_EQ(Hex0x(p->y_c0) + "," + Hex0x(p->y_c1), t["P"]["y"].get<std::string>());
    ++n;
  }
  EXPECT_EQ(n, 5u);
}

}  // namespace
}  // namespace cryfttee::bls::testing
