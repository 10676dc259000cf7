// Runs the real `cryftteectl bls ...` binary (path in $CRYFTTEE_CTL) and checks outputs and exit
// codes: 0 ok / valid, 1 failure / invalid, 2 usage error.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "vector_files.h"

namespace cryfttee::bls::testing {
namespace {

struct CtlRun {
  int exit_code;
  std::string out;  // stdout, trailing newline removed
};

// Arguments are hex, fixed words or test-controlled strings: no shell quoting issues except the
// DST with spaces, which tests pass single-quoted.
CtlRun Ctl(const std::string& args) {
  const char* ctl = std::getenv("CRYFTTEE_CTL");
  std::string cmd = std::string(ctl ? ctl : "cryftteectl") + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

const std::string kIkm(64, 'a');  // 32 bytes of 0xaa
const std::string kMsg = "48656c6c6f";

class BlsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("CRYFTTEE_CTL") == nullptr) GTEST_SKIP() << "CRYFTTEE_CTL not set";
    CtlRun k = Ctl("bls keygen --ikm " + kIkm);
    ASSERT_EQ(k.exit_code, 0);
    sk_ = k.out;
    CtlRun p = Ctl("bls pubkey --sk " + sk_);
    ASSERT_EQ(p.exit_code, 0);
    pk_ = p.out;
  }
  std::string sk_, pk_;
};

TEST_F(BlsCli, KeygenIsDeterministicWithIkmAndRandomWithout) {
  EXPECT_EQ(sk_.size(), 64u);
  EXPECT_EQ(pk_.size(), 96u);
  EXPECT_EQ(Ctl("bls keygen --ikm " + kIkm).out, sk_);
  CtlRun r1 = Ctl("bls keygen"), r2 = Ctl("bls keygen");
  EXPECT_EQ(r1.exit_code, 0);
  EXPECT_EQ(r1.out.size(), 64u);
  EXPECT_NE(r1.out, r2.out);
  auto j = nlohmann::json::parse(Ctl("--json bls keygen --ikm " + kIkm).out);
  EXPECT_EQ(j["secret_key"], sk_);
  EXPECT_EQ(j["public_key"], pk_);
}

TEST_F(BlsCli, SignThenVerify) {
  CtlRun s = Ctl("bls sign --sk " + sk_ + " --msg " + kMsg);
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_EQ(s.out.size(), 192u);
  CtlRun v = Ctl("bls verify --pk " + pk_ + " --msg 0x" + kMsg + " --sig " + s.out);
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, "valid");
  // Tampered message, wrong DST, wrong key: exit 1.
  EXPECT_EQ(Ctl("bls verify --pk " + pk_ + " --msg 48656c6c6e --sig " + s.out).exit_code, 1);
  EXPECT_EQ(
      Ctl("bls verify --pk " + pk_ + " --msg " + kMsg + " --sig " + s.out + " --dst pop").exit_code,
      1);
  std::string other_pk = Ctl("bls pubkey --sk " + Ctl("bls keygen").out).out;
  CtlRun wrong = Ctl("bls verify --pk " + other_pk + " --msg " + kMsg + " --sig " + s.out);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_EQ(wrong.out, "invalid");
  // A signature that does not decode is invalid, not a usage error.
  std::string garbage(192, 'f');
  EXPECT_EQ(Ctl("bls verify --pk " + pk_ + " --msg " + kMsg + " --sig " + garbage).exit_code, 1);
  auto j = nlohmann::json::parse(
      Ctl("--json bls verify --pk " + pk_ + " --msg " + kMsg + " --sig " + garbage).out);
  EXPECT_EQ(j["valid"], false);
  EXPECT_EQ(j["reason"], "invalid_signature");
}

TEST_F(BlsCli, CustomDstAndEmptyMessage) {
  CtlRun s = Ctl("bls sign --sk " + sk_ + " --msg '' --dst 'MY-APP-V1_'");
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_EQ(
      Ctl("bls verify --pk " + pk_ + " --msg '' --sig " + s.out + " --dst MY-APP-V1_").exit_code,
      0);
  EXPECT_EQ(Ctl("bls verify --pk " + pk_ + " --msg '' --sig " + s.out).exit_code, 1);
  auto j = nlohmann::json::parse(Ctl("--json bls sign --sk " + sk_ + " --msg 00").out);
  EXPECT_EQ(j["dst"], "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_");
}

