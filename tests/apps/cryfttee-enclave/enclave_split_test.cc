// The parent/enclave split end to end, with the real binaries: the daemon in remote mode holds
// no private key (its memory is searched), a killed enclave costs fast 503s and nothing else,
// and the enclave's command line, status and attestation behave as documented.
#include <gtest/gtest.h>
#include <signal.h>

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/bytes.h"
#include "crypto/bls12_381/bls.h"
#include "keys/key_file.h"
#include "keys/seal.h"
#include "memory_scan.h"
#include "support/daemon_process.h"
#include "tee/quote_provider.h"

namespace cryfttee::testing {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

DaemonOptions Remote() {
  DaemonOptions o;
  o.keys = DaemonOptions::Keys::kAlways;
  return o;
}

Json Post(const DaemonProcess& d, const std::string& path, const Json& body) {
  RawResponse r = d.Post(path, body.dump());
  Json j = r.Json();
  j["http_status"] = r.status;
  return j;
}

Bytes ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// The raw secret of a key, unsealed from its file with the vault's machine secret.
Bytes UnsealedSecret(const std::string& data_dir, const std::string& handle) {
  std::string keys_dir = data_dir + "/keys";
  keys::SealOptions options;
  options.use_environment = false;
  auto root = keys::SealRoot::Open(keys_dir, options, /*may_initialize=*/false);
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  auto file = keys::DecodeKeyFile(ReadFileBytes(keys_dir + "/" + handle + ".key"));
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!root.ok() || !file.ok()) return {};
  auto secret = root->Unseal(file->salt, file->nonce, keys::KeyFileAad(*file), file->ciphertext);
  EXPECT_TRUE(secret.ok());
  return secret.ok() ? Bytes(secret->span().begin(), secret->span().end()) : Bytes{};
}

struct Keys {
  std::string bls_handle, bls_public_key, tls_handle;
};

Keys RegisterAndSign(const DaemonProcess& d) {
  Keys k;
  Json bls = Post(d, "/v1/staking/bls/register", {{"mode", 0}});
  EXPECT_EQ(bls["http_status"], 200) << bls.dump();
  k.bls_handle = bls.value("key_handle", "");
  k.bls_public_key = bls.value("public_key", "");
  Json tls = Post(d, "/v1/staking/tls/register", {{"mode", 0}, {"key_type", "p256"}});
  EXPECT_EQ(tls["http_status"], 200) << tls.dump();
  k.tls_handle = tls.value("key_handle", "");
  for (int i = 0; i < 3; ++i) {
    Json s = Post(d, "/v1/staking/bls/sign",
                  {{"key_handle", k.bls_handle}, {"message", Base64Encode(Bytes(40, i))}});
    EXPECT_EQ(s["http_status"], 200) << s.dump();
    Json t = Post(d, "/v1/staking/tls/sign",
                  {{"key_handle", k.tls_handle}, {"digest", Base64Encode(Bytes(32, i))}});
    EXPECT_EQ(t["http_status"], 200) << t.dump();
  }
  return k;
}

TEST(EnclaveSplit, TheParentHoldsNoPrivateKeyTheEnclaveDoes) {
  DaemonProcess d(Remote());
  ASSERT_TRUE(d.Start()) << d.Log();
  ASSERT_NE(d.enclave(), nullptr);
  Keys k = RegisterAndSign(d);
  ASSERT_FALSE(k.bls_handle.empty());
  ASSERT_FALSE(k.tls_handle.empty());

  // What would give the keys away: each key's secret, and the vault's sealing root (here the
  // machine secret), from which every key file is unsealed.
  std::vector<Bytes> needles = {UnsealedSecret(d.data_dir(), k.bls_handle),
                                UnsealedSecret(d.data_dir(), k.tls_handle),
                                ReadFileBytes(d.data_dir() + "/keys/machine-secret")};
  for (const Bytes& n : needles) ASSERT_EQ(n.size(), 32u);

  ScanResult parent = ScanProcessMemory(d.pid(), needles);
  ASSERT_TRUE(parent.ok) << parent.error;
  EXPECT_EQ(parent.hits[0], 0u) << "BLS secret key found in the parent";
  EXPECT_EQ(parent.hits[1], 0u) << "TLS secret key found in the parent";
  EXPECT_EQ(parent.hits[2], 0u) << "sealing root found in the parent";

  // The control: the same search finds the enclave's sealing root. (Each key's own secret is
  // unsealed into wiped memory only for the length of one operation, on both sides.)
  ScanResult enclave = ScanProcessMemory(d.enclave()->pid(), needles);
  ASSERT_TRUE(enclave.ok) << enclave.error;
  EXPECT_GE(enclave.hits[2], 1u) << "the search did not find the enclave's sealing root";
  std::printf(
      "scanned parent %zu bytes, enclave %zu bytes; enclave hits: bls %zu tls %zu root %zu\n",
      parent.bytes_scanned, enclave.bytes_scanned, enclave.hits[0], enclave.hits[1],
      enclave.hits[2]);
}

