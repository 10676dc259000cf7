// The daemon's HTTP/1.1 server: N worker threads, each running its own event loop, and one thread
// that only accepts (and runs the shutdown and watchdog timers), so a handler that blocks never
// delays a new connection; any number of listeners (Unix socket, TCP, TLS), each with its own
// router. A connection stays on the worker loop it was given at accept, so a request never waits
// for another thread to be woken. Listeners with
// `ListenerLimits::side_loop` get one extra thread of their own. Boost.Beast stays behind this
// header.
//
// Limits protect the daemon from slow or huge clients: a request must arrive completely within
// `read_timeout` of its first byte, bodies above `body_limit` get 413, headers above
// `header_limit` get 431, idle keep-alive connections close after the listener's idle timeout.
//
// Connection budgets are per listener, so a flood on one (any local user can reach the kiosk's
// TCP port) never takes connections from another (the node's API socket). A listener that is full
// either evicts its longest-idle connection to admit the new one (`evict_idle_when_full`, the API:
// the node can always connect) or refuses it (the kiosk). Budgets are clamped to what the
// descriptor limit allows (RLIMIT_NOFILE, raised to its hard limit at start). When accept itself
// fails for lack of descriptors (EMFILE/ENFILE) the acceptor backs off for 100 ms and logs once a
// second instead of spinning.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.h"
#include "api/router.h"
#include "core/status.h"

namespace cryfttee::api {

struct ServerOptions {
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  std::chrono::milliseconds read_timeout{10'000};
  // Longer than Go's default IdleConnTimeout (90 s) so the client, not us, closes idle
  // connections: Go does not retry a POST on a connection the server closed.
  std::chrono::milliseconds idle_timeout{120'000};
  size_t max_connections = 1024;
  // Worker loops, 0 = one per core (the accepting thread and a side loop, if any, come on top).
  int threads = 0;
  // Runs when the shutdown grace period is over with requests still in flight, before the
  // server abandons them: it must make blocked handlers return (e.g. abort outbound calls), or
  // joining their threads would outlast the grace period.
  std::function<void()> on_grace_expired;
  // Runs once on a worker thread as soon as Run() serves requests (every listener accepting),
  // and once when shutdown begins: the daemon tells systemd READY=1 and STOPPING=1 here.
  std::function<void()> on_serving;
  std::function<void()> on_stopping;
  // Runs every `tick_interval` while the server serves and every loop still runs (the systemd
  // watchdog ping: a loop too wedged to run for a whole interval stops the pings).
  std::chrono::milliseconds tick_interval{0};
  std::function<void()> on_tick;
};

// Called after every response, on the worker thread that served it.
using RequestObserver = std::function<void(const HttpRequest&, const HttpResponse&)>;

// Runs before routing; a response it returns is sent instead of dispatching (a refusal).
using RequestFilter = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

struct ListenerLimits {
  size_t max_connections = 0;                 // 0 = ServerOptions::max_connections
  std::chrono::milliseconds idle_timeout{0};  // 0 = ServerOptions::idle_timeout
  bool evict_idle_when_full = false;          // else: refuse new connections when full
  // Serve this listener's connections on the server's side loop (one extra thread shared by all
  // listeners that ask for it), never on the worker loops the API uses: a flood of busy requests
  // here (the kiosk, metrics scrapes) then competes with the node's requests for CPU only, never
  // queues ahead of them on a loop.
  bool side_loop = false;
};

struct ListenerSpec {
  std::string name;  // "api" or "kiosk"; copied into HttpRequest::listener
  const Router* router = nullptr;
  RequestObserver observer;  // optional
  ListenerLimits limits;
  RequestFilter filter;  // optional
};

struct TlsFiles {
  std::string cert_file;       // PEM chain
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // optional: require client certificates signed by this CA
};

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds a Unix socket at `path` with mode 0660. A stale socket (nobody answers) is replaced;
  // a live one is never taken (code "socket_in_use"). The file is removed when the server stops.
  Status ListenUnix(const std::string& path, ListenerSpec spec);
  // Serves on a listening Unix stream socket someone else created and bound (systemd socket
  // activation: LISTEN_FDS). The server owns `fd` from here on but never unlinks its file: the
  // socket unit created it and keeps it across restarts. Code "invalid_socket" unless `fd` is a
  // listening AF_UNIX stream socket. `path` receives the socket's file name.
  Status AdoptUnix(int fd, ListenerSpec spec, std::string* path);
  // "host:port" or "[v6]:port". Port 0 picks a free port; BoundPort() reports it.
  Status ListenTcp(const std::string& address, ListenerSpec spec);
  Status ListenTls(const std::string& address, const TlsFiles& tls, ListenerSpec spec);
  // The port of the most recent TCP/TLS listener (useful with port 0).
  int LastBoundPort() const;
  // Connections the descriptor limit leaves room for (after a reserve for files and modules).
  size_t DescriptorBudget() const;

  // Runs until SIGINT/SIGTERM (when `handle_signals`) or Shutdown(); then stops accepting, lets
  // in-flight requests finish for up to `grace`, and returns. Every listener is added before Run
  // (the Listen and Adopt calls are not thread-safe against a running server).
  void Run(bool handle_signals, std::chrono::milliseconds grace);
  // Thread-safe; may be called from any thread, including a handler.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cryfttee::api