TEST_F(BlsCli, ProofOfPossession) {
  CtlRun pop = Ctl("bls pop-prove --sk " + sk_);
  ASSERT_EQ(pop.exit_code, 0);
  // A PoP is a signature over the public key under the POP DST.
  EXPECT_EQ(Ctl("bls sign --sk " + sk_ + " --msg " + pk_ + " --dst pop").out, pop.out);
  EXPECT_EQ(Ctl("bls pop-verify --pk " + pk_ + " --pop " + pop.out).exit_code, 0);
  std::string sig_not_pop = Ctl("bls sign --sk " + sk_ + " --msg " + pk_).out;
  EXPECT_EQ(Ctl("bls pop-verify --pk " + pk_ + " --pop " + sig_not_pop).exit_code, 1);
  auto j = nlohmann::json::parse(Ctl("--json bls pop-prove --sk " + sk_).out);
  EXPECT_EQ(j["proof_of_possession"], pop.out);
  EXPECT_EQ(j["public_key"], pk_);
}

TEST_F(BlsCli, Aggregate) {
  std::string s1 = Ctl("bls sign --sk " + sk_ + " --msg 01").out;
  EXPECT_EQ(Ctl("bls aggregate --sig " + s1).out, s1);  // aggregate of one is itself
  std::string s2 = Ctl("bls sign --sk " + sk_ + " --msg 02").out;
  CtlRun both = Ctl("bls aggregate --sig " + s1 + " " + s2);
  ASSERT_EQ(both.exit_code, 0);
  EXPECT_EQ(both.out, Ctl("bls aggregate --sig " + s2 + " --sig " + s1).out);  // order-free
  EXPECT_NE(both.out, s1);
  auto j = nlohmann::json::parse(Ctl("--json bls aggregate --sig " + s1 + " " + s2).out);
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["signature"], both.out);
  EXPECT_EQ(Ctl("bls aggregate --sig " + std::string(192, 'f')).exit_code, 1);
}

TEST_F(BlsCli, DeriveMatchesEip2333Vectors) {
  CRYFTTEE_REQUIRE_VECTORS(v);
  auto t = LoadJson(v / "eip2333/test_vectors.json")["test_cases"][0];
  std::string seed = t["seed"];
  std::string path = "m/" + std::to_string(t["child_index"].get<uint32_t>());
  CtlRun d = Ctl("bls derive --seed " + seed + " --path " + path);
  ASSERT_EQ(d.exit_code, 0);
  EXPECT_EQ("0x" + d.out, t["child_SK_hex_be32"].get<std::string>());
  auto j = nlohmann::json::parse(Ctl("--json bls derive --seed " + seed + " --path m").out);
  EXPECT_EQ("0x" + j["secret_key"].get<std::string>(), t["master_SK_hex_be32"].get<std::string>());
  EXPECT_EQ(Ctl("bls derive --seed " + seed + " --path m/12381/3600/0/0/0").exit_code, 0);
}

TEST_F(BlsCli, UsageErrorsExit2) {
  EXPECT_EQ(Ctl("bls").exit_code, 2);
  EXPECT_EQ(Ctl("bls sign --msg 00").exit_code, 2);                        // missing --sk
  EXPECT_EQ(Ctl("bls sign --sk zz --msg 00").exit_code, 2);                // not hex
  EXPECT_EQ(Ctl("bls sign --sk " + sk_ + " --msg 0").exit_code, 2);        // odd hex
  EXPECT_EQ(Ctl("bls pubkey --sk " + std::string(64, 'f')).exit_code, 2);  // sk >= r
  EXPECT_EQ(Ctl("bls pubkey --sk " + std::string(64, '0')).exit_code, 2);  // sk = 0
  EXPECT_EQ(Ctl("bls keygen --ikm 00").exit_code, 2);                      // IKM too short
  EXPECT_EQ(Ctl("bls derive --seed " + kIkm + " --path x/1").exit_code, 2);
  EXPECT_EQ(Ctl("bls verify --pk zz --msg 00 --sig 00").exit_code, 2);
  auto j = nlohmann::json::parse(Ctl("--json bls pubkey --sk 1234").out);
  EXPECT_EQ(j["error"], "invalid_secret_key");
}

}  // namespace
}  // namespace cryfttee::bls::testing
