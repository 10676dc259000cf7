// EIP-2333 tree KDF vectors (vectors/eip2333/test_vectors.json): master SK from seed, child SK
// from master, and the intermediate-values case; plus path derivation built from them.
#include <gtest/gtest.h>

#include <string>

#include "crypto/bls12_381/bls.h"
#include "vector_files.h"

namespace cryfttee::bls::testing {
namespace {

using nlohmann::json;

std::string SkHex(const SecretKey& sk) { return "0x" + HexEncode(sk.ToBytes()); }

TEST(Eip2333, MasterAndChildKeys) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  json j = LoadJson(v / "eip2333/test_vectors.json");
  size_t n = 0;
  for (const auto& t : j["test_cases"]) {
    SCOPED_TRACE(t["name"].get<std::string>());
    Bytes seed = MustHex(t["seed"].get<std::string>());
    auto master = DeriveMasterSK(seed);
    ASSERT_TRUE(master.ok()) << master.status().ToString();
    EXPECT_EQ(SkHex(*master), t["master_SK_hex_be32"].get<std::string>());
    uint32_t index = t["child_index"].get<uint32_t>();
    auto child = DeriveChildSK(*master, index);
    ASSERT_TRUE(child.ok()) << child.status().ToString();
    EXPECT_EQ(SkHex(*child), t["child_SK_hex_be32"].get<std::string>());
    // The same key through the path API: m/<index>.
    auto by_path = DerivePath(seed, "m/" + std::to_string(index));
    ASSERT_TRUE(by_path.ok()) << by_path.status().ToString();
    EXPECT_EQ(SkHex(*by_path), t["child_SK_hex_be32"].get<std::string>());
    ++n;
  }
  EXPECT_EQ(n, 4u);
}

TEST(Eip2333, IntermediateVectorChild) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  json t = LoadJson(v / "eip2333/test_vectors.json")["intermediate"];
  ASSERT_TRUE(t.is_object()) << "intermediate case missing";
  auto master = DeriveMasterSK(MustHex(t["seed"].get<std::string>()));
  ASSERT_TRUE(master.ok());
  auto child = DeriveChildSK(*master, t["child_index"].get<uint32_t>());
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(SkHex(*child), t["child_SK_hex_be32"].get<std::string>());
}

TEST(Eip2333, RejectsShortSeedAndBadPaths) {
  Bytes seed(32, 0x42);
  EXPECT_FALSE(DeriveMasterSK(Bytes(31, 0x42)).ok());
  for (const char* bad :
       {"", "12381/3600", "m/", "m//1", "m/x", "m/-1", "m/4294967296", "n/1", "m/1/"}) {
    auto r = DerivePath(seed, bad);
    EXPECT_FALSE(r.ok()) << "path \"" << bad << "\" was accepted";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), "invalid_path") << bad;
    }
  }
  EXPECT_TRUE(DerivePath(seed, "m/12381/3600/0/0/0").ok());
  EXPECT_TRUE(DerivePath(seed, "m/4294967295").ok());
}

}  // namespace
}  // namespace cryfttee::bls::testing
