// The HTTP server's threading contract (api/http_server.h), in-process with real sockets: each
// worker thread runs its own event loop, so what must hold is (1) two connections are served on
// two threads, and (2) a listener on the side loop cannot hold up the workers. Each check is a
// handler that blocks until something only another thread can do happens, so a wrong
// assignment shows as a timeout, not as a slower run.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/http_server.h"
#include "support/daemon_process.h"
#include "support/raw_http.h"

namespace cryfttee::testing {
namespace {

// Runs a server on its own thread; stops it (Shutdown + join) when destroyed.
class RunningServer {
 public:
  explicit RunningServer(api::HttpServer* server) : server_(server) {
    thread_ = std::thread([this] { server_->Run(false, std::chrono::milliseconds(2000)); });
  }
  ~RunningServer() {
    server_->Shutdown();
    thread_.join();
  }

 private:
  api::HttpServer* server_;
  std::thread thread_;
};

// Counts arrivals; Wait returns once `n` have arrived or the time is up.
class Rendezvous {
 public:
  void Arrive() {
    std::lock_guard<std::mutex> lock(mu_);
    ++arrived_;
    cv_.notify_all();
  }
  bool Wait(int n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return arrived_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
};

api::HttpResponse Answer(bool ok) {
  api::HttpResponse r;
  r.status = ok ? 200 : 503;
  r.body = ok ? "{\"ok\":true}" : "{\"ok\":false}";
  return r;
}

TEST(HttpServerLoops, TwoConnectionsAreServedOnTwoThreads) {
  TempDir dir;
  Rendezvous both;
  api::Router router;
  // Each request waits for the other: on a single loop the second would never start.
  router.Add("POST", "/meet", [&](const api::HttpRequest&) {
    both.Arrive();
    return Answer(both.Wait(2, std::chrono::seconds(5)));
  });
  api::ServerOptions options;
  options.threads = 2;
  api::HttpServer server(options);
  ASSERT_TRUE(server.ListenUnix(dir.File("s.sock"), {"api", &router, {}, {}, {}}).ok());
  RunningServer running(&server);

  // Opened and used one after the other, the way a client's pool grows.
  RawConnection a = RawConnection::Unix(dir.File("s.sock"));
  RawConnection b = RawConnection::Unix(dir.File("s.sock"));
  ASSERT_TRUE(a.connected() && b.connected());
  ASSERT_TRUE(a.Send(BuildRequest("POST", "/meet", "{}", "", true)));
  ASSERT_TRUE(b.Send(BuildRequest("POST", "/meet", "{}", "", true)));
  EXPECT_EQ(a.Read(8000).status, 200);
  EXPECT_EQ(b.Read(8000).status, 200);
}

TEST(HttpServerLoops, ABlockedSideLoopListenerLeavesTheWorkersFree) {
  TempDir dir;
  Rendezvous entered, released;
  api::Router side_router;
  side_router.Add("GET", "/block", [&](const api::HttpRequest&) {
    entered.Arrive();
    return Answer(released.Wait(1, std::chrono::seconds(10)));
  });
  api::Router api_router;
  api_router.Add("GET", "/ping", [](const api::HttpRequest&) { return Answer(true); });

  api::ServerOptions options;
  options.threads = 1;  // one worker loop: only the side loop can keep it free
  api::HttpServer server(options);
  ASSERT_TRUE(server.ListenUnix(dir.File("s.sock"), {"api", &api_router, {}, {}, {}}).ok());
  api::ListenerLimits side;
  side.side_loop = true;
  ASSERT_TRUE(server.ListenTcp("127.0.0.1:0", {"kiosk", &side_router, {}, side, {}}).ok());
  int port = server.LastBoundPort();
  RunningServer running(&server);

  RawConnection blocker = RawConnection::Tcp("127.0.0.1", port);
  ASSERT_TRUE(blocker.Send(BuildRequest("GET", "/block")));
  ASSERT_TRUE(entered.Wait(1, std::chrono::seconds(5)));
  // The side handler is blocked for up to 10 s: the API must answer long before that.
  RawConnection api = RawConnection::Unix(dir.File("s.sock"));
  ASSERT_TRUE(api.Send(BuildRequest("GET", "/ping")));
  EXPECT_EQ(api.Read(4000).status, 200) << "the API waited for a blocked side-loop handler";
  released.Arrive();
  EXPECT_EQ(blocker.Read(12000).status, 200);
}

}  // namespace
}  // namespace cryfttee::testing
