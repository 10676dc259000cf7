// cryftteectl launch against the real daemon: the five steps of binary attestation, the release
// list, signal forwarding, and the retry policy against a daemon that comes up late.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "client/cryfttee_client.h"
#include "core/sha256.h"
#include "node_test_util.h"
#include "support/enclave_process.h"

namespace cryfttee::testing {
namespace {

using std::chrono::milliseconds;

std::string Cryfttee() { return BinaryPath("cryfttee"); }

std::string WriteScript(const TempDir& dir, const std::string& name, const std::string& body) {
  std::string path = dir.File(name);
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

// cryftteectl --socket S launch <launch_args> -- <daemon args>
std::vector<std::string> LaunchArgv(const TempDir& dir, std::vector<std::string> launch_args,
                                    bool modules = false) {
  std::vector<std::string> argv = {
      BinaryPath("cryftteectl"), "--socket", dir.File("api.sock"), "--timeout", "5", "launch",
      "--wait-timeout",          "20",       "--stop-timeout",     "5"};
  argv.insert(argv.end(), launch_args.begin(), launch_args.end());
  argv.push_back("--");
  for (auto& a : DaemonArgs(dir, modules)) argv.push_back(a);
  return argv;
}

pid_t StartedPid(const std::string& err) {
  std::smatch m;
  std::regex re("started pid ([0-9]+)");
  return std::regex_search(err, m, re) ? std::stoi(m[1]) : -1;
}

nlohmann::json Attestation(const TempDir& dir) {
  return UnixRequest(dir.File("api.sock"), "GET", "/v1/runtime/attestation").Json();
}

bool Verified(Proc& p) { return p.Err().find("attestation verified") != std::string::npos; }

TEST(Launch, CorrectHashStartsVerifiesReverifiesAndForwardsSigterm) {
  TempDir dir;
  auto hash = Sha256File(Cryfttee());
  ASSERT_TRUE(hash.ok());
  Proc launcher(
      LaunchArgv(dir, {"--binary", Cryfttee(), "--expected-hash", *hash, "--reverify-every", "1"}));
  ASSERT_TRUE(Eventually(20'000, [&] { return Verified(launcher) || !launcher.Running(); }))
      << launcher.Err();
  ASSERT_TRUE(launcher.Running()) << launcher.Err();
  auto a = Attestation(dir);
  EXPECT_EQ(a.value("core_binary_hash", ""), *hash);
  EXPECT_EQ(a.value("binary_hash_source", ""), "parent");
  pid_t daemon = StartedPid(launcher.Err());
  ASSERT_GT(daemon, 0);

  // Two re-verification rounds pass without incident.
  std::this_thread::sleep_for(milliseconds(2300));
  EXPECT_TRUE(launcher.Running()) << launcher.Err();

  launcher.Signal(SIGTERM);
  EXPECT_EQ(launcher.Wait(15'000), 0) << launcher.Err();
  EXPECT_NE(launcher.Err().find("forwarding SIGTERM"), std::string::npos);
  EXPECT_FALSE(ProcessExists(daemon));
  EXPECT_EQ(UnixRequest(dir.File("api.sock"), "GET", "/v1/runtime/attestation").status, 0);
}

TEST(Launch, SigintIsForwardedAndTheChildStatusIsTheExitStatus) {
  TempDir dir;
  Proc launcher(LaunchArgv(dir, {"--binary", Cryfttee()}));
  ASSERT_TRUE(Eventually(20'000, [&] { return Verified(launcher) || !launcher.Running(); }))
      << launcher.Err();
  pid_t daemon = StartedPid(launcher.Err());
  launcher.Signal(SIGINT);
  EXPECT_EQ(launcher.Wait(15'000), 0) << launcher.Err();
  EXPECT_NE(launcher.Err().find("forwarding SIGINT"), std::string::npos);
  EXPECT_FALSE(ProcessExists(daemon));

  // A child that fails is reported with its own status.
  TempDir dir2;
  std::string failing = WriteScript(dir2, "fail.sh", "exit 7");
  auto r = RunCtl({"--socket", dir2.File("api.sock"), "launch", "--binary", failing});
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_NE(r.err.find("exited before its API answered"), std::string::npos) << r.err;
}

TEST(Launch, WrongExpectedHashRefusesBeforeStarting) {
  TempDir dir;
  std::string marker = dir.File("started");
  std::string script =
      WriteScript(dir, "cryfttee.sh", "touch " + marker + "\nexec " + Cryfttee() + " \"$@\"");
  std::string wrong = "sha256:" + std::string(64, '0');
  auto r = RunCtl({"--socket", dir.File("api.sock"), "launch", "--binary", script,
                   "--expected-hash", wrong, "--", "--kiosk-addr", "off"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("refusing to start"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(wrong), std::string::npos);
  EXPECT_EQ(r.err.find("started pid"), std::string::npos);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_FALSE(std::ifstream(marker).good()) << "the child ran";

  // A malformed pin is a usage error; a missing binary is an error; neither starts anything.
  EXPECT_EQ(RunCtl({"launch", "--binary", script, "--expected-hash", "md5:1"}).exit_code, 2);
  EXPECT_EQ(RunCtl({"launch", "--binary", dir.File("nope")}).exit_code, 1);
  EXPECT_FALSE(std::ifstream(marker).good());
}

TEST(Launch, DaemonReportingAnotherHashIsStoppedWithExit3) {
  // The launched program overrides the variable before exec'ing the real daemon, so the daemon
  // honestly reports a hash that is not the one the launcher computed.
  TempDir dir;
  std::string other = "sha256:" + std::string(64, 'e');
  std::string script = WriteScript(
      dir, "liar.sh", "CRYFTTEE_VERIFIED_BINARY_HASH=" + other + " exec " + Cryfttee() + " \"$@\"");
  Proc launcher(LaunchArgv(dir, {"--binary", script}));
  EXPECT_EQ(launcher.Wait(30'000), 3) << launcher.Err();
  EXPECT_NE(launcher.Err().find("binary hash mismatch"), std::string::npos) << launcher.Err();
  EXPECT_NE(launcher.Err().find(other), std::string::npos);
  pid_t daemon = StartedPid(launcher.Err());
  ASSERT_GT(daemon, 0);
  EXPECT_FALSE(ProcessExists(daemon)) << "the child was not stopped";
  EXPECT_EQ(UnixRequest(dir.File("api.sock"), "GET", "/v1/runtime/attestation").status, 0);
}

TEST(Launch, ReverificationCatchesARunningImageThatIsNotTheHashedFile) {
  // The launcher hashes a wrapper script and the daemon honestly reports that hash, but the
  // process image is the daemon binary the script exec'd: /proc/<pid>/exe disagrees.
  TempDir dir;
  std::string script = WriteScript(dir, "wrapper.sh", "exec " + Cryfttee() + " \"$@\"");
  Proc launcher(LaunchArgv(dir, {"--binary", script, "--reverify-every", "1"}));
  EXPECT_EQ(launcher.Wait(30'000), 3) << launcher.Err();
  EXPECT_NE(launcher.Err().find("attestation verified"), std::string::npos) << launcher.Err();
  EXPECT_NE(launcher.Err().find("running binary changed"), std::string::npos) << launcher.Err();
  EXPECT_FALSE(ProcessExists(StartedPid(launcher.Err())));
}

// `launch --enclave`: the parent/enclave pair from one command. The enclave is ready before the
// daemon starts, keys go to the enclave's directory only, a signature verifies with blst, and
// SIGTERM stops both with status 0. Then the other direction: a killed enclave stops the daemon.
TEST(Launch, EnclavePairStartsSignsAndStopsTogether) {
  // This test starts its own pair; the remote-mode rerun would hand the daemon a second enclave.
  if (TestEnclaveMode()) GTEST_SKIP() << "starts its own enclave pair (runs in the normal pass)";
  TempDir dir;
  std::string enclave_sock = dir.File("enclave.sock");
  auto pair_argv = [&](const TempDir& d) {
    return LaunchArgv(
        d,
        {"--binary", Cryfttee(), "--enclave", BinaryPath("cryfttee-enclave"), "--enclave-socket",
         d.File("enclave.sock"), "--enclave-data-dir", d.File("enclave")},
        /*modules=*/true);
  };
  auto enclave_pid = [](const std::string& err) {
    std::smatch m;
    return std::regex_search(err, m, std::regex("started cryfttee-enclave pid ([0-9]+)"))
               ? std::stoi(m[1])
               : -1;
  };
  Proc launcher(pair_argv(dir));
  ASSERT_TRUE(Eventually(20'000, [&] { return Verified(launcher) || !launcher.Running(); }))
      << launcher.Err();
  ASSERT_TRUE(launcher.Running()) << launcher.Err();
  std::string err = launcher.Err();
  ASSERT_NE(err.find("cryfttee-enclave ready"), std::string::npos) << err;
  EXPECT_LT(err.find("cryfttee-enclave ready"), err.find("started pid")) << err;
  auto status = UnixRequest(dir.File("api.sock"), "GET", "/v1/staking/status").Json();
  EXPECT_EQ(status["enclave"].value("mode", ""), "remote") << status.dump();
  EXPECT_EQ(status["enclave"].value("address", ""), "unix:" + enclave_sock);
  EXPECT_TRUE(status["enclave"].value("connected", false));

  auto gen = RunCtl({"--socket", dir.File("api.sock"), "--json", "keys", "generate", "bls"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto key = nlohmann::json::parse(gen.out);
  std::string msg = "70616972";
  auto sig = RunCtl({"--socket", dir.File("api.sock"), "--json", "sign", "bls", "--key-handle",
                     key.value("key_handle", ""), "--msg", msg});
  ASSERT_EQ(sig.exit_code, 0) << sig.err;
  std::string verify = "cd " + SourceDir() + " && node tests/client/bls_verify.mjs " +
                       key.value("public_key", "") + " " + msg + " " +
                       nlohmann::json::parse(sig.out).value("signature", "") + " >/dev/null";
  int blst_rc = std::system(verify.c_str());
  ASSERT_NE(WEXITSTATUS(blst_rc), 2) << "@chainsafe/blst is not installed (run npm ci)";
  EXPECT_EQ(WEXITSTATUS(blst_rc), 0) << "blst rejects the pair's BLS signature";
  // The sealed key is in the enclave's directory; the daemon's data directory holds none.
  auto sealed_in = [](const std::string& d) {
    int n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(d, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      n += it->path().filename().string().rfind("bls-", 0) == 0;
    }
    return n;
  };
  EXPECT_EQ(sealed_in(dir.File("enclave")), 1);
  EXPECT_EQ(sealed_in(dir.File("data")), 0);

  pid_t daemon = StartedPid(err), enclave = enclave_pid(err);
  ASSERT_GT(enclave, 0);
  launcher.Signal(SIGTERM);
  EXPECT_EQ(launcher.Wait(15'000), 0) << launcher.Err();
  EXPECT_NE(launcher.Err().find("cryfttee exited with status 0"), std::string::npos);
  EXPECT_NE(launcher.Err().find("cryfttee-enclave exited with status 0"), std::string::npos)
      << launcher.Err();
  EXPECT_FALSE(ProcessExists(daemon));
  EXPECT_FALSE(ProcessExists(enclave));

  // A killed enclave takes the daemon down with it, and the launcher reports the failure.
  TempDir dir2;
  Proc second(pair_argv(dir2));
  ASSERT_TRUE(Eventually(20'000, [&] { return Verified(second) || !second.Running(); }))
      << second.Err();
  pid_t daemon2 = StartedPid(second.Err()), enclave2 = enclave_pid(second.Err());
  ASSERT_GT(enclave2, 0);
  ::kill(enclave2, SIGKILL);
  EXPECT_EQ(second.Wait(15'000), 128 + SIGKILL) << second.Err();
  EXPECT_NE(second.Err().find("stopping cryfttee pid"), std::string::npos) << second.Err();
  EXPECT_FALSE(ProcessExists(daemon2));
}

// An Ed25519 release publisher on the openssl command line (independent of our code).
struct Publisher {
  TempDir dir;
  std::string key = dir.File("rel.pem");
  std::string pub_hex;
  Publisher() {
    std::system(("openssl genpkey -algorithm ed25519 -out " + key + " 2>/dev/null").c_str());
    std::system(("openssl pkey -in " + key + " -pubout -outform DER -out " + dir.File("pub.der") +
                 " 2>/dev/null")
                    .c_str());
    std::ifstream in(dir.File("pub.der"), std::ios::binary);
    std::string der((std::istreambuf_iterator<char>(in)), {});
    if (der.size() >= 32) pub_hex = HexEncode(AsBytes(der.substr(der.size() - 32)));
  }
  std::string Sign(const std::string& version, const std::string& hash) {
    std::ofstream(dir.File("msg"), std::ios::binary) << "cryfttee-release-v1\n"
                                                     << version << "\n"
                                                     << hash << "\n";
    std::system(("openssl pkeyutl -sign -rawin -inkey " + key + " -in " + dir.File("msg") +
                 " -out " + dir.File("sig") + " 2>/dev/null")
                    .c_str());
    std::ifstream in(dir.File("sig"), std::ios::binary);
    std::string sig((std::istreambuf_iterator<char>(in)), {});
    return HexEncode(AsBytes(sig));
  }
  std::string KeyFile() {
    std::ofstream(dir.File("release.pub")) << pub_hex << "\n";
    return dir.File("release.pub");
  }
};

// Launches and, if verification passes, stops the daemon again; returns the launcher's exit.
int LaunchWithReleases(const std::string& binary, const std::string& releases_json,
                       const std::string& key_file, std::string* err) {
  TempDir dir;
  std::ofstream(dir.File("releases.json")) << releases_json;
  std::vector<std::string> args = {"--binary", binary, "--releases", dir.File("releases.json")};
  if (!key_file.empty()) args.insert(args.end(), {"--release-key", key_file});
  Proc launcher(LaunchArgv(dir, args));
  Eventually(20'000, [&] { return Verified(launcher) || !launcher.Running(); });
  if (launcher.Running()) launcher.Signal(SIGTERM);
  int rc = launcher.Wait(15'000);
  *err = launcher.Err();
  return rc;
}

TEST(Launch, ReleaseList) {
  auto hash = Sha256File(Cryfttee());
  ASSERT_TRUE(hash.ok());
  std::string other = "sha256:" + std::string(64, '9');
  Publisher pub;
  ASSERT_EQ(pub.pub_hex.size(), 64u) << "openssl ed25519 unavailable";
  std::string good = pub.Sign("0.1.0", *hash);
  ASSERT_EQ(good.size(), 128u);
  std::string err;

  // Unsigned entry, no key: the list is the pin.
  EXPECT_EQ(LaunchWithReleases(Cryfttee(),
                               R"([{"version":"0.0.9","hash":")" + other +
                                   R"("},{"version":"0.1.0","hash":")" + *hash + R"("}])",
                               "", &err),
            0)
      << err;
  EXPECT_NE(err.find("release 0.1.0 (unsigned entry)"), std::string::npos) << err;

  // Signed entry with the publisher key.
  std::string signed_list =
      R"([{"version":"0.1.0","hash":")" + *hash + R"(","signature":")" + good + R"("}])";
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), signed_list, pub.KeyFile(), &err), 0) << err;
  EXPECT_NE(err.find("(signature verified)"), std::string::npos) << err;

  // Refusals: exit 3 and no child.
  std::string flipped = good;
  flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
  std::string bad_sig =
      R"([{"version":"0.1.0","hash":")" + *hash + R"(","signature":")" + flipped + R"("}])";
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), bad_sig, pub.KeyFile(), &err), 3);
  EXPECT_NE(err.find("release_signature_invalid"), std::string::npos) << err;
  EXPECT_EQ(err.find("started pid"), std::string::npos);
  std::string relabelled =
      R"([{"version":"6.6.6","hash":")" + *hash + R"(","signature":")" + good + R"("}])";
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), relabelled, pub.KeyFile(), &err), 3) << err;
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), R"([{"version":"0.1.0","hash":")" + *hash + R"("}])",
                               pub.KeyFile(), &err),
            3);
  EXPECT_NE(err.find("release_unsigned"), std::string::npos) << err;
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), signed_list, "", &err), 3);
  EXPECT_NE(err.find("release_key_required"), std::string::npos) << err;
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), R"([{"version":"0.1.0","hash":")" + other + R"("}])", "",
                               &err),
            3);
  EXPECT_NE(err.find("binary_not_released"), std::string::npos) << err;
  EXPECT_EQ(LaunchWithReleases(Cryfttee(), "{not json", "", &err), 1);
  EXPECT_EQ(err.find("started pid"), std::string::npos);
}

TEST(Retry, ClientWaitsForADaemonThatComesUpLate) {
  DaemonProcess d(DaemonOptions{.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  // The command starts first; the daemon one second later.
  Proc ctl({BinaryPath("cryftteectl"), "--retry", "--socket", d.socket_path(), "--json", "status"});
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_TRUE(ctl.Running()) << ctl.Err();
  ASSERT_TRUE(d.Spawn());
  EXPECT_EQ(ctl.Wait(25'000), 0) << ctl.Err();
  EXPECT_NE(ctl.Err().find("attempt 1 failed (unavailable), retrying in 100 ms"), std::string::npos)
      << ctl.Err();
  EXPECT_NE(ctl.Err().find("retrying in 400 ms"), std::string::npos) << ctl.Err();
  EXPECT_TRUE(nlohmann::json::parse(ctl.Out(), nullptr, false).contains("cryfttee_version"))
      << ctl.Out();

  // Without --retry the same situation fails at once.
  TempDir empty;
  auto r = RunCtl({"--socket", empty.File("none.sock"), "status"}, 5'000);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unavailable"), std::string::npos) << r.err;
}

TEST(Retry, LibraryCallSucceedsOnceTheDaemonListens) {
  DaemonProcess d(DaemonOptions{.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  client::ClientOptions o;
  o.transport.socket_path = d.socket_path();
  o.transport.timeout = milliseconds(5000);
  std::vector<int64_t> delays;
  o.retry.on_retry = [&](int, milliseconds delay, const Status&) {
    delays.push_back(delay.count());
  };
  client::CryftteeClient c(o);
  std::thread late([&] {
    std::this_thread::sleep_for(milliseconds(1000));
    d.Spawn();
  });
  auto att = c.GetAttestation();
  late.join();
  ASSERT_TRUE(att.ok()) << att.status().ToString();
  EXPECT_EQ(att->binary_hash_source, "self");
  EXPECT_GE(c.last_attempts(), 4);  // 100+200+400 ms pass before the daemon starts
  ASSERT_GE(delays.size(), 3u);
  EXPECT_EQ(delays[0], 100);
  EXPECT_EQ(delays[1], 200);
  EXPECT_EQ(delays[2], 400);
}

}  // namespace
}  // namespace cryfttee::testing
