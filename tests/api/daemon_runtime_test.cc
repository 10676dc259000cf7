// /v1/runtime/* and /v1/staking/status through the running daemon, and cryftteectl against it.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <memory>
#include <thread>

#include "core/attestation_binding.h"
#include "core/sha256.h"
#include "support/daemon_process.h"

namespace cryfttee::testing {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command, capturing stdout; stderr goes to the test log.
CommandResult RunCommand(const std::string& cmd) {
  CommandResult r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), &::pclose);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe.release());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Ctl(const DaemonProcess& d, const std::string& args, const std::string& env = "") {
  return "env -u CRYFTTEE_VERIFIED_BINARY_HASH " + env + " " + BinaryPath("cryftteectl") +
         " --socket " + d.socket_path() + " " + args;
}

DaemonOptions NoModules(std::map<std::string, std::string> env = {}) {
  return DaemonOptions{
      .args = {}, .env = std::move(env), .use_uds = true, .bundled_modules = false};
}

TEST(Attestation, SelfHashEqualsSha256OfTheBinary) {
  DaemonProcess d(NoModules());
  ASSERT_TRUE(d.Start()) << d.Log();
  auto expected = Sha256File(BinaryPath("cryfttee"));
  ASSERT_TRUE(expected.ok());
  auto a = d.Get("/v1/runtime/attestation").Json();
  EXPECT_EQ(a.value("core_binary_hash", ""), *expected);
  EXPECT_EQ(a.value("binary_hash_source", ""), "self");
  EXPECT_EQ(a.value("cryfttee_version", ""), CRYFTTEE_VERSION);
  EXPECT_TRUE(a.contains("timestamp"));
  EXPECT_NE(d.Log().find("CRYFTTEE_VERIFIED_BINARY_HASH is not set"), std::string::npos);

  CommandResult r = RunCommand(Ctl(d, "--json attestation"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out).value("core_binary_hash", ""), *expected);
  EXPECT_EQ(d.Stop(), 0);
}

TEST(Attestation, ParentHashIsReportedAsIs) {
  std::string parent = "sha256:" + std::string(64, 'a');
  DaemonProcess d(NoModules({{"CRYFTTEE_VERIFIED_BINARY_HASH", parent}}));
  ASSERT_TRUE(d.Start()) << d.Log();
  auto a = d.Get("/v1/runtime/attestation").Json();
  EXPECT_EQ(a.value("core_binary_hash", ""), parent);
  EXPECT_EQ(a.value("binary_hash_source", ""), "parent");

  CommandResult r = RunCommand(Ctl(d, "--json attestation"));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out).value("core_binary_hash", ""), parent);
  // --expect-hash: match exits 0, mismatch exits 3.
  EXPECT_EQ(RunCommand(Ctl(d, "attestation --expect-hash " + parent)).exit_code, 0);
  EXPECT_EQ(
      RunCommand(Ctl(d, "attestation --expect-hash sha256:" + std::string(64, 'b'))).exit_code, 3);
  EXPECT_EQ(d.Stop(), 0);
}

