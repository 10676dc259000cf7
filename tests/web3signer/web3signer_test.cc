// The Web3Signer backend through the real daemon and the Web3Signer stand-in (server.mjs):
// key import, every typed request with blst verification, slashing protection, the Web3Signer
// face, raw signing and its refusal, readiness that follows Web3Signer, faults (down at start,
// dying, slow, 5xx, garbage, reset), shutdown during a pending sign, and the node's key flow
// (generate, use-existing after restart, adopt, mismatch) through cryftteectl init-node.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "client/node_test_util.h"
#include "support/daemon_process.h"
#include "support/raw_http.h"
#include "w3s_fixture.h"

namespace cryfttee::testing {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// A daemon whose default BLS module is web3signer_v1 (implied by the URL).
DaemonOptions WithWeb3Signer(const std::string& url, std::vector<std::string> more = {}) {
  DaemonOptions o;
  o.args = {"--web3signer-url", url, "--web3signer-timeout-ms", "2000"};
  o.args.insert(o.args.end(), more.begin(), more.end());
  return o;
}

RawResponse Request(const DaemonProcess& d, const std::string& method, const std::string& target,
                    const std::string& body, const std::string& headers = "",
                    int timeout_ms = 10'000) {
  RawConnection c = RawConnection::Unix(d.socket_path());
  if (!c.connected() || !c.Send(BuildRequest(method, target, body, headers))) return {};
  return c.Read(timeout_ms);
}

Json Status(const DaemonProcess& d) { return d.Get("/v1/staking/status").Json(); }

bool Connected(const DaemonProcess& d) { return Status(d).value("web3signer_connected", false); }

std::string Generate(const DaemonProcess& d) {
  RawResponse r = d.Post("/v1/staking/bls/register", R"({"action":"generate","purpose":"t"})");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.Json().value("public_key", "");
}

class Web3SignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string probe =
        "cd " + SourceDir() + " && node -e \"import('@lodestar/types')\" 2>/dev/null";
    if (std::system(probe.c_str()) != 0) {
      GTEST_SKIP() << "node or the npm test tools are missing (run npm ci)";
    }
  }
};

