// The Ethereum BLS test suite v0.1.2 (vectors/bls/, 98 cases) and the 6 extra deserialization
// cases at upstream HEAD (vectors/bls_unreleased_head/). Every handler asserts how many cases it
// ran, so a missing or emptied folder fails instead of passing vacuously.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bls12_381/bls.h"
#include "crypto/bls12_381/hash_to_curve.h"
#include "vector_files.h"

namespace cryfttee::bls::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::optional<PublicKey> Pk(const json& hex) {
  auto pk = PublicKey::FromBytes(MustHex(hex.get<std::string>()));
  if (!pk.ok()) return std::nullopt;
  return *pk;
}

std::optional<Signature> Sig(const json& hex) {
  auto sig = Signature::FromBytes(MustHex(hex.get<std::string>()));
  if (!sig.ok()) return std::nullopt;
  return *sig;
}

// Decodes every key in the list; nullopt if any fails (the vector's expected result is then
// "invalid" for the whole operation).
std::optional<std::vector<PublicKey>> Pks(const json& list) {
  std::vector<PublicKey> out;
  for (const auto& h : list) {
    auto pk = Pk(h);
    if (!pk) return std::nullopt;
    out.push_back(*pk);
  }
  return out;
}

// Runs `check` on every file of one handler and asserts the number of cases.
template <typename Fn>
void ForEachCase(const fs::path& dir, size_t expected, Fn check) {
  auto files = JsonFilesIn(dir);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    json j = LoadJson(file);
    check(j["input"], j["output"]);
  }
  EXPECT_EQ(files.size(), expected) << "case count in " << dir;
}

TEST(EthVectors, Sign) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/sign", 10, [](const json& in, const json& out) {
    auto sk = SecretKey::FromBytes(MustHex(in["privkey"].get<std::string>()));
    if (out.is_null()) {
      EXPECT_FALSE(sk.ok()) << "the vector expects the key to be rejected";
      return;
    }
    ASSERT_TRUE(sk.ok()) << sk.status().ToString();
    Bytes msg = MustHex(in["message"].get<std::string>());
    Signature sig = sk->Sign(msg);
    EXPECT_EQ("0x" + HexEncode(sig.ToBytes()), out.get<std::string>());
    EXPECT_TRUE(Verify(sk->GetPublicKey(), msg, sig));
  });
}

TEST(EthVectors, Verify) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/verify", 29, [](const json& in, const json& out) {
    auto pk = Pk(in["pubkey"]);
    auto sig = Sig(in["signature"]);
    bool ok = pk && sig && Verify(*pk, MustHex(in["message"].get<std::string>()), *sig);
    EXPECT_EQ(ok, out.get<bool>());
  });
}

TEST(EthVectors, Aggregate) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/aggregate", 6, [](const json& in, const json& out) {
    std::vector<Signature> sigs;
    bool decoded = true;
    for (const auto& h : in) {
      auto sig = Sig(h);
      if (!sig) decoded = false;
      if (sig) sigs.push_back(*sig);
    }
    if (!decoded) {
      EXPECT_TRUE(out.is_null()) << "an input signature did not decode";
      return;
    }
    auto agg = Aggregate(sigs);
    if (out.is_null()) {
      EXPECT_FALSE(agg.ok());
      if (sigs.empty()) {
        EXPECT_EQ(agg.status().code(), "empty_aggregate");
      }
      return;
    }
    ASSERT_TRUE(agg.ok()) << agg.status().ToString();
    EXPECT_EQ("0x" + HexEncode(agg->ToBytes()), out.get<std::string>());
  });
}

TEST(EthVectors, AggregateVerify) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/aggregate_verify", 5, [](const json& in, const json& out) {
    auto pks = Pks(in["pubkeys"]);
    auto sig = Sig(in["signature"]);
    std::vector<Bytes> msgs;
    for (const auto& m : in["messages"]) msgs.push_back(MustHex(m.get<std::string>()));
    std::vector<ByteSpan> spans(msgs.begin(), msgs.end());
    bool ok = pks && sig && AggregateVerify(*pks, spans, *sig);
    EXPECT_EQ(ok, out.get<bool>());
  });
}

TEST(EthVectors, FastAggregateVerify) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/fast_aggregate_verify", 12, [](const json& in, const json& out) {
    auto pks = Pks(in["pubkeys"]);
    auto sig = Sig(in["signature"]);
    bool ok =
        pks && sig && FastAggregateVerify(*pks, MustHex(in["message"].get<std::string>()), *sig);
    EXPECT_EQ(ok, out.get<bool>());
  });
}

