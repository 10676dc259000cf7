#include "crypto/cb58.h"

#include <gtest/gtest.h>

#include "crypto/node_id.h"
#include "shared_vectors.h"

namespace cryfttee::crypto {
namespace {

using nlohmann::json;

json LoadVectors() {
  return json::parse(
      testing::ReadText(testing::SharedDir() + "/vectors/avalanche/cb58_vectors.json"));
}

TEST(Cb58, EncodesAndDecodesAvalancheVectors) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  json v = LoadVectors();
  ASSERT_GE(v["cb58_encode_decode"].size(), 4u);
  for (const auto& c : v["cb58_encode_decode"]) {
    auto bytes = HexDecode(c["bytes_hex"].get<std::string>());
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(Cb58Encode(*bytes), c["cb58"].get<std::string>());
    auto decoded = Cb58Decode(c["cb58"].get<std::string>());
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, *bytes);
  }
}

TEST(Cb58, NodeIdStringVector) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  json v = LoadVectors()["node_id_string"];
  auto bytes = HexDecode(v["node_id_bytes_hex"].get<std::string>());
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 20u);
  NodeId id{};
  std::copy(bytes->begin(), bytes->end(), id.begin());
  EXPECT_EQ(FormatNodeId(id), v["expected"].get<std::string>());
  auto parsed = ParseNodeId(v["expected"].get<std::string>());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, id);
}

TEST(Cb58, DecodeErrorsMatchAvalanche) {
  EXPECT_EQ(Cb58Decode("").status().code(), "invalid_base58");
  EXPECT_EQ(Cb58Decode("foo").status().code(), "cb58_missing_checksum");
  EXPECT_EQ(Cb58Decode("foobar").status().code(), "cb58_bad_checksum");
  EXPECT_EQ(Cb58Decode("0OIl").status().code(), "invalid_base58");  // not in the alphabet
}

TEST(Cb58, RoundTripsLeadingZerosAndRandomLengths) {
  for (size_t len = 0; len < 80; ++len) {
    Bytes data(len);
    for (size_t i = 0; i < len; ++i) data[i] = static_cast<uint8_t>(i < 3 ? 0 : (i * 37 + len));
    auto back = Cb58Decode(Cb58Encode(data));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, data) << len;
    auto raw = Base58Decode(Base58Encode(data).empty() ? "1" : Base58Encode(data));
    if (!data.empty()) {
      ASSERT_TRUE(raw.ok());
      EXPECT_EQ(*raw, data);
    }
  }
}

TEST(NodeId, ParseRejectsBadInput) {
  EXPECT_EQ(ParseNodeId("7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg").status().code(), "invalid_node_id");
  EXPECT_EQ(ParseNodeId("NodeID-").status().code(), "invalid_node_id");
  // Valid cb58 of a 4-byte payload: wrong length for a node ID.
  EXPECT_EQ(ParseNodeId("NodeID-" + Cb58Encode(Bytes{1, 2, 3, 4})).status().code(),
            "invalid_node_id");
  EXPECT_TRUE(ParseNodeId("NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg").ok());
}

}  // namespace
}  // namespace cryfttee::crypto
