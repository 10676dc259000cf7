// The daemon's HTTP behaviour over a real Unix socket and real TCP: error shapes, limits,
// concurrency, socket takeover rules and graceful shutdown.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <regex>
#include <thread>

#include "support/daemon_process.h"
#include "support/raw_http.h"

namespace cryfttee::testing {
namespace {

void ExpectJsonError(const RawResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto j = r.Json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("success", true), false);
  EXPECT_EQ(j.value("code", ""), code);
  EXPECT_FALSE(j.value("error", "").empty());
  EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
            "application/json");
}

class DaemonHttpTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(daemon_.Start()) << daemon_.Log(); }
  void TearDown() override { EXPECT_EQ(daemon_.Stop(), 0) << daemon_.Log(); }
  DaemonProcess daemon_{
      DaemonOptions{.args = {}, .env = {}, .use_uds = true, .bundled_modules = false}};
};

TEST_F(DaemonHttpTest, SocketIsGroupOnly) {
  struct stat st {};
  ASSERT_EQ(::stat(daemon_.socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(DaemonHttpTest, MalformedJsonIs400) {
  ExpectJsonError(daemon_.Post("/v1/runtime/heartbeat", "{not json"), 400, "invalid_json");
  ExpectJsonError(daemon_.Post("/v1/runtime/heartbeat", "[1,2]"), 400, "invalid_json");
  ExpectJsonError(daemon_.Post("/v1/runtime/heartbeat", R"({"timestamp":"soon"})"), 400,
                  "invalid_field");
}

TEST_F(DaemonHttpTest, UnknownRouteIsJson404AndWrongMethod405) {
  ExpectJsonError(daemon_.Get("/v1/nope"), 404, "not_found");
  auto r = daemon_.Post("/v1/runtime/attestation", "{}");
  ExpectJsonError(r, 405, "method_not_allowed");
  EXPECT_EQ(r.headers["allow"], "GET");
}

TEST_F(DaemonHttpTest, OversizedBodyIs413AndDaemonKeepsServing) {
  std::string big(2 << 20, 'x');
  ExpectJsonError(daemon_.Post("/v1/runtime/heartbeat", big), 413, "payload_too_large");
  EXPECT_EQ(daemon_.Get("/v1/runtime/connection").status, 200);
}

TEST_F(DaemonHttpTest, GarbageRequestLineIs400) {
  RawConnection c = RawConnection::Unix(daemon_.socket_path());
  ASSERT_TRUE(c.Send("\x01\x02 garbage\r\n\r\n"));
  RawResponse r = c.Read();
  ExpectJsonError(r, 400, "bad_http_request");
}

TEST_F(DaemonHttpTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection c = RawConnection::Unix(daemon_.socket_path());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.Send(BuildRequest("GET", "/v1/runtime/connection", "", "", true)));
    RawResponse r = c.Read();
    ASSERT_EQ(r.status, 200) << i;
  }
}

TEST_F(DaemonHttpTest, FiftyConcurrentClients) {
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, i] {
      RawConnection c = RawConnection::Unix(daemon_.socket_path());
      for (int k = 0; k < 10; ++k) {
        std::string body =
            R"({"node_id":"NodeID-client)" + std::to_string(i) + R"(","timestamp":0})";
        if (!c.Send(BuildRequest("POST", "/v1/runtime/heartbeat", body, "", true))) return;
        RawResponse r = c.Read();
        if (r.status == 200 && r.Json().value("acknowledged", false)) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 500);
  auto conn = daemon_.Get("/v1/runtime/connection").Json();
  EXPECT_GE(conn.value("request_count", 0), 500);
  EXPECT_EQ(conn.value("heartbeat_count", 0), 500);
}

TEST_F(DaemonHttpTest, SlowClientDoesNotBlockOthers) {
  RawConnection slow = RawConnection::Unix(daemon_.socket_path());
  ASSERT_TRUE(
      slow.Send("POST /v1/runtime/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  EXPECT_EQ(daemon_.Get("/v1/runtime/connection").status, 200);
}

TEST(DaemonSocket, StaleSocketIsReplaced) {
  DaemonProcess daemon({.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  // A socket file whose listener is gone: bound, then closed without unlinking.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, daemon.socket_path().c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(daemon.Start()) << daemon.Log();
  EXPECT_NE(daemon.Log().find("stale socket"), std::string::npos);
  EXPECT_EQ(daemon.Stop(), 0);
  struct stat st {};
  EXPECT_NE(::stat(daemon.socket_path().c_str(), &st), 0) << "socket not removed on shutdown";
}

TEST(DaemonSocket, LiveSocketIsNeverTaken) {
  DaemonProcess first({.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  ASSERT_TRUE(first.Start()) << first.Log();
  DaemonProcess second({.args = {"--uds-path", first.socket_path()},
                        .env = {},
                        .use_uds = true,
                        .bundled_modules = false});
  ASSERT_TRUE(second.Spawn());
  EXPECT_EQ(second.Wait(10'000), 1);
  EXPECT_NE(second.Log().find("another process is serving"), std::string::npos) << second.Log();
  EXPECT_EQ(first.Get("/v1/runtime/attestation").status, 200);
  EXPECT_EQ(first.Stop(), 0);
}

TEST(DaemonSocket, UnwritableSocketDirectoryNamesTheFlag) {
  DaemonProcess d({.args = {"--uds-path", "/nonexistent-cryfttee-dir/cryfttee.sock"},
                   .env = {},
                   .use_uds = true,
                   .bundled_modules = false});
  ASSERT_TRUE(d.Spawn());
  EXPECT_EQ(d.Wait(10'000), 2);
  EXPECT_NE(d.Log().find("--uds-path"), std::string::npos) << d.Log();
}

TEST(DaemonShutdown, InFlightRequestFinishesBeforeExit) {
  DaemonProcess daemon({.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  ASSERT_TRUE(daemon.Start()) << daemon.Log();
  RawConnection c = RawConnection::Unix(daemon.socket_path());
  std::string body = R"({"node_id":"NodeID-inflight","timestamp":0})";
  std::string req = BuildRequest("POST", "/v1/runtime/heartbeat", body);
  size_t half = req.size() - body.size() / 2;
  ASSERT_TRUE(c.Send(req.substr(0, half)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(daemon.pid(), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(daemon.Running()) << "daemon exited with a request in flight";
  // New connections are refused while draining.
  EXPECT_FALSE(RawConnection::Unix(daemon.socket_path()).connected());
  ASSERT_TRUE(c.Send(req.substr(half)));
  RawResponse r = c.Read();
  EXPECT_EQ(r.status, 200) << daemon.Log();
  EXPECT_TRUE(r.Json().value("acknowledged", false));
  EXPECT_EQ(daemon.Wait(10'000), 0) << daemon.Log();
}

TEST(DaemonShutdown, IdleKeepAliveConnectionsDoNotDelayExit) {
  DaemonProcess daemon({.args = {}, .env = {}, .use_uds = true, .bundled_modules = false});
  ASSERT_TRUE(daemon.Start()) << daemon.Log();
  RawConnection c = RawConnection::Unix(daemon.socket_path());
  ASSERT_TRUE(c.Send(BuildRequest("GET", "/v1/runtime/connection", "", "", true)));
  ASSERT_EQ(c.Read().status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon.Stop(SIGINT), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(c.WaitClosed(1000));
}

TEST(DaemonTcp, HttpTransportOnLoopback) {
  DaemonProcess daemon({.args = {"--api-transport", "http", "--http-addr", "127.0.0.1:0"},
                        .env = {},
                        .use_uds = false,
                        .bundled_modules = false});
  ASSERT_TRUE(daemon.Start()) << daemon.Log();
  std::smatch m;
  std::string log = daemon.Log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(endpoint=127\.0\.0\.1:(\d+))"))) << log;
  int port = std::stoi(m[1]);
  auto r = TcpRequest(port, "GET", "/v1/runtime/connection");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().value("transport", ""), "http");
  EXPECT_EQ(r.Json().value("endpoint", ""), "127.0.0.1:" + std::to_string(port));
  ExpectJsonError(TcpRequest(port, "GET", "/nothing"), 404, "not_found");
  // A client still writing a body four times the limit when the 413 goes out reads that 413:
  // closing with its bytes unread would reset the connection, and the answer with it.
  for (int i = 0; i < 5; ++i) {
    ExpectJsonError(TcpRequest(port, "POST", "/v1/staking/bls/sign", std::string(4 << 20, 'x')),
                    413, "payload_too_large");
  }
  EXPECT_EQ(daemon.Stop(), 0);
}

}  // namespace
}  // namespace cryfttee::testing
