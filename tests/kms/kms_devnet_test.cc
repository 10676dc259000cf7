// Operator mode end to end: `cryftteectl kms devnet` starts 5 real cryfttee daemons on
// loopback (interval 3 s, t = 3); the test then checks, over their real sockets:
//   - DKG: every operator reports the same group key, listed in /v1/staking/keys with
//     {"threshold": {t, n, version}};
//   - a threshold sign through POST /v1/staking/bls/sign with the group key's handle verifies
//     with blst (tests/js/verify_bls.mjs) under that key;
//   - a reshare at a later boundary keeps the group key and bumps the version;
//   - an operator killed (SIGKILL) does not stop the next interval: the others reshare, and
//     signing still works with 4 of 5;
//   - the protocol endpoints refuse malformed (400), unauthenticated (401) and oversized (413)
//     messages with stable codes, and GET /evidence without the token (401);
//   - SIGTERM stops the devnet and every daemon, exit 0;
//   - operators leave and rejoin by editing the peering file (n follows; the rejoined one signs);
//   - a test-only invalid-share dealer is caught with evidence and excluded;
//   - issue 15: op2 and op4 run as daemon + cryfttee-enclave pairs over a Unix socket (devnet
//     --enclave), so every check above mixes in-process and enclave engines; their daemons' data
//     dirs hold no operator keys or shares (the enclaves' do), and a daemon whose enclave is gone
//     answers protocol messages 503 enclave_unavailable.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include "apps/cryfttee-enclave/memory_scan.h"
#include "core/bytes.h"
#include "kms/authenticated_message.h"
#include "kms/identity.h"
#include "kms/operator_keys.h"
#include "support/daemon_process.h"
#include "support/raw_http.h"

namespace cryfttee::kms {
namespace {

using nlohmann::json;
using testing::BinaryPath;
using testing::RawConnection;
using testing::RawResponse;
using testing::SourceDir;
using testing::TcpRequest;
using testing::TempDir;
using testing::UnixRequest;

bool WaitFor(const std::function<bool()>& cond, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return cond();
}

bool BlstVerifies(const TempDir& dir, const std::string& pk, const std::string& msg_hex,
                  const std::string& sig_hex) {
  std::string file = dir.File("cases.json");
  std::ofstream(file)
      << json::array({{{"scheme", "sig"}, {"pk", pk}, {"msg", msg_hex}, {"sig", sig_hex}}}).dump();
  std::string cmd = "cd " + SourceDir() + " && node tests/js/verify_bls.mjs " + file;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) ::pclose(p);
  return out.find("true") != std::string::npos && out.find("false") == std::string::npos;
}

// tests/js/kms_cross_check.mjs (noble + blst) on `doc`: "ok" when every check passed.
json CrossCheck(const TempDir& dir, const json& doc) {
  std::string file = dir.File("cross.json");
  std::ofstream(file) << doc.dump();
  std::string cmd = "cd " + SourceDir() + " && node tests/js/kms_cross_check.mjs < " + file;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) ::pclose(p);
  return json::parse(out, nullptr, false);
}

