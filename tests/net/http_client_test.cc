// The outbound client against loopback listeners that misbehave on purpose, and the "http" host
// function through a real WASM module (wat/http_probe.wat) that asks for other origins.
#include "net/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "modules/engine.h"
#include "modules/host_functions_http.h"

namespace cryfttee::net {
namespace {

using Clock = std::chrono::steady_clock;

// Accepts connections on 127.0.0.1 and runs `serve(fd)` for each, one at a time.
class Listener {
 public:
  explicit Listener(std::function<void(int)> serve) : serve_(std::move(serve)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    ::listen(fd_, 16);
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        ++accepted_;
        serve_(c);
        ::close(c);
      }
    });
  }
  ~Listener() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int accepted() const { return accepted_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::function<void(int)> serve_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// Reads the request head, then writes `answer`.
std::function<void(int)> Answer(std::string answer) {
  return [answer](int fd) {
    std::string got;
    char buf[4096];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) return;
      got.append(buf, static_cast<size_t>(n));
    }
    (void)!::write(fd, answer.data(), answer.size());
  };
}

std::unique_ptr<HttpClient> Client(const std::string& url, int total_ms = 2000) {
  HttpClientOptions o;
  o.url = url;
  o.total_timeout = std::chrono::milliseconds(total_ms);
  o.first_backoff = std::chrono::milliseconds(10);
  o.max_response_bytes = 64 * 1024;
  return std::move(HttpClient::Create(o)).value();
}

const char kOk[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";
const char k503[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";

TEST(HttpClient, AnswersAndRefusesOtherOrigins) {
  Listener l(Answer(kOk));
  auto c = Client(l.url());
  auto r = c->Send({"GET", "/upcheck", {}, "", {}, {}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "OK");
  EXPECT_EQ(r->content_type, "text/plain");
  auto other =
      c->Send({"GET", "http://127.0.0.2:" + std::to_string(l.port()) + "/", {}, "", {}, {}});
  EXPECT_EQ(other.status().code(), "http_origin_not_allowed");
  EXPECT_EQ(l.accepted(), 1);
}

TEST(HttpClient, AnswerToHeadHasNoBody) {
  // The length of the GET answer, no body, and the connection kept open as a real server does:
  // reading a body here would wait for the deadline.
  Listener l([](int fd) {
    Answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1234\r\n\r\n")(fd);
    char buf[4096];
    while (::read(fd, buf, sizeof(buf)) > 0) {
    }
  });
  auto c = Client(l.url(), 2000);
  auto t = Clock::now();
  auto r = c->Send({"HEAD", "/api/v1/eth2/publicKeys", {}, "", {}, {}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
  EXPECT_LT(Clock::now() - t, std::chrono::milliseconds(1000));
}

TEST(HttpClient, RetriesOnlyIdempotentRequests) {
  Listener l(Answer(k503));
  auto c = Client(l.url());
  auto get = c->Send({"GET", "/healthcheck", {}, "", {}, {}});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 503);
  EXPECT_EQ(get->attempts, 3);
  int before = l.accepted();
  auto post = c->Send({"POST", "/api/v1/eth2/sign/0x00", {}, "{}", {}, {}});
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->attempts, 1);
  EXPECT_EQ(l.accepted() - before, 1) << "a sign must never be sent twice";
}

TEST(HttpClient, BoundsTimeSizeAndConnects) {
  // Never answers: the total deadline ends the call.
  Listener silent([](int fd) {
    char buf[4096];
    while (::read(fd, buf, sizeof(buf)) > 0) {
    }
  });
  auto c = Client(silent.url(), 500);
  auto t = Clock::now();
  auto r = c->Send({"POST", "/x", {}, "{}", {}, {}});
  EXPECT_EQ(r.status().code(), "http_timeout");
  EXPECT_LT(Clock::now() - t, std::chrono::milliseconds(1400));

  // An answer over the cap.
  Listener big(
      Answer("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + std::string(200000, 'x')));
  EXPECT_EQ(Client(big.url())->Send({"GET", "/", {}, "", {}, {}}).status().code(),
            "http_response_too_large");

  // Nothing listens.
  int port;
  {
    Listener gone(Answer(kOk));
    port = gone.port();
  }
  EXPECT_EQ(Client("http://127.0.0.1:" + std::to_string(port))
                ->Send({"GET", "/", {}, "", {}, {}})
                .status()
                .code(),
            "http_connect_failed");
}

TEST(HttpClient, StopAbortsACallInFlight) {
  Listener silent([](int fd) {
    char buf[4096];
    while (::read(fd, buf, sizeof(buf)) > 0) {
    }
  });
  auto c = Client(silent.url(), 20'000);
  auto t = Clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c->Stop();
  });
  auto r = c->Send({"POST", "/x", {}, "{}", {}, {}});
  stopper.join();
  EXPECT_EQ(r.status().code(), "http_stopped");
  EXPECT_LT(Clock::now() - t, std::chrono::milliseconds(2000));
  EXPECT_EQ(c->Send({"GET", "/", {}, "", {}, {}}).status().code(), "http_stopped");
}

// A WASM module granted "http" reaches the configured origin and nothing else.
TEST(HttpHostFunction, AModuleReachesOnlyTheConfiguredOrigin) {
  Listener l(Answer(kOk));
  std::shared_ptr<HttpClient> c = Client(l.url());
  std::ifstream in(std::string(NET_TEST_WASM_DIR) + "/http_probe.wasm", std::ios::binary);
  Bytes wasm((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto module = modules::LoadModule("http_probe", wasm, modules::Limits{},
                                    modules::HttpHostFunctions(c, nullptr));
  ASSERT_TRUE(module.ok()) << module.status().ToString();
  auto call = [&](const nlohmann::json& req) {
    auto out = (*module)->CallJson("probe", req.dump());
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return nlohmann::json::parse(out.ok() ? *out : "{}", nullptr, false);
  };
  nlohmann::json ok = call({{"method", "GET"}, {"path", "/upcheck"}});
  EXPECT_EQ(ok["status"], 200) << ok.dump();
  EXPECT_EQ(ok["body"], "OK");
  for (const std::string& url :
       {std::string("http://127.0.0.2:") + std::to_string(l.port()) + "/steal",
        std::string("http://localhost:") + std::to_string(l.port()) + "/x",
        std::string("https://127.0.0.1:") + std::to_string(l.port()) + "/x"}) {
    nlohmann::json refused = call({{"method", "GET"}, {"url", url}});
    EXPECT_FALSE(refused["success"]) << url;
    EXPECT_EQ(refused["error"], "http_origin_not_allowed") << refused.dump();
  }
  nlohmann::json hidden = call({{"method", "GET"}, {"path", "//evil.example/x"}});
  EXPECT_EQ(hidden["error"], "http_origin_not_allowed");
  nlohmann::json header = call({{"path", "/"}, {"headers", {{"X", "a\r\nHost: evil"}}}});
  EXPECT_EQ(header["error"], "invalid_field");
  EXPECT_EQ(l.accepted(), 1) << "only the same-origin request reached the network";

  // Without a configured URL nothing is reachable at all.
  auto bare = modules::LoadModule("http_probe", wasm, modules::Limits{},
                                  modules::HttpHostFunctions(nullptr, nullptr));
  ASSERT_TRUE(bare.ok());
  auto out = (*bare)->CallJson("probe", R"({"path":"/upcheck"})");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(nlohmann::json::parse(*out)["error"], "web3signer_not_configured");
}

}  // namespace
}  // namespace cryfttee::net