TEST_F(Web3SignerTest, ImportsKeysSignsEveryTypeAndEnforcesSlashingProtection) {
  Web3SignerStandIn w3s;
  ASSERT_TRUE(w3s.started());
  DaemonProcess d(WithWeb3Signer(w3s.url()));
  ASSERT_TRUE(d.Start()) << d.Log();
  ASSERT_TRUE(WaitFor(5000, [&] { return Connected(d); })) << d.Log();
  Json status = Status(d);
  EXPECT_TRUE(status["ready"]);
  EXPECT_EQ(status["signer_module_id"], "web3signer_v1");
  EXPECT_EQ(status["defaults"]["bls"], "web3signer_v1");

  // Generated in cryfttee, imported through the keymanager API (real EIP-2335 decryption there).
  std::string pk = Generate(d);
  ASSERT_EQ(pk.size(), 98u);
  auto held = w3s.PublicKeys();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0], pk);
  ASSERT_TRUE(WaitFor(3000, [&] { return !Status(d)["bls_pubkeys"].empty(); }));
  status = Status(d);
  EXPECT_EQ(status["bls_pubkeys"][0], pk);
  EXPECT_EQ(status["keys"]["bls"]["backend"], "web3signer");
  EXPECT_TRUE(status["keys"]["bls"]["vault_copy"]);

  // Every typed request, through /v1/staking/bls/sign and through the Web3Signer face.
  Json cases = Json::array();
  std::vector<Json> typed = {Attestation(0, 1), BlockV2(64), RandaoReveal(3), AggregationSlot(65),
                             VoluntaryExit(5, 9)};
  for (Json body : typed) {
    Json ours = body;
    ours["pubkey"] = pk;
    RawResponse r = d.Post("/v1/staking/bls/sign", ours.dump());
    ASSERT_EQ(r.status, 200) << body["type"] << " " << r.body;
    Json a = r.Json();
    EXPECT_EQ(a["signed_by"], "web3signer");
    cases.push_back({{"pubkey", pk}, {"signature", a["signature_hex"]}, {"request", body}});
    // The face: Web3Signer's exact answer, JSON by Accept, text/plain without.
    RawResponse face = Request(d, "POST", "/api/v1/eth2/sign/" + pk.substr(2), body.dump(),
                               "Accept: application/json\r\n");
    ASSERT_EQ(face.status, 200) << face.body;
    EXPECT_EQ(face.headers["content-type"], "application/json; charset=utf-8");
    EXPECT_EQ(face.Json()["signature"], a["signature_hex"]);
    RawResponse text = Request(d, "POST", "/api/v1/eth2/sign/" + pk, body.dump(), "");
    ASSERT_EQ(text.status, 200);
    EXPECT_EQ(text.headers["content-type"], "text/plain; charset=utf-8");
    EXPECT_EQ(text.body, a["signature_hex"].get<std::string>());
  }
  // Raw bytes: the vault copy signs, and says so.
  RawResponse raw =
      d.Post("/v1/staking/bls/sign",
             Json{{"pubkey", pk}, {"data", "aGVsbG8="}, {"type", "ATTESTATION"}}.dump());
  ASSERT_EQ(raw.status, 200) << raw.body;
  EXPECT_EQ(raw.Json()["signed_by"], "local-vault");
  cases.push_back(
      {{"pubkey", pk}, {"signature", raw.Json()["signature_hex"]}, {"message", "68656c6c6f"}});
  // A proof of possession: never forwarded as a typed request, signed by the vault copy under
  // the POP suite over the key itself (what AvalancheGo registers with the validator).
  RawResponse pop =
      d.Post("/v1/staking/bls/sign", Json{{"pubkey", pk}, {"type", "PROOF_OF_POSSESSION"}}.dump());
  ASSERT_EQ(pop.status, 200) << pop.body;
  EXPECT_EQ(pop.Json()["signed_by"], "local-vault");
  cases.push_back({{"pubkey", pk}, {"signature", pop.Json()["signature_hex"]}, {"pop", true}});
  // The same bytes checked as an ordinary signature over the key must fail: the suites differ.
  cases.push_back({{"pubkey", pk},
                   {"signature", pop.Json()["signature_hex"]},
                   {"message", pk.substr(2)},
                   {"expect", false}});
  // A wrong case, so the oracle is seen to fail.
  cases.push_back({{"pubkey", pk},
                   {"signature", raw.Json()["signature_hex"]},
                   {"message", "00"},
                   {"expect", false}});
  auto verdicts = VerifyWithBlst(cases);
  ASSERT_EQ(verdicts.size(), cases.size());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(verdicts[i], cases[i].value("expect", true)) << cases[i].dump();
  }

  // Slashing protection: double vote and surround vote refused (412 on the face, a stable code
  // on our API); the same vote again is allowed.
  auto sign = [&](const Json& body) {
    Json ours = body;
    ours["pubkey"] = pk;
    return d.Post("/v1/staking/bls/sign", ours.dump());
  };
  EXPECT_EQ(sign(Attestation(0, 1)).status, 200);
  RawResponse dbl = sign(Attestation(0, 1, "99"));
  EXPECT_EQ(dbl.status, 409) << dbl.body;
  EXPECT_EQ(dbl.Json()["code"], "slashing_protection");
  EXPECT_EQ(dbl.Json()["upstream_status"], 412);
  EXPECT_EQ(sign(Attestation(2, 3)).status, 200);
  RawResponse surround =
      Request(d, "POST", "/api/v1/eth2/sign/" + pk, Attestation(1, 4).dump(), "");
  EXPECT_EQ(surround.status, 412);
  EXPECT_EQ(surround.body, "Precondition Failed");
  EXPECT_EQ(sign(BlockV2(64, "77")).Json()["code"], "slashing_protection");  // double proposal

  // Unknown key, bad body, root mismatch: Web3Signer's statuses, relayed or mapped.
  std::string unknown = "0x" + std::string(96, 'a');
  RawResponse nf = Request(d, "POST", "/api/v1/eth2/sign/" + unknown, RandaoReveal(1).dump(), "");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body, "Not Found");
  Json ours = RandaoReveal(1);
  ours["pubkey"] = unknown;
  EXPECT_EQ(d.Post("/v1/staking/bls/sign", ours.dump()).Json()["code"], "web3signer_key_not_found");
  EXPECT_EQ(Request(d, "POST", "/api/v1/eth2/sign/" + pk, "not json", "").status, 400);
  Json mismatch = RandaoReveal(1);
  mismatch["signingRoot"] = "0x" + std::string(64, '0');
  EXPECT_EQ(Request(d, "POST", "/api/v1/eth2/sign/" + pk, mismatch.dump(), "").status, 500);

  // The face's key list is Web3Signer's.
  RawResponse keys =
      Request(d, "GET", "/api/v1/eth2/publicKeys", "", "Accept: application/json\r\n");
  ASSERT_EQ(keys.status, 200);
  EXPECT_EQ(keys.Json(), Json(held));
}