TEST(EthVectors, BatchVerify) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/batch_verify", 4, [](const json& in, const json& out) {
    auto pks = Pks(in["pubkeys"]);
    std::vector<Signature> sigs;
    bool sigs_ok = true;
    for (const auto& h : in["signatures"]) {
      auto sig = Sig(h);
      if (!sig) sigs_ok = false;
      if (sig) sigs.push_back(*sig);
    }
    std::vector<Bytes> msgs;
    for (const auto& m : in["messages"]) msgs.push_back(MustHex(m.get<std::string>()));
    std::vector<ByteSpan> spans(msgs.begin(), msgs.end());
    // Random scalars: run it several times so a lucky draw cannot hide a wrong answer.
    for (int round = 0; round < 3; ++round) {
      bool ok = pks && sigs_ok && BatchVerify(*pks, spans, sigs);
      EXPECT_EQ(ok, out.get<bool>()) << "round " << round;
    }
  });
}

// Ethereum's deserialization_G1 means "decodes to a point of G1"; the identity counts. Our
// PublicKey::FromBytes additionally runs KeyValidate, which must reject the identity, so for
// that one encoding we check the rejection code instead.
void CheckG1Deserialization(const json& in, const json& out) {
  Bytes b = MustHex(in["pubkey"].get<std::string>());
  auto pk = PublicKey::FromBytes(b);
  bool identity = b.size() == kPublicKeySize && b[0] == 0xc0 &&
                  std::all_of(b.begin() + 1, b.end(), [](uint8_t x) { return x == 0; });
  if (identity && out.get<bool>()) {
    ASSERT_FALSE(pk.ok()) << "KeyValidate must reject the identity public key";
    EXPECT_EQ(pk.status().code(), "invalid_public_key");
    return;
  }
  EXPECT_EQ(pk.ok(), out.get<bool>()) << (pk.ok() ? "" : pk.status().ToString());
  if (pk.ok()) {
    EXPECT_EQ(HexEncode(pk->ToBytes()), HexEncode(b)) << "re-encoding differs";
  }
}

void CheckG2Deserialization(const json& in, const json& out) {
  Bytes b = MustHex(in["signature"].get<std::string>());
  auto sig = Signature::FromBytes(b);
  EXPECT_EQ(sig.ok(), out.get<bool>()) << (sig.ok() ? "" : sig.status().ToString());
  if (sig.ok()) {
    EXPECT_EQ(HexEncode(sig->ToBytes()), HexEncode(b)) << "re-encoding differs";
  }
}

TEST(EthVectors, DeserializationG1) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/deserialization_G1", 13, CheckG1Deserialization);
  ForEachCase(v / "bls_unreleased_head/deserialization_G1", 3, CheckG1Deserialization);
}

TEST(EthVectors, DeserializationG2) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  ForEachCase(v / "bls/deserialization_G2", 15, CheckG2Deserialization);
  ForEachCase(v / "bls_unreleased_head/deserialization_G2", 3, CheckG2Deserialization);
}

TEST(EthVectors, HashToG2) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  const std::string dst = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";
  ForEachCase(v / "bls/hash_to_G2", 4, [&](const json& in, const json& out) {
    auto p = internal::HashToG2(AsBytes(in["msg"].get<std::string>()), AsBytes(dst));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    auto h = [](const internal::FpBytes& f) { return "0x" + HexEncode(f); };
    EXPECT_FALSE(p->infinity);
    EXPECT_EQ(h(p->x_c0) + "," + h(p->x_c1), out["x"].get<std::string>());
    EXPECT_EQ(h(p->y_c0) + "," + h(p->y_c1), out["y"].get<std::string>());
  });
}

// Guards the guard: the per-handler counts above must add up to the published 98 + 6.
TEST(EthVectors, TotalCaseCount) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  size_t total = 0;
  for (const auto& d : fs::directory_iterator(v / "bls")) {
    if (d.is_directory() && d.path().filename() != "formats") total += JsonFilesIn(d).size();
  }
  EXPECT_EQ(total, 98u);
  size_t head = JsonFilesIn(v / "bls_unreleased_head/deserialization_G1").size() +
                JsonFilesIn(v / "bls_unreleased_head/deserialization_G2").size();
  EXPECT_EQ(head, 6u);
}

}  // namespace
}  // namespace cryfttee::bls::testing