TEST(EnclaveSplit, InProcessTheDaemonHoldsTheRootTheSearchSeesIt) {
  // The same search on a daemon that keeps its vault: it finds the root, so the parent's clean
  // result above is not the search failing to read the daemon's memory.
  DaemonOptions o;
  o.keys = DaemonOptions::Keys::kNever;
  DaemonProcess d(o);
  ASSERT_TRUE(d.Start()) << d.Log();
  RegisterAndSign(d);
  Bytes root = ReadFileBytes(d.data_dir() + "/keys/machine-secret");
  ASSERT_EQ(root.size(), 32u);
  ScanResult scan = ScanProcessMemory(d.pid(), {root});
  ASSERT_TRUE(scan.ok) << scan.error;
  EXPECT_GE(scan.hits[0], 1u);
}

struct Outcome {
  int status = 0;
  std::string code;
  int64_t ms = 0;
  int64_t started_ms = 0;  // since the load began
};

TEST(EnclaveSplit, KillingTheEnclaveMidLoadCostsFast503sAndNothingElse) {
  DaemonProcess d(Remote());
  ASSERT_TRUE(d.Start()) << d.Log();
  Keys k = RegisterAndSign(d);
  auto pk = bls::PublicKey::FromBytes(*HexDecode(k.bls_public_key));
  ASSERT_TRUE(pk.ok());

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Outcome> outcomes;
  auto began = Clock::now();
  auto since = [&](Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - began).count();
  };
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        bool bls = (i + t) % 2 == 0;
        Json body =
            bls ? Json{{"key_handle", k.bls_handle}, {"message", Base64Encode(Bytes(8, 1))}}
                : Json{{"key_handle", k.tls_handle}, {"digest", Base64Encode(Bytes(32, 2))}};
        auto start = Clock::now();
        RawResponse r = d.Post(bls ? "/v1/staking/bls/sign" : "/v1/staking/tls/sign", body.dump());
        Outcome o{
            r.status, r.Json().is_object() ? r.Json().value("code", "") : "",
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count(),
            since(start)};
        std::lock_guard<std::mutex> lock(mu);
        outcomes.push_back(o);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  int64_t killed_ms = since(Clock::now());
  ASSERT_EQ(d.enclave()->Stop(SIGKILL), 128 + SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));

  // While it is down: status says so and the signer is not ready.
  Json down = d.Get("/v1/staking/status").Json();
  EXPECT_EQ(down["enclave"]["mode"], "remote");
  EXPECT_EQ(down["enclave"]["connected"], false);
  EXPECT_EQ(down["ready"], false);

  ASSERT_TRUE(d.enclave()->Start()) << d.enclave()->Log();  // takes over the stale socket
  int64_t restarted_ms = since(Clock::now());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  for (auto& t : load) t.join();

  ASSERT_TRUE(d.Running()) << d.Log();
  size_t ok_before = 0, unavailable = 0, ok_after = 0;
  int64_t first_ok_after = -1;
  for (const Outcome& o : outcomes) {
    ASSERT_TRUE(o.status == 200 || o.status == 503) << o.status << " " << o.code;
    if (o.status == 503) {
      EXPECT_EQ(o.code, "enclave_unavailable");
      EXPECT_LT(o.ms, 1000) << "a request waited on the dead enclave";
      ++unavailable;
    } else if (o.started_ms < killed_ms) {
      ++ok_before;
    } else if (o.started_ms >= restarted_ms) {
      ++ok_after;
      if (first_ok_after < 0 || o.started_ms < first_ok_after) first_ok_after = o.started_ms;
    }
  }
  EXPECT_GT(ok_before, 0u);
  EXPECT_GT(unavailable, 0u);
  ASSERT_GT(ok_after, 0u);
  EXPECT_LT(first_ok_after - restarted_ms, 5000);

  // Nothing lost: both keys answer with the same identity after the restart.
  Json up = d.Get("/v1/staking/status").Json();
  EXPECT_EQ(up["enclave"]["connected"], true);
  EXPECT_EQ(up["ready"], true);
  Json sig = Post(d, "/v1/staking/bls/sign",
                  {{"key_handle", k.bls_handle}, {"message", Base64Encode(Bytes(5, 9))}});
  ASSERT_EQ(sig["http_status"], 200) << sig.dump();
  auto s = bls::Signature::FromBytes(*HexDecode(sig.value("signature", "")));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(bls::Verify(*pk, Bytes(5, 9), *s));
  Json keys = d.Get("/v1/staking/keys").Json();
  ASSERT_EQ(keys["keys"].size(), 2u) << keys.dump();
  std::printf(
      "load: %zu ok before the kill, %zu x 503, %zu ok after; first ok %lld ms after "
      "restart\n",
      ok_before, unavailable, ok_after, static_cast<long long>(first_ok_after - restarted_ms));
}