TEST_F(Web3SignerTest, KeysWebSignerAlreadyHasAreListedAndRawSigningIsRefusedWithoutACopy) {
  Web3SignerStandIn w3s;
  ASSERT_TRUE(w3s.started());
  std::string existing = w3s.AddKey(std::string(62, '0') + "2a");
  // --web3signer-vault-copy off: Web3Signer alone holds generated keys too.
  DaemonProcess d(WithWeb3Signer(w3s.url(), {"--web3signer-vault-copy", "off"}));
  ASSERT_TRUE(d.Start()) << d.Log();
  ASSERT_TRUE(WaitFor(5000, [&] { return !Status(d)["bls_pubkeys"].empty(); })) << d.Log();
  Json status = Status(d);
  EXPECT_EQ(status["bls_pubkeys"][0], existing);
  EXPECT_FALSE(status["keys"]["bls"]["vault_copy"]);

  std::string fresh = Generate(d);
  RawResponse listed = d.Get("/v1/staking/keys");
  EXPECT_NE(listed.body.find(fresh), std::string::npos);
  for (const std::string& pk : {existing, fresh}) {
    RawResponse raw = d.Post("/v1/staking/bls/sign", Json{{"pubkey", pk}, {"data", "aGk="}}.dump());
    EXPECT_EQ(raw.status, 409) << raw.body;
    EXPECT_EQ(raw.Json()["code"], "raw_signing_needs_vault_copy");
    Json typed = RandaoReveal(2);
    typed["pubkey"] = pk;
    RawResponse ok = d.Post("/v1/staking/bls/sign", typed.dump());
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto v = VerifyWithBlst(Json::array({{{"pubkey", pk},
                                          {"signature", ok.Json()["signature_hex"]},
                                          {"request", RandaoReveal(2)}}}));
    ASSERT_EQ(v.size(), 1u);
    EXPECT_TRUE(v[0]);
  }
}

