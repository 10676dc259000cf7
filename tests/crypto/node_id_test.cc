#include "crypto/node_id.h"

#include <gtest/gtest.h>

#include "core/sha256.h"
#include "crypto/x509.h"
#include "shared_vectors.h"

namespace cryfttee::crypto {
namespace {

using nlohmann::json;

TEST(Ripemd160, KnownAnswers) {
  // From the RIPEMD-160 authors' page (Dobbertin, Bosselaers, Preneel).
  auto empty = Ripemd160({});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(HexEncode(*empty), "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  auto abc = Ripemd160(AsBytes("abc"));
  ASSERT_TRUE(abc.ok());
  EXPECT_EQ(HexEncode(*abc), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  auto alphabet = Ripemd160(AsBytes("abcdefghijklmnopqrstuvwxyz"));
  ASSERT_TRUE(alphabet.ok());
  EXPECT_EQ(HexEncode(*alphabet), "f71c27109c692c1b56bbdceb5b9d2865b3708dbc");
}

TEST(NodeId, AvalancheGoStakerCertificates) {
  CRYFTTEE_REQUIRE_SHARED_DIR();
  std::string dir = testing::SharedDir() + "/vectors/avalanche/nodeid/";
  json v = json::parse(testing::ReadText(dir + "nodeid_vectors.json"));
  ASSERT_EQ(v["cases"].size(), 5u);
  for (const auto& c : v["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto der =
        CertificateDerFromPem(testing::ReadText(dir + c["cert_pem_file"].get<std::string>()));
    ASSERT_TRUE(der.ok()) << der.status().ToString();
    EXPECT_EQ(der->size(), c["derived_cert_der_len"].get<size_t>());
    EXPECT_EQ(HexEncode(Sha256(*der)), c["derived_sha256_of_der"].get<std::string>());
    auto id = NodeIdFromCertificateDer(*der);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(HexEncode(*id), c["derived_node_id_bytes_ripemd160"].get<std::string>());
    EXPECT_EQ(FormatNodeId(*id), c["expected_node_id"].get<std::string>());
  }
}

TEST(NodeId, EmptyCertificateIsAnError) {
  EXPECT_EQ(NodeIdFromCertificateDer({}).status().code(), "invalid_certificate");
}

}  // namespace
}  // namespace cryfttee::crypto
