// The hostile-client suite: every class of abuse a local process can try against the real
// daemon, each followed by the check that matters most for a validator's signer: the node can
// still connect, sign and heartbeat. Limits and their reasons: docs/security.md.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/bytes.h"
#include "support/daemon_process.h"
#include "support/raw_http.h"

namespace cryfttee::testing {
namespace {

using nlohmann::json;

constexpr const char* kPostRoutes[] = {"/v1/staking/bls/register", "/v1/staking/bls/sign",
                                       "/v1/staking/tls/register", "/v1/staking/tls/sign",
                                       "/v1/runtime/heartbeat"};

std::string Nested(int depth) {
  return "{\"key_handle\":\"x\",\"message\":\"aGk=\",\"x\":" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

// Runs tests/js/verify_bls.mjs (blst, an independent implementation) on one signature.
bool BlstVerifies(const TempDir& dir, const std::string& pk, const Bytes& msg,
                  const std::string& sig_hex) {
  std::string file = dir.File("cases.json");
  std::ofstream(file)
      << json::array({{{"scheme", "sig"}, {"pk", pk}, {"msg", HexEncode(msg)}, {"sig", sig_hex}}})
             .dump();
  std::string cmd = "cd " + SourceDir() + " && node tests/js/verify_bls.mjs " + file;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) ::pclose(p);
  return out.find("true") != std::string::npos && out.find("false") == std::string::npos;
}

class Hostile : public ::testing::Test {
 protected:
  void StartDaemon(DaemonOptions options = {}) {
    options.args.insert(options.args.end(), {"--read-timeout-ms", "1500"});
    daemon_ = std::make_unique<DaemonProcess>(std::move(options));
    ASSERT_TRUE(daemon_->Start()) << daemon_->Log();
    RawResponse reg = daemon_->Post("/v1/staking/bls/register", "{}");
    ASSERT_EQ(reg.status, 200) << reg.body;
    handle_ = reg.Json().value("key_handle", "");
    public_key_ = reg.Json().value("public_key", "");
  }

  // What the node needs after every attack: a fresh connection that heartbeats and signs.
  void ExpectNodeStillServed(const std::string& after) {
    auto start = std::chrono::steady_clock::now();
    RawResponse hb = daemon_->Post("/v1/runtime/heartbeat", "{\"node_id\":\"NodeID-test\"}");
    EXPECT_EQ(hb.status, 200) << "after " << after << ": " << hb.body;
    RawResponse sig = daemon_->Post("/v1/staking/bls/sign",
                                    json{{"key_handle", handle_}, {"message", "aGk="}}.dump());
    EXPECT_EQ(sig.status, 200) << "after " << after << ": " << sig.body;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    EXPECT_LT(ms, 3000) << "after " << after << " the node waited " << ms << " ms";
    EXPECT_TRUE(daemon_->Running()) << daemon_->Log();
  }

  bool AnyModuleDegraded() {
    json status = daemon_->Get("/v1/staking/status").Json();
    for (const auto& m : status.value("modules", json::array())) {
      if (m.value("degraded", false)) return true;
    }
    return false;
  }

  std::unique_ptr<DaemonProcess> daemon_;
  std::string handle_;
  std::string public_key_;
};

TEST_F(Hostile, NestingAndSizeBombsOnEveryRoute) {
  StartDaemon();
  for (const char* route : kPostRoutes) {
    // The original crash: 60,000 levels parse and then overflow the stack when serialised.
    RawResponse deep = daemon_->Post(route, Nested(60000));
    EXPECT_EQ(deep.status, 400) << route << " " << deep.body;
    EXPECT_EQ(deep.Json().value("code", ""), "json_too_deep") << route;
    std::string many = "{\"x\":[" + std::string(200000 * 2 - 1, ',') + "]}";
    for (size_t i = 0; i < many.size(); ++i) {
      if (many[i] == ',' && (i == 6 || many[i - 1] == ',')) many[i] = '0';
    }
    RawResponse wide = daemon_->Post(route, many);
    EXPECT_EQ(wide.status, 400) << route << " " << wide.body.substr(0, 200);
    RawResponse dup = daemon_->Post(route, "{\"message\":\"aGk=\",\"message\":\"AA==\"}");
    EXPECT_EQ(dup.status, 400) << route << " duplicate keys: " << dup.body;
    RawResponse huge = daemon_->Post(route, "{\"x\":\"" + std::string(2 << 20, 'a') + "\"}");
    EXPECT_EQ(huge.status, 413) << route;
  }
  ExpectNodeStillServed("nesting and size bombs");
}

TEST_F(Hostile, OversizedFieldsAreRefusedAndLeaveModulesHealthy) {
  StartDaemon();
  std::string big(100 * 1024, 'k');
  for (const char* route : {"/v1/staking/bls/sign", "/v1/staking/tls/sign"}) {
    RawResponse r = daemon_->Post(route, json{{"key_handle", big}, {"message", "aGk="}}.dump());
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 200);
    EXPECT_EQ(r.Json().value("code", ""), "field_too_long");
  }
  RawResponse hb =
      daemon_->Post("/v1/runtime/heartbeat", json{{"node_id", std::string(1000000, 'n')}}.dump());
  EXPECT_EQ(hb.status, 400);
  hb = daemon_->Post("/v1/runtime/heartbeat",
                     json{{"cryftgo_version", std::string(1000, 'v')}}.dump());
  EXPECT_EQ(hb.status, 400);
  // Maximal messages (just under the 1 MiB body limit once in base64) in a row: each signs, and
  // the module stays healthy.
  Bytes msg(760 * 1024);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i * 131 + 7);
  std::string body = json{{"key_handle", handle_}, {"message", Base64Encode(msg)}}.dump();
  std::string sig;
  for (int i = 0; i < 5; ++i) {
    RawResponse r = daemon_->Post("/v1/staking/bls/sign", body);
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    sig = r.Json().value("signature", "");
  }
  EXPECT_FALSE(AnyModuleDegraded());
  EXPECT_TRUE(BlstVerifies(daemon_->dir(), public_key_, msg, sig))
      << "the 760 KiB message's signature must verify with blst";
  ExpectNodeStillServed("oversized fields");
}