TEST_F(Web3SignerTest, ReadinessFollowsWeb3SignerBothWaysAndFaultsMapToStableAnswers) {
  Web3SignerStandIn w3s;
  ASSERT_TRUE(w3s.started());
  w3s.Fault("down");  // down at start
  DaemonProcess d(WithWeb3Signer(w3s.url(), {"--shutdown-grace-seconds", "1"}));
  ASSERT_TRUE(d.Start()) << d.Log();
  Json status = Status(d);
  EXPECT_FALSE(status["web3signer_connected"]);
  EXPECT_FALSE(status["ready"]);
  EXPECT_NE(status.value("reason", "").find("not connected"), std::string::npos);
  EXPECT_EQ(d.Post("/v1/staking/bls/register", "{}").Json()["code"], "http_connect_failed");

  auto t = Clock::now();
  w3s.Fault("none");
  ASSERT_TRUE(WaitFor(5000, [&] { return Connected(d); }));
  EXPECT_LT(MillisSince(t), 5000);
  EXPECT_TRUE(Status(d)["ready"]);
  std::string pk = Generate(d);

  t = Clock::now();
  w3s.Fault("down");  // dies mid-run
  ASSERT_TRUE(WaitFor(5000, [&] { return !Connected(d); }));
  EXPECT_LT(MillisSince(t), 5000);
  EXPECT_TRUE(Status(d)["bls_pubkeys"].empty());
  w3s.Fault("none");
  ASSERT_TRUE(WaitFor(5000, [&] { return Connected(d); }));

  Json body = RandaoReveal(4);
  body["pubkey"] = pk;
  // 5xx: unhealthy, and a forwarded sign reports Web3Signer's failure.
  w3s.Fault("5xx");
  ASSERT_TRUE(WaitFor(5000, [&] { return !Connected(d); }));
  EXPECT_EQ(d.Post("/v1/staking/bls/sign", body.dump()).Json()["code"], "web3signer_bad_response");
  EXPECT_EQ(Request(d, "POST", "/api/v1/eth2/sign/" + pk, RandaoReveal(4).dump(), "").status, 503);
  // Garbage: a 200 whose body is not Web3Signer's.
  w3s.Fault("garbage");
  RawResponse garbage = d.Post("/v1/staking/bls/sign", body.dump());
  EXPECT_EQ(garbage.status, 502);
  EXPECT_EQ(garbage.Json()["code"], "web3signer_bad_response");
  // Connection reset before an answer.
  w3s.Fault("reset");
  RawResponse reset = d.Post("/v1/staking/bls/sign", body.dump());
  EXPECT_EQ(reset.status, 503) << reset.body;
  EXPECT_EQ(reset.Json()["code"], "http_connection_reset");

  // Slow: the sign gives up at web3signer_timeout_ms (2 s here), never retried; status is
  // served meanwhile.
  w3s.Fault("slow", 20'000);
  int before = static_cast<int>(w3s.State()["requests"].size());
  t = Clock::now();
  std::thread slow([&] {
    RawResponse r = d.Post("/v1/staking/bls/sign", body.dump());
    EXPECT_EQ(r.Json()["code"], "http_timeout") << r.body;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t_status = Clock::now();
  EXPECT_EQ(d.Get("/v1/runtime/attestation").status, 200);
  EXPECT_LT(MillisSince(t_status), 1000);
  slow.join();
  EXPECT_LT(MillisSince(t), 4000);
  int signs = 0;
  Json requests = w3s.State()["requests"];
  for (size_t i = static_cast<size_t>(before); i < requests.size(); ++i) {
    if (requests[i]["path"].get<std::string>().find("/sign/") != std::string::npos) ++signs;
  }
  EXPECT_EQ(signs, 1) << "a sign must never be retried";

  // Shutdown while a sign waits on the slow Web3Signer: within the 1 s grace, not the timeout.
  std::thread pending(
      [&] { Request(d, "POST", "/api/v1/eth2/sign/" + pk, RandaoReveal(5).dump(), ""); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  t = Clock::now();
  EXPECT_EQ(d.Stop(SIGTERM, 10'000), 0) << d.Log();
  EXPECT_LT(MillisSince(t), 1900);
  pending.join();
}

TEST_F(Web3SignerTest, HttpsWithCaFileAndOriginValidation) {
  TempDir dir;
  std::string key = dir.File("key.pem"), cert = dir.File("cert.pem");
  ASSERT_EQ(
      std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
                   "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                   key + " -out " + cert + " 2>/dev/null")
                      .c_str()),
      0);
  Web3SignerStandIn w3s({"--tls-cert", cert, "--tls-key", key});
  ASSERT_TRUE(w3s.started());
  std::string url = "https://127.0.0.1:" + std::to_string(w3s.port());
  DaemonProcess trusted(WithWeb3Signer(url, {"--web3signer-ca-file", cert}));
  ASSERT_TRUE(trusted.Start()) << trusted.Log();
  ASSERT_TRUE(WaitFor(5000, [&] { return Connected(trusted); })) << trusted.Log();
  EXPECT_EQ(Generate(trusted).size(), 98u);
  trusted.Stop();
  // Without the CA the certificate is not trusted: never connected.
  DaemonProcess untrusted(WithWeb3Signer(url));
  ASSERT_TRUE(untrusted.Start());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Json status = Status(untrusted);
  EXPECT_FALSE(status["web3signer_connected"]);
  EXPECT_NE(status["web3signer"].value("last_error", "").find("http_tls_failed"),
            std::string::npos);
  untrusted.Stop();
  // Bad settings name themselves and their source.
  DaemonOptions bad = WithWeb3Signer("ftp://127.0.0.1:1");
  DaemonProcess refused(bad);
  refused.Spawn();
  EXPECT_NE(refused.Wait(10'000), 0);
  EXPECT_NE(refused.Log().find("web3signer_url"), std::string::npos) << refused.Log();
  EXPECT_NE(refused.Log().find("flag --web3signer-url"), std::string::npos) << refused.Log();
  DaemonOptions env_bad;
  env_bad.env = {{"CRYFTTEE_WEB3SIGNER_URL", "http://user@127.0.0.1:9000"}};
  DaemonProcess refused_env(env_bad);
  refused_env.Spawn();
  EXPECT_NE(refused_env.Wait(10'000), 0);
  EXPECT_NE(refused_env.Log().find("env CRYFTTEE_WEB3SIGNER_URL"), std::string::npos)
      << refused_env.Log();
}

}  // namespace
}  // namespace cryfttee::testing

namespace cryfttee::testing {
namespace {

CtlResult InitNode(const DaemonProcess& d, const std::string& state) {
  return RunCtl({"--socket", d.socket_path(), "--json", "init-node", "--state-dir", state,
                 "--wait-timeout", "10"},
                60'000);
}

// The seed's launch-and-keys flow (binary-attestation.md InitKeys) against Web3Signer: readiness,
// generate, use-existing after a restart, adopt, mismatch, and signing with the node's shapes.
TEST_F(Web3SignerTest, NodeKeyFlowGenerateRestartAdoptMismatchSign) {
  Web3SignerStandIn w3s;
  ASSERT_TRUE(w3s.started());
  TempDir shared;
  std::string data = shared.File("data"), state = shared.File("state");
  w3s.Fault("down");  // readiness: init-node waits while Web3Signer is away
  std::string pk;
  {
    DaemonProcess d(WithWeb3Signer(w3s.url(), {"--data-dir", data}));
    ASSERT_TRUE(d.Start()) << d.Log();
    EXPECT_FALSE(Status(d)["ready"]);
    std::thread back([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      w3s.Fault("none");
    });
    auto r = InitNode(d, state);
    back.join();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json id = Json::parse(r.out);
    EXPECT_EQ(id["bls"]["action"], "generate");
    pk = id["bls"]["public_key"];
    EXPECT_EQ(w3s.PublicKeys(), std::vector<std::string>{pk}) << "generated into Web3Signer";
    Json after = Status(d);
    EXPECT_TRUE(after["web3signer_connected"]) << after.dump() << d.Log();
    EXPECT_EQ(d.Stop(), 0);
  }
  {
    // Restart with the same keys: use-existing, and both signing paths verify.
    DaemonProcess d(WithWeb3Signer(w3s.url(), {"--data-dir", data}));
    ASSERT_TRUE(d.Start()) << d.Log();
    auto r = InitNode(d, state);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json id = Json::parse(r.out);
    EXPECT_EQ(id["bls"]["action"], "use");
    EXPECT_EQ(id["tls"]["action"], "use");
    RawResponse raw =
        d.Post("/v1/staking/bls/sign",
               Json{{"pubkey", pk}, {"data", "bm9kZQ=="}, {"type", "ATTESTATION"}}.dump());
    ASSERT_EQ(raw.status, 200) << raw.body;
    EXPECT_EQ(raw.Json()["signed_by"], "local-vault");
    Json typed = Attestation(4, 5);
    typed["pubkey"] = pk;
    RawResponse att = d.Post("/v1/staking/bls/sign", typed.dump());
    ASSERT_EQ(att.status, 200) << att.body;
    EXPECT_EQ(att.Json()["signed_by"], "web3signer");
    auto v = VerifyWithBlst(Json::array(
        {{{"pubkey", pk}, {"signature", raw.Json()["signature_hex"]}, {"message", "6e6f6465"}},
         {{"pubkey", pk},
          {"signature", att.Json()["signature_hex"]},
          {"request", Attestation(4, 5)}}}));
    ASSERT_EQ(v.size(), 2u);
    EXPECT_TRUE(v[0]);
    EXPECT_TRUE(v[1]);
  }
  {
    // A fresh node (new state, new vault) adopts the key Web3Signer already holds.
    DaemonProcess d(WithWeb3Signer(w3s.url()));
    ASSERT_TRUE(d.Start()) << d.Log();
    auto r = InitNode(d, shared.File("fresh-state"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(Json::parse(r.out)["bls"]["action"], "adopt");
    EXPECT_EQ(Json::parse(r.out)["bls"]["public_key"], pk);
  }
  {
    // Another Web3Signer with another key: the saved key is not there, a mismatch.
    Web3SignerStandIn other;
    ASSERT_TRUE(other.started());
    other.AddKey(std::string(62, '0') + "07");
    DaemonProcess d(WithWeb3Signer(other.url(), {"--data-dir", data}));
    ASSERT_TRUE(d.Start()) << d.Log();
    auto r = InitNode(d, state);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("key_mismatch"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace cryfttee::testing