TEST(Attestation, MalformedParentHashStopsStartup) {
  DaemonProcess d(NoModules({{"CRYFTTEE_VERIFIED_BINARY_HASH", "md5:abc"}}));
  ASSERT_TRUE(d.Spawn());
  EXPECT_EQ(d.Wait(10'000), 1);
  EXPECT_NE(d.Log().find("CRYFTTEE_VERIFIED_BINARY_HASH"), std::string::npos);
}

TEST(Attestation, NonceIsBoundAndRecomputable) {
  DaemonProcess d(NoModules());
  ASSERT_TRUE(d.Start()) << d.Log();
  auto a = d.Get("/v1/runtime/attestation?nonce=abc123").Json();
  ASSERT_EQ(a.value("nonce", ""), "abc123");
  AttestationFields f;
  f.core_binary_hash = a["core_binary_hash"];
  f.binary_hash_source = a["binary_hash_source"];
  f.manifest_hash = a["manifest_hash"];
  for (const auto& [id, h] : a["module_hashes"].items()) f.module_hashes[id] = h;
  f.cryfttee_version = a["cryfttee_version"];
  f.timestamp = a["timestamp"];
  f.nonce = "abc123";
  EXPECT_EQ(a.value("nonce_binding", ""), AttestationNonceBinding(f));
  f.nonce = "abc124";
  EXPECT_NE(a.value("nonce_binding", ""), AttestationNonceBinding(f));

  EXPECT_EQ(d.Get("/v1/runtime/attestation?nonce=").status, 400);
  EXPECT_EQ(d.Get("/v1/runtime/attestation?nonce=" + std::string(300, 'n')).status, 400);
  EXPECT_EQ(RunCommand(Ctl(d, "attestation --nonce n0nce-42")).exit_code, 0);
  EXPECT_EQ(d.Stop(), 0);
}

TEST(Heartbeat, SeedShapesAndConnectionView) {
  DaemonProcess d(NoModules());
  ASSERT_TRUE(d.Start()) << d.Log();
  auto before = d.Get("/v1/runtime/connection").Json();
  EXPECT_FALSE(before.value("connected", true));
  EXPECT_EQ(before.value("last_heartbeat", ""), "0001-01-01T00:00:00Z");

  int64_t sent = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count() -
                 7;
  auto hb = d.Post("/v1/runtime/heartbeat",
                   R"({"cryftgo_version":"1.2.0","node_id":"NodeID-abc","timestamp":)" +
                       std::to_string(sent) + "}");
  ASSERT_EQ(hb.status, 200) << hb.body;
  auto h = hb.Json();
  EXPECT_TRUE(h.value("acknowledged", false));
  EXPECT_EQ(h.value("cryfttee_version", ""), CRYFTTEE_VERSION);
  EXPECT_TRUE(h.contains("signer_ready"));
  EXPECT_TRUE(h["timestamp"].is_number_integer());

  auto c = d.Get("/v1/runtime/connection").Json();
  for (const char* field : {"connected", "transport", "endpoint", "last_seen", "latency_ms",
                            "cryftgo_version", "cryftgo_node_id", "request_count", "error_count",
                            "last_error", "last_error_time", "signer_ready", "signer_module_id"}) {
    EXPECT_TRUE(c.contains(field)) << field;
  }
  EXPECT_TRUE(c.value("connected", false));
  EXPECT_EQ(c.value("transport", ""), "uds");
  EXPECT_EQ(c.value("endpoint", ""), d.socket_path());
  EXPECT_EQ(c.value("cryftgo_version", ""), "1.2.0");
  EXPECT_EQ(c.value("cryftgo_node_id", ""), "NodeID-abc");
  EXPECT_GE(c.value("latency_ms", -1), 7);

  // Errors are counted and the last one is described.
  d.Get("/v1/definitely/not/here");
  c = d.Get("/v1/runtime/connection").Json();
  EXPECT_GE(c.value("error_count", 0), 1);
  EXPECT_NE(c.value("last_error", "").find("/v1/definitely/not/here"), std::string::npos);
  EXPECT_EQ(d.Stop(), 0);
}

TEST(Heartbeat, ConnectedExpiresAfterTheWindow) {
  DaemonProcess d({.args = {"--connected-window-seconds", "1"},
                   .env = {},
                   .use_uds = true,
                   .bundled_modules = false});
  ASSERT_TRUE(d.Start()) << d.Log();
  ASSERT_EQ(d.Post("/v1/runtime/heartbeat", "{}").status, 200);
  EXPECT_TRUE(d.Get("/v1/runtime/connection").Json().value("connected", false));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_FALSE(d.Get("/v1/runtime/connection").Json().value("connected", true));
  EXPECT_EQ(d.Stop(), 0);
}

TEST(Status, SaysHonestlyWhenNoSignerIsReady) {
  DaemonProcess d(NoModules());
  ASSERT_TRUE(d.Start()) << d.Log();
  auto s = d.Get("/v1/staking/status").Json();
  for (const char* field :
       {"cryfttee_version", "uptime_seconds", "connection", "modules", "defaults", "keys", "ready",
        "bls_pubkeys", "tls_pubkeys", "capabilities", "module_version", "web3signer_url",
        "web3signer_connected"}) {
    EXPECT_TRUE(s.contains(field)) << field;
  }
  EXPECT_FALSE(s.value("ready", true));
  CommandResult r = RunCommand(Ctl(d, "status"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("ready:"), std::string::npos);
  EXPECT_EQ(d.Stop(), 0);
}

TEST(Ctl, ExitCodes) {
  // No daemon at this path: error exit 1; bad usage: 2.
  EXPECT_EQ(RunCommand(BinaryPath("cryftteectl") + " --socket /tmp/no-such.sock status").exit_code,
            1);
  EXPECT_EQ(RunCommand(BinaryPath("cryftteectl") + " --bogus-flag status 2>/dev/null").exit_code,
            2);
  EXPECT_EQ(RunCommand(BinaryPath("cryftteectl") + " 2>/dev/null").exit_code, 2);
}

TEST(Ctl, HeartbeatCommandUpdatesConnection) {
  DaemonProcess d(NoModules());
  ASSERT_TRUE(d.Start()) << d.Log();
  CommandResult r =
      RunCommand(Ctl(d, "--json heartbeat --node-id NodeID-ctl --cryftgo-version 9.9.9"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto c = d.Get("/v1/runtime/connection").Json();
  EXPECT_EQ(c.value("cryftgo_node_id", ""), "NodeID-ctl");
  EXPECT_EQ(c.value("cryftgo_version", ""), "9.9.9");
  r = RunCommand(Ctl(d, "connection"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("connected:      yes"), std::string::npos) << r.out;
  EXPECT_EQ(d.Stop(), 0);
}

}  // namespace
}  // namespace cryfttee::testing