TEST(EnclaveSplit, StatusAndAttestationCarryTheEnclave) {
  DaemonProcess d(Remote());
  ASSERT_TRUE(d.Start()) << d.Log();
  Json status = d.Get("/v1/staking/status").Json();
  EXPECT_EQ(status["enclave"]["mode"], "remote");
  EXPECT_EQ(status["enclave"]["connected"], true);
  EXPECT_EQ(status["enclave"]["address"], d.enclave()->address());
  EXPECT_EQ(status["ready"], true);

  Json att = d.Get("/v1/runtime/attestation?nonce=n0nce-1").Json();
  EXPECT_EQ(att["enclave"]["mode"], "remote");
  EXPECT_EQ(att["tee"]["provider"], "none");
  EXPECT_FALSE(att["tee"].contains("quote"));
  Bytes rd = tee::ReportDataFor(att.value("nonce_binding", ""));
  EXPECT_EQ(att["tee"]["report_data"], "0x" + HexEncode(rd));

  DaemonOptions local;
  local.keys = DaemonOptions::Keys::kNever;
  DaemonProcess in_process(local);
  ASSERT_TRUE(in_process.Start()) << in_process.Log();
  Json s = in_process.Get("/v1/staking/status").Json();
  EXPECT_EQ(s["enclave"]["mode"], "in_process");
  EXPECT_EQ(s["enclave"]["connected"], true);
  EXPECT_TRUE(s["enclave"]["address"].is_null());
  EXPECT_EQ(in_process.Get("/v1/runtime/attestation").Json()["enclave"]["mode"], "in_process");
}

TEST(EnclaveSplit, TheDaemonStartsBeforeItsEnclaveAndCatchesUp) {
  TempDir run;
  EnclaveProcess enclave(run.path(), run.File("data"));
  DaemonOptions o;
  o.keys = DaemonOptions::Keys::kNever;
  o.args = {"--enclave-addr", enclave.address()};
  DaemonProcess d(o);
  ASSERT_TRUE(d.Start()) << d.Log();
  auto start = Clock::now();
  Json r = Post(d, "/v1/staking/bls/register", {{"mode", 0}});
  EXPECT_EQ(r["http_status"], 503);
  EXPECT_EQ(r.value("code", ""), "enclave_unavailable");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  ASSERT_TRUE(enclave.Start()) << enclave.Log();
  EXPECT_EQ(Post(d, "/v1/staking/bls/register", {{"mode", 0}})["http_status"], 200);
}

TEST(EnclaveCli, ArgumentsReadinessAndShutdown) {
  TempDir run;
  auto run_enclave = [&](const std::vector<std::string>& args) {
    std::string cmd = BinaryPath("cryfttee-enclave");
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " >" + run.File("cli.out") + " 2>&1";
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  };
  EXPECT_EQ(run_enclave({}), 2);
  EXPECT_EQ(run_enclave({"--listen", "tcp://x", "--data-dir", run.File("d")}), 2);
  // vsock: parsed and refused before anything is bound or connected.
  EXPECT_EQ(run_enclave({"--listen", "vsock://16", "--data-dir", run.File("d")}), 2);
  EXPECT_EQ(run_enclave({"--listen", "vsock://3:4294967295", "--data-dir", run.File("d")}), 2);

  EnclaveProcess first(run.path(), run.File("data"));
  ASSERT_TRUE(first.Start()) << first.Log();
  EXPECT_NE(first.Log().find("cryfttee-enclave ready: listening on unix:"), std::string::npos);
  // A second enclave never takes a live socket.
  EXPECT_EQ(run_enclave({"--listen", first.address(), "--data-dir", run.File("other")}), 1);
  EXPECT_EQ(first.Stop(SIGTERM), 0);
  EXPECT_FALSE(std::filesystem::exists(first.socket_path()));

  // The daemon refuses a malformed address, naming the setting.
  DaemonOptions o;
  o.keys = DaemonOptions::Keys::kNever;
  o.args = {"--enclave-addr", "vsock://any:5000"};
  DaemonProcess d(o);
  ASSERT_TRUE(d.Spawn());
  EXPECT_EQ(d.Wait(10'000), 2);
  EXPECT_NE(d.Log().find("enclave_addr"), std::string::npos) << d.Log();
}

}  // namespace
}  // namespace cryfttee::testing
