// cryftteectl init-node against the real daemon and its signer module: every row of the seed's
// key-state table, the attestation pin, and keys that survive a daemon restart.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/sha256.h"
#include "node_test_util.h"

namespace cryfttee::testing {
namespace {

using Json = nlohmann::json;

const std::string kOtherBls = "0x" + std::string(96, 'a');
const std::string kOtherTls = "0x02" + std::string(64, 'b');

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

void Write(const std::string& dir, const std::string& name, const std::string& value) {
  ::mkdir(dir.c_str(), 0700);
  std::ofstream(dir + "/" + name) << value << "\n";
}

CtlResult InitNode(const DaemonProcess& d, const std::string& state,
                   std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--socket",    d.socket_path(), "--json",         "init-node",
                                   "--state-dir", state,           "--wait-timeout", "10"};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunCtl(args, 60'000);
}

Json StakingStatus(const DaemonProcess& d) { return d.Get("/v1/staking/status").Json(); }

class InitNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(daemon_.Start()) << daemon_.Log();
    auto s = StakingStatus(daemon_);
    if (!s.contains("bls_pubkeys") || !s.value("ready", false)) {
      GTEST_SKIP() << "the daemon has no ready signer module yet (staking endpoints not landed?): "
                   << s.dump();
    }
  }
  // Generates both keys through init-node in a throwaway state dir; returns its identity.
  Json Generate() {
    auto r = InitNode(daemon_, tmp_.File("seed-state"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::parse(r.out, nullptr, false);
  }
  DaemonProcess daemon_;
  TempDir tmp_;
};

TEST_F(InitNodeTest, Row1_NoKeysNothingSaved_Generates) {
  std::string state = tmp_.File("state");
  auto r = InitNode(daemon_, state);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json id = Json::parse(r.out);
  EXPECT_EQ(id["bls"]["action"], "generate");
  EXPECT_EQ(id["tls"]["action"], "generate");
  std::string bls = id["bls"]["public_key"], tls = id["tls"]["public_key"];
  EXPECT_EQ(bls.size(), 2u + 96u);  // compressed G1
  EXPECT_EQ(tls.size(), 2u + 66u);  // compressed secp256k1
  EXPECT_EQ(id["node_id_source"], "certificate");
  EXPECT_EQ(id["node_id"].get<std::string>().rfind("NodeID-", 0), 0u);

  // The files: exact values, mode 0600.
  EXPECT_EQ(Read(state + "/bls_pubkey"), bls);
  EXPECT_EQ(Read(state + "/tls_pubkey"), tls);
  EXPECT_EQ(Read(state + "/node_id"), id["node_id"]);
  for (const char* f : {"bls_pubkey", "tls_pubkey", "node_id", "tls_certificate.pem"}) {
    struct stat st {};
    ASSERT_EQ(::stat((state + "/" + f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  // The daemon now holds exactly these keys.
  Json s = StakingStatus(daemon_);
  EXPECT_EQ(s["bls_pubkeys"], Json::array({bls}));
  EXPECT_EQ(s["tls_pubkeys"], Json::array({tls}));
}

TEST_F(InitNodeTest, Row2_NoKeysButSaved_IsKeyLostAndChangesNothing) {
  std::string state = tmp_.File("state");
  Write(state, "bls_pubkey", kOtherBls);
  auto r = InitNode(daemon_, state);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("key_lost"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("BLS key lost"), std::string::npos) << r.err;
  // Nothing generated, not even the TLS key whose own row says "generate".
  Json s = StakingStatus(daemon_);
  EXPECT_TRUE(s["bls_pubkeys"].empty()) << s.dump();
  EXPECT_TRUE(s["tls_pubkeys"].empty()) << s.dump();
  EXPECT_EQ(Read(state + "/bls_pubkey"), kOtherBls);
  EXPECT_FALSE(std::ifstream(state + "/tls_pubkey").good());

  // The TLS key alone can be lost too.
  std::string tls_state = tmp_.File("tls-state");
  Write(tls_state, "tls_pubkey", kOtherTls);
  auto t = InitNode(daemon_, tls_state);
  EXPECT_EQ(t.exit_code, 4) << t.err;
  EXPECT_NE(t.err.find("TLS key lost"), std::string::npos) << t.err;
}

TEST_F(InitNodeTest, Row3_KeysButNothingSaved_AdoptsTheFirst) {
  Json seeded = Generate();
  Json s = StakingStatus(daemon_);
  std::string state = tmp_.File("fresh");
  auto r = InitNode(daemon_, state);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json id = Json::parse(r.out);
  EXPECT_EQ(id["bls"]["action"], "adopt");
  EXPECT_EQ(id["tls"]["action"], "adopt");
  EXPECT_EQ(id["bls"]["public_key"], s["bls_pubkeys"][0]);
  EXPECT_EQ(id["tls"]["public_key"], s["tls_pubkeys"][0]);
  EXPECT_EQ(Read(state + "/bls_pubkey"), seeded["bls"]["public_key"]);
  EXPECT_EQ(Read(state + "/tls_pubkey"), seeded["tls"]["public_key"]);
  // The adopted key's NodeID comes from the certificate the daemon stored with it: the one the
  // first run computed from the registration's certificate.
  EXPECT_EQ(id["node_id"], seeded["node_id"]) << r.out;
  EXPECT_EQ(id["node_id_source"], "certificate");
  EXPECT_EQ(Read(state + "/node_id"), seeded["node_id"]);
  // No key was generated.
  EXPECT_EQ(StakingStatus(daemon_)["bls_pubkeys"].size(), 1u);
  EXPECT_EQ(StakingStatus(daemon_)["tls_pubkeys"].size(), 1u);
}

TEST_F(InitNodeTest, Row4_SavedKeyPresent_IsUsedAcrossADaemonRestart) {
  Json first = Generate();
  std::string state = tmp_.File("seed-state");
  ASSERT_EQ(daemon_.Stop(), 0);
  ASSERT_TRUE(daemon_.Start()) << daemon_.Log();
  auto r = InitNode(daemon_, state);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json id = Json::parse(r.out);
  EXPECT_EQ(id["bls"]["action"], "use");
  EXPECT_EQ(id["tls"]["action"], "use");
  EXPECT_EQ(id["bls"]["public_key"], first["bls"]["public_key"]);
  EXPECT_EQ(id["tls"]["public_key"], first["tls"]["public_key"]);
  EXPECT_EQ(id["node_id"], first["node_id"]);  // re-derived from the saved certificate
  EXPECT_EQ(id["node_id_source"], "certificate");
  EXPECT_EQ(StakingStatus(daemon_)["bls_pubkeys"].size(), 1u);

  // Human output names the node and both keys.
  auto h = RunCtl({"--socket", daemon_.socket_path(), "init-node", "--state-dir", state});
  EXPECT_EQ(h.exit_code, 0) << h.err;
  EXPECT_NE(h.out.find(first["node_id"].get<std::string>()), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("(use)"), std::string::npos) << h.out;
}

TEST_F(InitNodeTest, Row5_SavedKeyNotAmongTheDaemons_IsKeyMismatch) {
  Json seeded = Generate();
  std::string state = tmp_.File("other");
  Write(state, "bls_pubkey", kOtherBls);
  auto r = InitNode(daemon_, state);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("key_mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(kOtherBls), std::string::npos) << r.err;
  EXPECT_EQ(Read(state + "/bls_pubkey"), kOtherBls);  // untouched
  EXPECT_FALSE(std::ifstream(state + "/tls_pubkey").good());

  // Correct BLS, foreign TLS: the TLS row decides.
  std::string tls_state = tmp_.File("tls-other");
  Write(tls_state, "bls_pubkey", seeded["bls"]["public_key"]);
  Write(tls_state, "tls_pubkey", kOtherTls);
  auto t = InitNode(daemon_, tls_state);
  EXPECT_EQ(t.exit_code, 5) << t.err;
  EXPECT_NE(t.err.find("TLS key mismatch"), std::string::npos) << t.err;
}

TEST_F(InitNodeTest, ExpectHashIsCheckedFirst) {
  auto self = Sha256File(BinaryPath("cryfttee"));
  ASSERT_TRUE(self.ok());
  auto bad =
      InitNode(daemon_, tmp_.File("s1"), {"--expect-hash", "sha256:" + std::string(64, '0')});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("binary_hash_mismatch"), std::string::npos) << bad.err;
  EXPECT_TRUE(StakingStatus(daemon_)["bls_pubkeys"].empty());
  auto good = InitNode(daemon_, tmp_.File("s2"), {"--expect-hash", *self});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(Json::parse(good.out)["attestation"]["verified"].get<bool>());
}

TEST(InitNode, NoSignerModuleTimesOut) {
  TempDir tmp;  // an empty module directory: no manifest, no modules
  DaemonProcess d(DaemonOptions{
      .args = {"--module-dir", tmp.path()}, .env = {}, .use_uds = true, .bundled_modules = false});
  ASSERT_TRUE(d.Start()) << d.Log();
  auto r = RunCtl({"--socket", d.socket_path(), "init-node", "--state-dir", tmp.File("s"),
                   "--wait-timeout", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("signer_not_ready"), std::string::npos) << r.err;
  EXPECT_FALSE(std::ifstream(tmp.File("s/bls_pubkey")).good());
}

}  // namespace
}  // namespace cryfttee::testing