TEST_F(Hostile, EncodingAmbiguitiesSignTheBytesTheClientMeant) {
  StartDaemon();
  // Valid padded base64 that starts with "0x": a Go client meant these 9 bytes.
  RawResponse r = daemon_->Post("/v1/staking/bls/sign",
                                json{{"key_handle", handle_}, {"message", "0xabcdef1234"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  Bytes meant = Base64Decode("0xabcdef1234").value();
  ASSERT_EQ(meant.size(), 9u);
  EXPECT_TRUE(BlstVerifies(daemon_->dir(), public_key_, meant, r.Json().value("signature", "")));
  // The same text as hex, when the client says so.
  r = daemon_->Post(
      "/v1/staking/bls/sign",
      json{{"key_handle", handle_}, {"message", "0xabcdef1234"}, {"message_encoding", "hex"}}
          .dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(BlstVerifies(daemon_->dir(), public_key_, HexDecode("abcdef1234").value(),
                           r.Json().value("signature", "")));
  // Not the empty message.
  r = daemon_->Post("/v1/staking/bls/sign",
                    json{{"key_handle", handle_}, {"message", "===="}}.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  ExpectNodeStillServed("encoding ambiguities");
}

TEST_F(Hostile, PipelinedRequestsAreAnsweredWithoutMoreBytes) {
  StartDaemon();
  RawConnection c = RawConnection::Unix(daemon_->socket_path());
  ASSERT_TRUE(c.connected());
  std::string one = BuildRequest("GET", "/v1/runtime/connection", "", "", true);
  ASSERT_TRUE(c.Send(one + one + one));
  for (int i = 0; i < 3; ++i) {
    RawResponse r = c.Read(2000);
    EXPECT_EQ(r.status, 200) << "pipelined request " << i << " stalled";
  }
}

TEST_F(Hostile, SlowClientsAreCutOffAndDoNotBlockTheNode) {
  StartDaemon();
  std::vector<RawConnection> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(RawConnection::Unix(daemon_->socket_path()));
    ASSERT_TRUE(slow.back().Send("POST /v1/staking/bls/sign HTTP/1.1\r\nHost: x\r\nContent-Le"));
  }
  ExpectNodeStillServed("20 slowloris connections");
  // --read-timeout-ms 1500: a request that started must complete in time.
  EXPECT_TRUE(slow.front().WaitClosed(5000));
}

// The daemon's descriptors are limited to 256, so the budgets derived from it are small.
TEST_F(Hostile, IdleFloodOnTheApiSocketCannotLockTheNodeOut) {
  DaemonOptions o;
  o.rlimit_nofile = 256;
  StartDaemon(o);
  std::vector<RawConnection> flood;
  for (int i = 0; i < 400; ++i) {
    flood.push_back(RawConnection::Unix(daemon_->socket_path()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ExpectNodeStillServed("400 idle connections on the API socket");
  // And while the flood goes on: a full listener evicts the connections idle longest, never the
  // node's, which has just arrived.
  std::vector<RawConnection> more;
  std::thread flooder([&] {
    for (int i = 0; i < 300; ++i) more.push_back(RawConnection::Unix(daemon_->socket_path()));
  });
  ExpectNodeStillServed("a flood in progress");
  flooder.join();
}

TEST_F(Hostile, KioskFloodHasItsOwnBudget) {
  DaemonOptions o;
  o.rlimit_nofile = 256;
  o.args = {"--kiosk-addr", "127.0.0.1:0"};
  StartDaemon(o);
  std::smatch m;
  std::string log = daemon_->Log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex("kiosk UI: http://127\\.0\\.0\\.1:(\\d+)/")))
      << log;
  int port = std::stoi(m[1]);
  std::vector<RawConnection> flood;
  for (int i = 0; i < 300; ++i) flood.push_back(RawConnection::Tcp("127.0.0.1", port));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ExpectNodeStillServed("300 idle kiosk connections");
  // Two Host headers never pass the kiosk's rebinding check.
  flood.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  RawConnection c = RawConnection::Tcp("127.0.0.1", port);
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nHost: evil.example\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(c.Read(3000).status, 400);
}

TEST_F(Hostile, DescriptorExhaustionBacksOffInsteadOfSpinning) {
  DaemonOptions o;
  o.rlimit_nofile = 48;  // a handful of descriptors beyond the daemon's own
  StartDaemon(o);
  std::vector<RawConnection> flood;
  for (int i = 0; i < 200; ++i) flood.push_back(RawConnection::Unix(daemon_->socket_path()));
  auto cpu_ticks = [&] {
    std::ifstream stat("/proc/" + std::to_string(daemon_->pid()) + "/stat");
    std::string s((std::istreambuf_iterator<char>(stat)), {});
    std::istringstream in(s.substr(s.rfind(')') + 2));
    std::string field;
    long ticks = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stol(field);
    }
    return ticks;
  };
  long before = cpu_ticks();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long used = cpu_ticks() - before;
  EXPECT_LT(used, sysconf(_SC_CLK_TCK) / 2)
      << "the daemon used " << used << " ticks in 2 s with accept failing: spinning";
  std::string log = daemon_->Log();
  size_t lines = 0;
  for (size_t p = log.find("pausing accepts"); p != std::string::npos;
       p = log.find("pausing accepts", p + 1)) {
    ++lines;
  }
  EXPECT_LT(lines, 10u) << "accept failures must be logged at most once a second";
  flood.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ExpectNodeStillServed("descriptor exhaustion");
}

TEST_F(Hostile, BrowsersCannotReachTheTcpApi) {
  DaemonOptions o;
  o.use_uds = false;
  o.args = {"--api-transport", "http", "--http-addr", "127.0.0.1:0"};
  daemon_ = std::make_unique<DaemonProcess>(o);
  ASSERT_TRUE(daemon_->Spawn());
  std::smatch m;
  int port = 0;
  for (int i = 0; i < 150 && port == 0; ++i) {
    std::string log = daemon_->Log();
    if (std::regex_search(log, m, std::regex("endpoint=127\\.0\\.0\\.1:(\\d+)"))) {
      port = std::stoi(m[1]);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(port, 0) << daemon_->Log();
  std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  auto post = [&](const std::string& headers, const std::string& body = "{}") {
    RawConnection c = RawConnection::Tcp("127.0.0.1", port);
    c.Send("POST /v1/staking/bls/register HTTP/1.1\r\n" + headers + "Content-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return c.Read(5000);
  };
  // A cross-site form post: text/plain needs no preflight.
  EXPECT_EQ(post(host + "Content-Type: text/plain\r\nOrigin: http://evil.example\r\n").status, 403);
  EXPECT_EQ(post(host + "Content-Type: text/plain\r\n").status, 415);
  EXPECT_EQ(post(host + "Content-Type: application/json\r\nSec-Fetch-Site: cross-site\r\n").status,
            403);
  // DNS rebinding: the page's own name arrives in Host.
  EXPECT_EQ(
      post("Host: evil.example:" + std::to_string(port) + "\r\nContent-Type: application/json\r\n")
          .status,
      421);
  EXPECT_EQ(post(host + "Host: evil.example\r\nContent-Type: application/json\r\n").status, 400);
  // The node (no Origin, JSON) is served.
  RawResponse ok = post(host + "Content-Type: application/json\r\n");
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(Hostile, FilesAreCreatedPrivateUnderAPermissiveUmask) {
  TempDir dir;
  DaemonOptions o;
  o.umask = 0;
  std::string data = dir.File("fresh/data");
  o.args = {"--data-dir", data};
  StartDaemon(o);
  struct stat st {};
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(dir.File("fresh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u) << "a parent the daemon created is private too";
  ASSERT_EQ(daemon_->Stop(), 0);
  // In remote mode the enclave owns the vault (and its lock) until it stops too.
  if (daemon_->enclave()) {
    ASSERT_EQ(daemon_->enclave()->Stop(), 0);
  }

  // cryftteectl keys export writes the keystore 0600, whatever the umask.
  std::ofstream(dir.File("pw")) << "export password";
  ::chmod(dir.File("pw").c_str(), 0600);
  std::string out = dir.File("keystore.json");
  std::string cmd = "umask 000; " + BinaryPath("cryftteectl") + " keys export --data-dir " + data +
                    " --key-handle " + handle_ + " --password-file " + dir.File("pw") + " --out " +
                    out + " > " + dir.File("export.log") + " 2>&1";
  int rc = std::system(cmd.c_str());
  ASSERT_EQ(WEXITSTATUS(rc), 0) << std::ifstream(dir.File("export.log")).rdbuf();
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace cryfttee::testing