int PortOf(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

class KmsDevnet : public ::testing::Test {
 protected:
  void SetUp() override { StartDevnet(""); }
  // `misbehaviour`: "" or "op<i>=<kind>" for --test-misbehaviour.
  void StartDevnet(const std::string& misbehaviour) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string ctl = BinaryPath("cryftteectl");
      int fd = ::open(dir_.File("devnet.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::string net = dir_.File("net");
      std::vector<const char*> argv = {ctl.c_str(), "kms",         "devnet",    "--operators",
                                       "5",         "--threshold", "3",         "--interval",
                                       "3s",        "--dir",       net.c_str(), "--enclave",
                                       "op2",       "--enclave",   "op4"};
      if (!misbehaviour.empty()) {
        argv.push_back("--test-misbehaviour");
        argv.push_back(misbehaviour.c_str());
      }
      argv.push_back(nullptr);
      ::execv(ctl.c_str(), const_cast<char* const*>(argv.data()));
      ::_exit(127);
    }
    ASSERT_TRUE(WaitFor(
        [&] {
          std::ifstream in(dir_.File("net/devnet.json"));
          if (!in) return false;
          devnet_ = json::parse(in, nullptr, false);
          return devnet_.is_object();
        },
        60'000))
        << Output();
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    for (const auto& op : devnet_.value("operators", json::array())) {
      ::kill(op["pid"].get<int>(), SIGKILL);
      if (op.contains("enclave_pid")) ::kill(op["enclave_pid"].get<int>(), SIGKILL);
    }
  }
  std::string Output() const {
    std::ifstream in(dir_.File("devnet.out"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  json Op(int i) const { return devnet_["operators"][i]; }
  json Status(int i) const {
    return UnixRequest(Op(i)["api_socket"], "GET", "/v1/kms/status").Json();
  }
  // The group key every live operator in `live` reports for a version above `after`, or "".
  std::string AgreedKey(const std::vector<int>& live, uint64_t after, uint64_t* version) const {
    std::string key;
    for (int i : live) {
      json s = Status(i);
      if (!s.contains("group_key")) return "";
      if (s["group_key"]["version"].get<uint64_t>() <= after) return "";
      std::string k = s["group_key"]["public_key"];
      if (!key.empty() && k != key) return "";
      key = k;
      *version = s["group_key"]["version"];
    }
    return key;
  }
  json SignThrough(int i, const std::string& handle) const {
    return UnixRequest(Op(i)["api_socket"], "POST", "/v1/staking/bls/sign",
                       json{{"key_handle", handle}, {"message", "aGVsbG8="}}.dump())
        .Json();
  }

  // Rewrites the peering file (atomically, as an operator would) with the entries of `ids`.
  void WritePeering(const json& all_entries, const std::set<std::string>& ids) {
    json doc = {{"operators", json::array()}};
    for (const auto& e : all_entries) {
      if (ids.count(e["id"])) doc["operators"].push_back(e);
    }
    std::string tmp = dir_.File("net/peering.json.new");
    std::ofstream(tmp) << doc.dump();
    ASSERT_EQ(std::rename(tmp.c_str(), dir_.File("net/peering.json").c_str()), 0);
  }

  TempDir dir_;
  pid_t pid_ = -1;
  json devnet_;
};

TEST_F(KmsDevnet, DkgSignReshareAndAnOperatorLost) {
  ASSERT_EQ(devnet_["threshold"], 3);
  ASSERT_EQ(devnet_["interval_seconds"], 3);
  ASSERT_EQ(devnet_["operators"].size(), 5u);

  // DKG: one group key everywhere.
  std::vector<int> all = {0, 1, 2, 3, 4};
  uint64_t v1 = 0;
  std::string group;
  ASSERT_TRUE(WaitFor([&] { return !(group = AgreedKey(all, 0, &v1)).empty(); }, 20'000))
      << Status(0).dump(2);

  // The node API lists it with its sharing, and signs with it through the operators.
  json keys = UnixRequest(Op(1)["api_socket"], "GET", "/v1/staking/keys").Json();
  ASSERT_EQ(keys["keys"].size(), 1u) << keys.dump();
  const json& key = keys["keys"][0];
  EXPECT_EQ(key["public_key"], group);
  EXPECT_EQ(key["backend"], "kms-threshold");
  EXPECT_EQ(key["threshold"]["t"], 3);
  EXPECT_EQ(key["threshold"]["n"], 5);
  std::string handle = key["key_handle"];

  // op2 and op4: the engine, its keys and its shares are in the enclave, none in the daemon.
  for (int i : {1, 3}) {
    namespace fs = std::filesystem;
    ASSERT_TRUE(Op(i).contains("enclave_data_dir")) << Op(i).dump();
    EXPECT_EQ(Status(i)["engine"], "enclave");
    std::string parent = Op(i)["data_dir"].get<std::string>() + "/kms";
    std::string enclave = Op(i)["enclave_data_dir"].get<std::string>() + "/kms";
    EXPECT_FALSE(fs::exists(parent + "/operator-keys.json")) << parent;
    EXPECT_FALSE(fs::exists(parent + "/versions")) << parent;
    EXPECT_FALSE(fs::exists(parent + "/shares")) << parent;
    EXPECT_TRUE(fs::exists(enclave + "/operator-keys.json")) << enclave;
    EXPECT_FALSE(fs::is_empty(enclave + "/versions")) << enclave;
  }
  EXPECT_EQ(Status(0)["engine"], "process");

  // op2's secret keys are nowhere in its daemon's memory; the same search finds op1's in op1's
  // daemon (engine in process) and op2's in op2's enclave, so a clean result is not the search
  // failing to read.
  auto keys2 = LoadOrCreateOperatorKeys(Op(1)["enclave_data_dir"].get<std::string>() + "/kms", {});
  ASSERT_TRUE(keys2.ok()) << keys2.status().ToString();
  ASSERT_FALSE(keys2->created);
  auto secret = [](const SecretBytes& s) { return Bytes(s.span().begin(), s.span().end()); };
  std::vector<Bytes> needles = {secret(keys2->identity_secret), secret(keys2->encryption_secret)};
  testing::ScanResult parent = testing::ScanProcessMemory(Op(1)["pid"].get<int>(), needles);
  ASSERT_TRUE(parent.ok) << parent.error;
  EXPECT_EQ(parent.hits[0], 0u) << "op2's identity key is in its daemon";
  EXPECT_EQ(parent.hits[1], 0u) << "op2's encryption key is in its daemon";
  testing::ScanResult enclave =
      testing::ScanProcessMemory(Op(1)["enclave_pid"].get<int>(), {needles[1]});
  ASSERT_TRUE(enclave.ok) << enclave.error;
  EXPECT_GE(enclave.hits[0], 1u) << "the search did not find op2's encryption key in its enclave";
  auto keys1 = LoadOrCreateOperatorKeys(Op(0)["data_dir"].get<std::string>() + "/kms", {});
  ASSERT_TRUE(keys1.ok()) << keys1.status().ToString();
  testing::ScanResult local =
      testing::ScanProcessMemory(Op(0)["pid"].get<int>(), {secret(keys1->encryption_secret)});
  ASSERT_TRUE(local.ok) << local.error;
  EXPECT_GE(local.hits[0], 1u) << "the search did not find op1's encryption key in its daemon";

  // Signed through op2: its partial is prepared in its enclave, the peers' are combined by its
  // daemon.
  json sig = SignThrough(1, handle);
  ASSERT_TRUE(sig.value("success", false)) << sig.dump();
  EXPECT_TRUE(BlstVerifies(dir_, group, "68656c6c6f", sig["signature"]));
  EXPECT_FALSE(BlstVerifies(dir_, group, "68656c6c6e", sig["signature"]));

  // /pubkey and /app/sign answer the fixed fields.
  int port = PortOf(Op(2)["protocol_url"]);
  json pub = TcpRequest(port, "GET", "/pubkey").Json();
  EXPECT_EQ(pub["commitments_g1"][0], group);
  EXPECT_TRUE(pub["isActive"].get<bool>());
  json app = TcpRequest(port, "POST", "/app/sign", R"({"appID":"app-1"})").Json();
  EXPECT_EQ(app["operatorAddress"], "op3");
  EXPECT_TRUE(app["index"].is_number_integer());
  EXPECT_EQ(app["partialSignature"].get<std::string>().size(), 2u + 96u);

  // Any t = 3 /app/sign partials of one version (op1, op3, op5) recombine, independently of
  // our library, into a signature under commitments[0]; the node signature verifies too.
  uint64_t version = pub["version"];
  json partials = json::array();
  for (int i : {0, 2, 4}) {
    json part = TcpRequest(PortOf(Op(i)["protocol_url"]), "POST", "/app/sign",
                           json{{"appID", "app-1"}, {"attestationTime", version}}.dump())
                    .Json();
    ASSERT_EQ(part["version"], version) << part.dump();
    partials.push_back({{"index", part["index"]}, {"partialSignature", part["partialSignature"]}});
  }
  json cross = CrossCheck(dir_, {{"appID", "app-1"},
                                 {"commitments", pub["commitments"]},
                                 {"commitments_g1", pub["commitments_g1"]},
                                 {"partials", partials},
                                 {"node",
                                  {{"message", "0x68656c6c6f"},
                                   {"public_key", group},
                                   {"signature", "0x" + sig["signature"].get<std::string>()}}}});
  EXPECT_TRUE(cross.value("ok", false)) << cross.dump();

  // Reshare: same key, newer version.
  uint64_t v2 = 0;
  ASSERT_TRUE(WaitFor([&] { return AgreedKey(all, v1, &v2) == group; }, 12'000))
      << Status(0).dump(2);

  // Kill op5: the four others go on at the next boundaries and still sign.
  ::kill(Op(4)["pid"].get<int>(), SIGKILL);
  std::vector<int> live = {0, 1, 2, 3};
  uint64_t v3 = 0;
  ASSERT_TRUE(WaitFor([&] { return AgreedKey(live, v2 + 3, &v3) == group; }, 15'000))
      << Status(0).dump(2);
  json sig2 = SignThrough(0, handle);
  ASSERT_TRUE(sig2.value("success", false)) << sig2.dump();
  EXPECT_TRUE(BlstVerifies(dir_, group, "68656c6c6f", sig2["signature"]));

  // SIGTERM stops everything, exit 0.
  ::kill(pid_, SIGTERM);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid_, &wstatus, 0), pid_);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << Output();
  EXPECT_NE(::kill(Op(0)["pid"].get<int>(), 0), 0);  // gone
}

// Operators leave and join through the peering file alone: op5 removed -> the others reshare
// among 4 (n = 4) and op5's share stops moving on; op5 added back -> it joins as a receiver, the
// sharing has n = 5 again, and op5's own API signs with the same group key.
TEST_F(KmsDevnet, OperatorsLeaveAndJoinThroughThePeeringFile) {
  std::vector<int> all = {0, 1, 2, 3, 4};
  uint64_t v = 0;
  std::string group;
  ASSERT_TRUE(WaitFor([&] { return !(group = AgreedKey(all, 0, &v)).empty(); }, 20'000));
  json entries = json::parse(std::ifstream(dir_.File("net/peering.json")))["operators"];
  ASSERT_EQ(entries.size(), 5u);

  WritePeering(entries, {"op1", "op2", "op3", "op4"});
  std::vector<int> four = {0, 1, 2, 3};
  uint64_t v_four = 0;
  ASSERT_TRUE(WaitFor(
      [&] { return AgreedKey(four, v, &v_four) == group && Status(0)["group_key"]["n"] == 4; },
      15'000))
      << Status(0).dump(2);
  // op5 is out: it takes no part in the sessions of the 4 (its version stays behind).
  EXPECT_LT(Status(4)["group_key"]["version"].get<uint64_t>(), v_four);

  WritePeering(entries, {"op1", "op2", "op3", "op4", "op5"});
  uint64_t v_five = 0;
  ASSERT_TRUE(WaitFor(
      [&] { return AgreedKey(all, v_four, &v_five) == group && Status(4)["group_key"]["n"] == 5; },
      15'000))
      << Status(4).dump(2);
  std::string handle = Status(4)["group_key"]["key_handle"];
  json sig = SignThrough(4, handle);
  ASSERT_TRUE(sig.value("success", false)) << sig.dump();
  EXPECT_TRUE(BlstVerifies(dir_, group, "68656c6c6f", sig["signature"]));
}

// A dealer that sends invalid shares (test-only switch) is caught: the honest operators hold
// evidence against it, exclude it, and still agree on one group key.
class KmsDevnetFraud : public KmsDevnet {
 protected:
  void SetUp() override { StartDevnet("op3=invalid_share"); }
};

TEST_F(KmsDevnetFraud, InvalidShareDealerIsCaughtAndExcluded) {
  std::vector<int> honest = {0, 1, 3, 4};
  uint64_t v = 0;
  std::string group;
  ASSERT_TRUE(WaitFor([&] { return !(group = AgreedKey(honest, 0, &v)).empty(); }, 20'000))
      << Status(0).dump(2);
  json status = Status(0);
  EXPECT_GE(status["fraud_records"].get<int>(), 1) << status.dump(2);
  json evidence = UnixRequest(Op(0)["api_socket"], "GET", "/v1/kms/evidence").Json();
  ASSERT_TRUE(evidence["evidence"].is_array()) << evidence.dump();
  ASSERT_FALSE(evidence["evidence"].empty());
  EXPECT_EQ(evidence["evidence"][0]["dealer"], "op3");
  EXPECT_EQ(evidence["evidence"][0]["kind"], "invalid_share");
  // The same records on the protocol listener, with the operator's bearer token only.
  std::ifstream token_file(dir_.File("net/op1/data/kms/evidence-token"));
  std::string token;
  std::getline(token_file, token);
  RawResponse authed = TcpRequest(PortOf(Op(0)["protocol_url"]), "GET", "/evidence", "",
                                  "Authorization: Bearer " + token + "\r\n");
  EXPECT_EQ(authed.status, 200) << authed.body;
  EXPECT_EQ(authed.Json()["evidence"].size(), evidence["evidence"].size());
}

TEST_F(KmsDevnet, ProtocolEndpointsRefuseBadMessages) {
  int port = PortOf(Op(0)["protocol_url"]);
  // A session that exists: messages of a future one are held (unverified) until it starts.
  uint64_t session = 0;
  ASSERT_TRUE(WaitFor(
      [&] { return (session = Status(0)["scheduler"]["last_boundary"].get<uint64_t>()) != 0; },
      10'000));
  for (const char* route : {"/dkg/commitment", "/dkg/share", "/dkg/ack", "/reshare/commitment",
                            "/reshare/share", "/reshare/ack", "/reshare/complete"}) {
    RawResponse bad = TcpRequest(port, "POST", route, "{not json");
    EXPECT_EQ(bad.status, 400) << route;
    EXPECT_EQ(bad.Json()["code"], "malformed_message") << route << bad.body;

    // Well formed and signed, but by a key no peering entry lists.
    auto signer = NewBls12381Signer(Bytes(32, 7));
    ASSERT_TRUE(signer.ok());
    std::string type = std::string(route).substr(1);
    type[type.find('/')] = '_';  // "/dkg/share" carries "dkg_share"
    MessageHeader h{type, session * 1000, 1, "op9", ""};
    auto wire = EncodeMessage(h, json::object(), **signer);
    ASSERT_TRUE(wire.ok());
    RawResponse stranger = TcpRequest(port, "POST", route, *wire);
    EXPECT_EQ(stranger.status, 401) << route << stranger.body;
    EXPECT_EQ(stranger.Json()["code"], "unknown_sender") << route;

    RawResponse big = TcpRequest(port, "POST", route, std::string((1 << 20) + 16, 'x'));
    EXPECT_EQ(big.status, 413) << route;
  }
  RawResponse no_app = TcpRequest(port, "POST", "/app/sign", "{}");
  EXPECT_EQ(no_app.status, 400);
  EXPECT_EQ(no_app.Json()["code"], "missing_field");
  RawResponse evidence = TcpRequest(port, "GET", "/evidence");
  EXPECT_EQ(evidence.status, 401);
  EXPECT_EQ(evidence.Json()["code"], "unauthenticated");
  RawResponse health = TcpRequest(port, "GET", "/health");
  EXPECT_EQ(health.status, 200);
  {
    // Whoever reaches the port fills it with idle connections, more than its budget of 256: a
    // peer still gets in, because the longest-idle connection makes room.
    std::vector<RawConnection> idle;
    for (int i = 0; i < 300; ++i) idle.push_back(RawConnection::Tcp("127.0.0.1", port));
    RawResponse peer = TcpRequest(port, "GET", "/health");
    EXPECT_EQ(peer.status, 200) << "idle connections locked the peers out";
  }

  // op4's enclave parses the messages sent to op4: the same codes come back through it.
  int enclave_port = PortOf(Op(3)["protocol_url"]);
  RawResponse relayed = TcpRequest(enclave_port, "POST", "/dkg/share", "{not json");
  EXPECT_EQ(relayed.status, 400) << relayed.body;
  EXPECT_EQ(relayed.Json()["code"], "malformed_message") << relayed.body;
  // Without its enclave, op4's daemon stays up and says why it cannot take part.
  ::kill(Op(3)["enclave_pid"].get<int>(), SIGKILL);
  ASSERT_TRUE(WaitFor(
      [&] { return TcpRequest(enclave_port, "POST", "/dkg/share", "{not json").status == 503; },
      5'000));
  RawResponse down = TcpRequest(enclave_port, "POST", "/dkg/share", "{not json");
  EXPECT_EQ(down.Json()["code"], "enclave_unavailable") << down.body;
  EXPECT_EQ(Status(3)["node"]["error"], "enclave_unavailable") << Status(3).dump();
  RawResponse pubkey = TcpRequest(enclave_port, "GET", "/pubkey");
  EXPECT_EQ(pubkey.status, 503) << pubkey.body;
  EXPECT_EQ(pubkey.Json()["code"], "enclave_unavailable") << pubkey.body;
  RawResponse sick = TcpRequest(enclave_port, "GET", "/health");
  EXPECT_EQ(sick.status, 503) << sick.body;
  EXPECT_EQ(sick.Json()["code"], "enclave_unavailable") << sick.body;
  EXPECT_EQ(::kill(Op(3)["pid"].get<int>(), 0), 0);  // the daemon is still running
}

}  // namespace
}  // namespace cryfttee::kms
