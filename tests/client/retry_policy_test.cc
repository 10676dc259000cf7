// The seed's retry rule: which failures are retried, the backoff sequence, the attempt cap.
#include "client/retry_policy.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "client/cryfttee_client.h"
#include "support/daemon_process.h"

namespace cryfttee::client {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, BackoffDoublesFrom100msAndCapsAt5s) {
  RetryPolicy p = RetryPolicy::Seed();
  EXPECT_EQ(p.max_attempts, 10);
  std::vector<int64_t> got;
  for (int attempt = 1; attempt < p.max_attempts; ++attempt)
    got.push_back(p.DelayAfter(attempt).count());
  EXPECT_EQ(got, (std::vector<int64_t>{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000}));
  EXPECT_EQ(p.DelayAfter(1000).count(), 5000);  // no overflow far out
}

TEST(RetryPolicy, ClassifiesFailures) {
  EXPECT_TRUE(IsRetryableTransportFailure(Status::Unavailable("unavailable", "refused")));
  EXPECT_FALSE(IsRetryableTransportFailure(Status::Unavailable("timeout", "slow")));
  EXPECT_FALSE(IsRetryableTransportFailure(Status::Unavailable("connection_lost", "reset")));
  EXPECT_FALSE(IsRetryableTransportFailure(Status::Unavailable("tls_error", "bad cert")));
  EXPECT_FALSE(IsRetryableTransportFailure(Status::Ok()));
  EXPECT_TRUE(IsRetryableHttpStatus(503));
  for (int s : {200, 400, 401, 403, 404, 409, 413, 500, 502})
    EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
}

// A client whose sleeps are recorded instead of slept.
struct Recorded {
  std::vector<int64_t> sleeps;
  ClientOptions Options(const std::string& socket) {
    ClientOptions o;
    o.transport.socket_path = socket;
    o.transport.timeout = milliseconds(2000);
    o.retry.sleep = [this](milliseconds d) { sleeps.push_back(d.count()); };
    return o;
  }
};

TEST(RetryPolicy, MissingSocketIsRetriedTenTimesWithTheSeedSequence) {
  testing::TempDir dir;
  Recorded rec;
  CryftteeClient c(rec.Options(dir.File("absent.sock")));
  auto r = c.GetStatus();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "unavailable");
  EXPECT_NE(r.status().message().find("after 10 attempts"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(c.last_attempts(), 10);
  EXPECT_EQ(rec.sleeps, (std::vector<int64_t>{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000}));
}

TEST(RetryPolicy, ConnectionRefusedIsRetried) {
  testing::TempDir dir;
  // A socket file with nobody listening: bind, never listen.
  std::string path = dir.File("dead.sock");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  Recorded rec;
  ClientOptions o = rec.Options(path);
  o.retry.max_attempts = 3;
  CryftteeClient c(o);
  auto r = c.GetAttestation();
  ::close(fd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "unavailable") << r.status().ToString();
  EXPECT_EQ(c.last_attempts(), 3);
  EXPECT_EQ(rec.sleeps, (std::vector<int64_t>{100, 200}));
}

// A tiny server that answers each connection with the next canned HTTP response.
class CannedServer {
 public:
  explicit CannedServer(std::string path, std::vector<std::string> answers)
      : path_(std::move(path)), answers_(std::move(answers)) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    thread_ = std::thread([this] {
      for (const std::string& a : answers_) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[4096];
        std::string got;
        while (got.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          got.append(buf, n);
        }
        size_t cl = got.find("Content-Length: ");
        if (cl == std::string::npos) cl = got.find("content-length: ");
        if (cl != std::string::npos) {
          size_t len = std::stoul(got.substr(cl + 16));
          size_t body_start = got.find("\r\n\r\n") + 4;
          while (got.size() < body_start + len) {
            ssize_t n = ::read(c, buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, n);
          }
        }
        ++served_;
        ssize_t w = ::write(c, a.data(), a.size());
        (void)w;
        ::close(c);
      }
    });
  }
  ~CannedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int served() const { return served_; }

 private:
  std::string path_;
  std::vector<std::string> answers_;
  int fd_;
  std::thread thread_;
  std::atomic<int> served_{0};
};

std::string Http(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) +
         " X\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

TEST(RetryPolicy, Http503IsRetriedThenTheAnswerIsUsed) {
  testing::TempDir dir;
  std::string path = dir.File("api.sock");
  std::string unavailable = R"({"success":false,"code":"starting","error":"not yet"})";
  CannedServer server(path,
                      {Http(503, unavailable), Http(503, unavailable),
                       Http(200, R"({"acknowledged":true,"signer_ready":true,"timestamp":5})")});
  Recorded rec;
  CryftteeClient c(rec.Options(path));
  auto r = c.Heartbeat({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->signer_ready);
  EXPECT_EQ(c.last_attempts(), 3);
  EXPECT_EQ(rec.sleeps, (std::vector<int64_t>{100, 200}));
  EXPECT_EQ(server.served(), 3);
}

TEST(RetryPolicy, FourXxIsNeverRetried) {
  for (int status : {400, 404, 409}) {
    testing::TempDir dir;
    std::string path = dir.File("api.sock");
    CannedServer server(path,
                        {Http(status, R"({"success":false,"code":"key_not_found","error":"no"})"),
                         Http(200, "{}")});
    Recorded rec;
    CryftteeClient c(rec.Options(path));
    BlsSignRequest req;
    req.key_handle = "h";
    auto r = c.SignBls(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), "key_not_found");
    EXPECT_EQ(c.last_attempts(), 1) << status;
    EXPECT_TRUE(rec.sleeps.empty());
  }
}

TEST(RetryPolicy, FiveHundredAndBadGatewayAreNotRetried) {
  testing::TempDir dir;
  std::string path = dir.File("api.sock");
  CannedServer server(
      path,
      {Http(502, R"({"success":false,"code":"module_failed","error":"trap"})"), Http(200, "{}")});
  Recorded rec;
  CryftteeClient c(rec.Options(path));
  auto r = c.GetStatus();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "module_failed");
  EXPECT_EQ(r.status().category(), StatusCategory::kUpstream);
  EXPECT_EQ(c.last_attempts(), 1);
}

TEST(RetryPolicy, NoneMakesOneAttempt) {
  testing::TempDir dir;
  ClientOptions o;
  o.transport.socket_path = dir.File("absent.sock");
  o.retry = RetryPolicy::None();
  int sleeps = 0;
  o.retry.sleep = [&](milliseconds) { ++sleeps; };
  CryftteeClient c(o);
  EXPECT_FALSE(c.GetConnection().ok());
  EXPECT_EQ(c.last_attempts(), 1);
  EXPECT_EQ(sleeps, 0);
}

}  // namespace
}  // namespace cryfttee::client
