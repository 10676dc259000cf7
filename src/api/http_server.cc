#include "api/http_server.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "api/http_session.h"
#include "api/responses.h"
#include "core/mutex.h"
#include "core/unix_socket_path.h"

namespace cryfttee::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

namespace {

Result<tcp::endpoint> ParseHostPort(const std::string& address) {
  std::string host, port;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return Status::InvalidArgument("invalid_address", "expected [ipv6]:port, got " + address);
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument("invalid_address", "expected host:port, got " + address);
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("invalid_address", "not an IP address: " + host);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return Status::InvalidArgument("invalid_address", "invalid port in " + address);
  }
  return tcp::endpoint(ip, static_cast<unsigned short>(std::stoi(port)));
}

// Read once per connection: the kernel's record of who connected (credentials at connect time,
// which a later setuid in the client cannot change) and the executable behind the pid.
std::shared_ptr<const PeerInfo> UnixPeer(int fd) {
  auto peer = std::make_shared<PeerInfo>();
  peer->kind = PeerInfo::Kind::kUnix;
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    peer->uid = cred.uid;
    peer->gid = cred.gid;
    peer->pid = cred.pid;
    // Supplementary groups as of connect(), like the uid: an allow-listed group reaches a
    // service user through its group list, not only its primary group.
    gid_t groups[256];
    socklen_t glen = sizeof(groups);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) == 0) {
      peer->groups.assign(groups, groups + glen / sizeof(gid_t));
    }
    char exe[4096];
    std::string link = "/proc/" + std::to_string(cred.pid) + "/exe";
    ssize_t n = ::readlink(link.c_str(), exe, sizeof(exe));
    if (n > 0 && static_cast<size_t>(n) < sizeof(exe))
      peer->exe.assign(exe, static_cast<size_t>(n));
  } else {
    // Never mistaken for root: an unreadable peer is nobody the allow-list names.
    peer->uid = static_cast<uid_t>(-1);
    peer->gid = static_cast<gid_t>(-1);
  }
  return peer;
}

std::shared_ptr<const PeerInfo> TcpPeer(const tcp::socket& socket) {
  auto peer = std::make_shared<PeerInfo>();
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (!ec) {
    std::string host = remote.address().to_string();
    if (remote.address().is_v6()) host = "[" + host + "]";
    peer->address = host + ":" + std::to_string(remote.port());
  }
  return peer;
}

Result<std::unique_ptr<tcp::acceptor>> OpenTcpAcceptor(asio::io_context& ioc,
                                                       const std::string& address) {
  CRYFTTEE_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ParseHostPort(address));
  auto acceptor = std::make_unique<tcp::acceptor>(ioc);
  boost::system::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::FailedPrecondition("bind_failed",
                                      "cannot listen on " + address + ": " + ec.message());
  }
  return acceptor;
}

// Raises the soft descriptor limit to the hard one (systemd's default soft limit is 1024) and
// returns how many connections fit, keeping a reserve for key files, modules, logs and the
// listeners themselves.
size_t DescriptorBudgetAtStart() {
  rlim_t reserve = 64;
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024 - reserve;
  if (rl.rlim_cur < rl.rlim_max) {
    struct rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 1 << 20 : rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  // The daemon's own descriptors (modules, vault, logs, epoll, timers) grow with its work: keep
  // a quarter of a small limit for them.
  reserve = std::max<rlim_t>(reserve, rl.rlim_cur / 4);
  return rl.rlim_cur > 2 * reserve ? static_cast<size_t>(rl.rlim_cur - reserve)
                                   : static_cast<size_t>(rl.rlim_cur / 2);
}

bool IsDescriptorExhaustion(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec.value() == ENFILE || ec.value() == ENOBUFS ||
         ec.value() == ENOMEM;
}

}  // namespace

// One event loop per worker thread (an io_context with concurrency hint 1), not one loop shared
// by all workers: with a shared loop, the thread that took a socket's readiness from epoll wakes
// another to take over epoll and the completion often moves between threads, so a keep-alive
// request paid several futex wake-ups and context switches (≈ 9 per heartbeat,
// docs/performance.md). A connection now lives on one loop from accept to close, and its read,
// handler and write run on that loop's thread without a wake-up. Loop 0 runs only the acceptors,
// signals and the control timers, never a handler: a handler may block for seconds (a slow
// Web3Signer call waits up to its timeout), and the node must still connect meanwhile. Accepted
// sockets move to the worker loop (1..threads) with the fewest busy, then open, connections.
struct HttpServer::Impl : SessionRegistry {
  explicit Impl(ServerOptions o)
      : options(Normalized(std::move(o))),
        loops(MakeLoops(options.threads)),
        ioc(*loops[0]),
        control(asio::make_strand(ioc)),
        signals(control),
        deadline(control),
        ticker(control) {}

  static ServerOptions Normalized(ServerOptions o) {
    if (o.threads <= 0)
      o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return o;
  }
  static std::vector<std::unique_ptr<asio::io_context>> MakeLoops(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    // Hint 1: the scheduler never wakes a second thread; locking stays on, because other
    // threads post to a loop (eviction, shutdown, the registry). Loop 0 accepts, 1..n work.
    for (int i = 0; i <= n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  ServerOptions options;
  std::vector<std::unique_ptr<asio::io_context>> loops;
  asio::io_context& ioc;  // loops[0]: acceptors, signals, control timers; no sessions
  // Shutdown bookkeeping (signals, the drain deadline) runs on one strand of loop 0: timers are
  // not thread-safe and any loop may finish the last session.
  asio::strand<asio::io_context::executor_type> control;
  asio::signal_set signals;
  asio::steady_timer deadline;
  asio::steady_timer ticker;  // options.on_tick, on the loop so a wedged loop misses its ticks
  std::vector<std::unique_ptr<tcp::acceptor>> tcp_acceptors;
  std::vector<std::unique_ptr<local::acceptor>> unix_acceptors;
  std::vector<std::unique_ptr<asio::ssl::context>> tls_contexts;
  std::vector<std::pair<std::string, ino_t>> unix_paths;  // removed on stop if still ours
  int last_port = 0;
  std::atomic<bool> stopping{false};
  bool grace_expired = false;  // set on loop 0, read after it returns
  std::chrono::milliseconds grace{5000};

  size_t descriptor_budget = DescriptorBudgetAtStart();

  Mutex mu;
  std::set<std::shared_ptr<SessionBase>> sessions GUARDED_BY(mu);
  std::map<std::string, size_t> per_listener GUARDED_BY(mu);  // open sessions by listener name

  // Runs on the control strand: calls on_tick, then waits tick_interval, until shutdown. Loop 0
  // never runs a handler, so its own liveness proves little: each tick also posts a probe to
  // every other loop, and the next tick pings only once every probe has run, so a wedged worker
  // stops the pings (a handler blocked for less than a tick interval does not).
  void Tick() {
    if (stopping) return;
    if (probes_pending.load() == 0) {
      options.on_tick();
      probes_pending.store(loops.size() - 1);
      for (size_t i = 1; i < loops.size(); ++i) {
        asio::post(*loops[i], [this] { probes_pending.fetch_sub(1); });
      }
    }
    ticker.expires_after(options.tick_interval);
    ticker.async_wait([this](boost::system::error_code ec) {
      if (!ec) Tick();
    });
  }

  std::atomic<size_t> probes_pending{0};

  size_t CapOf(const ListenerSpec& spec) const {
    size_t cap =
        spec.limits.max_connections ? spec.limits.max_connections : options.max_connections;
    return std::min(cap, descriptor_budget);
  }

  // The loop a new connection joins: fewest in-flight requests, then fewest open connections,
  // so two clients' requests run on two threads. Ties rotate: a client that closes and reopens
  // its connections (the previous ones may not be unregistered yet) still gets them spread.
  // Called on loop 0 for every accept.
  size_t PickLoop(std::optional<size_t> fixed) {
    if (fixed) return *fixed;
    const size_t n = static_cast<size_t>(options.threads);  // worker loops 1..n; side loop after
    if (n == 1) return 1;
    std::vector<size_t> busy(loops.size(), 0), open(loops.size(), 0);
    {
      MutexLock lock(&mu);
      for (const auto& s : sessions) {
        ++open[s->loop()];
        if (!s->idle()) ++busy[s->loop()];
      }
    }
    const size_t start = next_loop % n;
    size_t best = 1 + start;
    for (size_t k = 1; k < n; ++k) {
      size_t i = 1 + (start + k) % n;
      if (std::tie(busy[i], open[i]) < std::tie(busy[best], open[best])) best = i;
    }
    next_loop = best;  // the scan after this one starts at the next worker
    return best;
  }
  size_t next_loop = 0;  // loop 0 only: where PickLoop's scan starts

  // The loop for `limits`: none (pick per connection) or the side loop, created on first use
  // (before Run, which starts a thread per loop).
  std::optional<size_t> FixedLoop(const ListenerLimits& limits) {
    if (!limits.side_loop) return std::nullopt;
    if (!side_loop) {
      loops.push_back(std::make_unique<asio::io_context>(1));
      side_loop = loops.size() - 1;
    }
    return side_loop;
  }
  std::optional<size_t> side_loop;

  // Moves an accepted socket (registered with loop 0's epoll) onto `loop`'s epoll.
  template <class Socket>
  std::optional<Socket> MoveTo(size_t loop, Socket socket) {
    if (loop == 0) return socket;
    boost::system::error_code ec;
    auto protocol = socket.local_endpoint(ec).protocol();
    if (ec) return std::nullopt;  // the peer is already gone
    int fd = socket.release(ec);
    if (ec) {
      spdlog::warn("accept: cannot move a connection to its worker: {}", ec.message());
      return std::nullopt;
    }
    Socket moved(loops[loop]->get_executor());
    moved.assign(protocol, fd, ec);
    if (ec) {
      ::close(fd);
      spdlog::warn("accept: cannot move a connection to its worker: {}", ec.message());
      return std::nullopt;
    }
    return moved;
  }

  // SessionRegistry
  bool Add(const std::shared_ptr<SessionBase>& s) override {
    std::shared_ptr<SessionBase> victim;
    {
      MutexLock lock(&mu);
      if (stopping) return false;
      const ListenerSpec& spec = s->spec();
      size_t& count = per_listener[spec.name];
      if (count >= CapOf(spec) || sessions.size() >= descriptor_budget) {
        if (!spec.limits.evict_idle_when_full) return false;
        // Make room by closing this listener's longest-idle connection: an idle keep-alive
        // costs its owner nothing to reopen, while refusing would lock the node out.
        for (const auto& other : sessions) {
          if (other->spec().name != spec.name || !other->idle()) continue;
          if (!victim || other->idle_since_ms() < victim->idle_since_ms()) victim = other;
        }
        if (!victim) return false;  // every connection is mid-request: bounded by read_timeout
      }
      sessions.insert(s);
      ++count;
    }
    if (victim) victim->Evict();
    return true;
  }
  // Asks up to `n` idle sessions of evicting listeners, longest-idle first, to close.
  size_t EvictIdle(size_t n) {
    std::vector<std::shared_ptr<SessionBase>> idle;
    {
      MutexLock lock(&mu);
      for (const auto& s : sessions) {
        if (s->spec().limits.evict_idle_when_full && s->idle()) idle.push_back(s);
      }
    }
    size_t k = std::min(n, idle.size());
    std::partial_sort(
        idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(k), idle.end(),
        [](const auto& a, const auto& b) { return a->idle_since_ms() < b->idle_since_ms(); });
    for (size_t i = 0; i < k; ++i) idle[i]->Evict();
    return k;
  }

  void Remove(const std::shared_ptr<SessionBase>& s) override {
    MutexLock lock(&mu);
    if (sessions.erase(s) > 0) --per_listener[s->spec().name];
    if (stopping && sessions.empty()) {
      asio::post(control, [this] { deadline.cancel(); });
    }
  }
  bool Stopping() const override { return stopping; }
  const ServerOptions& Options() const override { return options; }

  // Accept failures for lack of descriptors would otherwise re-arm at once and spin a core
  // (and the log) while the node's own connection times out: back off, log once per second.
  std::atomic<int64_t> last_exhaustion_log_ms{0};
  std::atomic<uint64_t> exhaustion_count{0};

  template <class Acceptor, class MakeSession>
  void Accept(Acceptor* acceptor, std::optional<size_t> fixed, MakeSession make) {
    acceptor->async_accept(
        asio::any_io_executor(ioc.get_executor()),
        [this, acceptor, make, fixed](boost::system::error_code ec, auto socket) {
          if (ec) {
            if (ec == asio::error::operation_aborted || stopping) return;
            if (IsDescriptorExhaustion(ec)) return BackOff(acceptor, make, fixed, ec);
            spdlog::warn("accept failed: {}", ec.message());
          } else {
            size_t loop = PickLoop(fixed);
            if (auto moved = MoveTo(loop, std::move(socket))) {
              make(std::move(*moved), loop);
            }
          }
          if (!stopping) Accept(acceptor, fixed, make);
        });
  }

  template <class Acceptor, class MakeSession>
  void BackOff(Acceptor* acceptor, MakeSession make, std::optional<size_t> fixed,
               const boost::system::error_code& ec) {
    uint64_t n = ++exhaustion_count;
    int64_t now = detail::SteadyMillis();
    int64_t last = last_exhaustion_log_ms.load();
    if (now - last >= 1000 && last_exhaustion_log_ms.compare_exchange_strong(last, now)) {
      spdlog::error("accept: {} ({} times so far); pausing accepts for 100 ms", ec.message(), n);
    }
    // Out of descriptors, idle keep-alives are what can give some back: close a few of the
    // longest-idle connections of listeners that evict (the API) and retry soon; without this,
    // a flood of idle connections would hold every descriptor until its idle timeout.
    size_t evicted = EvictIdle(8);
    auto delay = std::chrono::milliseconds(evicted > 0 ? 5 : 100);
    auto timer = std::make_shared<asio::steady_timer>(control, delay);
    timer->async_wait([this, acceptor, make, fixed, timer](boost::system::error_code e) {
      if (!e && !stopping) Accept(acceptor, fixed, make);
    });
  }

  void BeginShutdown() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no longer accepting connections");
    if (options.on_stopping) options.on_stopping();
    ticker.cancel();
    boost::system::error_code ignored;
    for (auto& a : tcp_acceptors) a->close(ignored);
    for (auto& a : unix_acceptors) a->close(ignored);
    signals.cancel(ignored);
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      MutexLock lock(&mu);
      live.assign(sessions.begin(), sessions.end());
    }
    // Re-arming cancels the pending wait; OnDeadline then waits again on the grace period, or
    // returns at once when nothing is left to drain.
    deadline.expires_after(grace);
    for (auto& s : live) s->OnServerStopping();
  }

  void OnDeadline(boost::system::error_code ec) {
    if (!ec) {
      spdlog::warn("shutdown grace period over; abandoning in-flight requests");
      if (options.on_grace_expired) options.on_grace_expired();
      grace_expired = true;
      ioc.stop();
      return;
    }
    if (!stopping) {
      deadline.async_wait([this](boost::system::error_code e) { OnDeadline(e); });
      return;
    }
    MutexLock lock(&mu);
    if (sessions.empty()) return;  // drained: nothing keeps run() going any more
    deadline.async_wait([this](boost::system::error_code e) { OnDeadline(e); });
  }
};

HttpServer::HttpServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() {
  for (const auto& [path, inode] : impl_->unix_paths) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && st.st_ino == inode) ::unlink(path.c_str());
  }
}

Status HttpServer::ListenUnix(const std::string& path, ListenerSpec spec) {
  CRYFTTEE_RETURN_IF_ERROR(PrepareUnixSocketPath(path));
  auto acceptor = std::make_unique<local::acceptor>(impl_->ioc);
  boost::system::error_code ec;
  acceptor->open(local(), ec);
  if (!ec) acceptor->bind(local::endpoint(path), ec);
  if (ec) {
    return Status::FailedPrecondition(
        "socket_bind_failed", "cannot create socket " + path + ": " + ec.message() +
                                  " (choose another path with --uds-path / CRYFTTEE_UDS_PATH)");
  }
  ::chmod(path.c_str(), 0660);
  acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Internal("listen_failed", "listen on " + path + ": " + ec.message());
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) impl_->unix_paths.emplace_back(path, st.st_ino);

  auto* raw = acceptor.get();
  impl_->unix_acceptors.push_back(std::move(acceptor));
  Impl* impl = impl_.get();
  impl_->Accept(
      raw, impl_->FixedLoop(spec.limits), [impl, spec](local::socket socket, size_t loop) {
        using Stream =
            beast::basic_stream<local, asio::any_io_executor, beast::unlimited_rate_policy>;
        auto peer = UnixPeer(socket.native_handle());
        StartSession(std::make_shared<PlainSession<Stream>>(Stream(std::move(socket)), spec, *impl,
                                                            std::move(peer), loop));
      });
  return Status::Ok();
}

Status HttpServer::AdoptUnix(int fd, ListenerSpec spec, std::string* path) {
  int type = 0, listening = 0;
  socklen_t len = sizeof(type);
  sockaddr_un addr{};
  socklen_t addr_len = sizeof(addr);
  bool ok = ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
  len = sizeof(listening);
  ok = ok && ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening;
  ok = ok && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) == 0 &&
       addr.sun_family == AF_UNIX;
  if (!ok) {
    return Status::InvalidArgument("invalid_socket", "descriptor " + std::to_string(fd) +
                                                         " is not a listening Unix stream socket");
  }
  *path = std::string(addr.sun_path, ::strnlen(addr.sun_path, sizeof(addr.sun_path)));
  auto acceptor = std::make_unique<local::acceptor>(impl_->ioc);
  boost::system::error_code ec;
  acceptor->assign(local(), fd, ec);
  if (ec) return Status::Internal("listen_failed", "adopt descriptor: " + ec.message());
  // Not added to unix_paths: the socket unit owns the file, so it is never unlinked here.
  auto* raw = acceptor.get();
  impl_->unix_acceptors.push_back(std::move(acceptor));
  Impl* impl = impl_.get();
  impl_->Accept(
      raw, impl_->FixedLoop(spec.limits), [impl, spec](local::socket socket, size_t loop) {
        using Stream =
            beast::basic_stream<local, asio::any_io_executor, beast::unlimited_rate_policy>;
        auto peer = UnixPeer(socket.native_handle());
        StartSession(std::make_shared<PlainSession<Stream>>(Stream(std::move(socket)), spec, *impl,
                                                            std::move(peer), loop));
      });
  return Status::Ok();
}

Status HttpServer::ListenTcp(const std::string& address, ListenerSpec spec) {
  CRYFTTEE_ASSIGN_OR_RETURN(std::unique_ptr<tcp::acceptor> acceptor,
                            OpenTcpAcceptor(impl_->ioc, address));
  impl_->last_port = acceptor->local_endpoint().port();
  auto* raw = acceptor.get();
  impl_->tcp_acceptors.push_back(std::move(acceptor));
  Impl* impl = impl_.get();
  impl_->Accept(raw, impl_->FixedLoop(spec.limits), [impl, spec](tcp::socket socket, size_t loop) {
    auto peer = TcpPeer(socket);
    StartSession(std::make_shared<PlainSession<beast::tcp_stream>>(
        beast::tcp_stream(std::move(socket)), spec, *impl, std::move(peer), loop));
  });
  return Status::Ok();
}

Status HttpServer::ListenTls(const std::string& address, const TlsFiles& tls, ListenerSpec spec) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    return Status::InvalidArgument("invalid_tls_cert",
                                   "cannot load --tls-cert " + tls.cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) {
    return Status::InvalidArgument("invalid_tls_key",
                                   "cannot load --tls-key " + tls.key_file + ": " + ec.message());
  }
  if (!tls.client_ca_file.empty()) {
    ctx->load_verify_file(tls.client_ca_file, ec);
    if (ec) {
      return Status::InvalidArgument(
          "invalid_tls_client_ca",
          "cannot load --tls-client-ca " + tls.client_ca_file + ": " + ec.message());
    }
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  CRYFTTEE_ASSIGN_OR_RETURN(std::unique_ptr<tcp::acceptor> acceptor,
                            OpenTcpAcceptor(impl_->ioc, address));
  impl_->last_port = acceptor->local_endpoint().port();
  auto* raw = acceptor.get();
  auto* ctx_raw = ctx.get();
  impl_->tls_contexts.push_back(std::move(ctx));
  impl_->tcp_acceptors.push_back(std::move(acceptor));
  Impl* impl = impl_.get();
  impl_->Accept(
      raw, impl_->FixedLoop(spec.limits), [impl, spec, ctx_raw](tcp::socket socket, size_t loop) {
        auto peer = TcpPeer(socket);
        StartSession(std::make_shared<TlsSession>(
            beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *ctx_raw),
            spec, *impl, std::move(peer), loop));
      });
  return Status::Ok();
}

int HttpServer::LastBoundPort() const { return impl_->last_port; }

size_t HttpServer::DescriptorBudget() const { return impl_->descriptor_budget; }

void HttpServer::Run(bool handle_signals, std::chrono::milliseconds grace) {
  Impl& impl = *impl_;
  if (handle_signals) {
    impl.signals.add(SIGINT);
    impl.signals.add(SIGTERM);
    impl.signals.async_wait([&impl](boost::system::error_code ec, int signo) {
      if (ec) return;
      spdlog::info("received signal {}", signo);
      impl.BeginShutdown();  // already on the control strand
    });
  }
  // The deadline timer waits "forever" until shutdown starts; it keeps run() from returning
  // early and then bounds the drain.
  impl.grace = grace;
  asio::post(impl.control, [&impl] {
    impl.deadline.expires_at(asio::steady_timer::time_point::max());
    impl.deadline.async_wait([&impl](boost::system::error_code e) { impl.OnDeadline(e); });
  });

  // Posted after the acceptors' first waits, so it runs once the loop is serving them.
  if (impl.options.on_serving) asio::post(impl.ioc, impl.options.on_serving);
  if (impl.options.on_tick && impl.options.tick_interval.count() > 0) {
    asio::post(impl.control, [&impl] { impl.Tick(); });
  }

  // Loops 1.. (workers, then the side loop) may have nothing to do until a connection arrives:
  // the guards keep them running until loop 0 (acceptors, drain deadline) returns. Then they
  // finish their sessions' last operations, or stop at once when the grace period ran out (loop
  // 0 was stopped).
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> workers;
  for (size_t i = 1; i < impl.loops.size(); ++i) {
    guards.push_back(asio::make_work_guard(*impl.loops[i]));
    workers.emplace_back([loop = impl.loops[i].get()] { loop->run(); });
  }
  impl.ioc.run();
  for (auto& g : guards) g.reset();
  if (impl.grace_expired) {
    for (size_t i = 1; i < impl.loops.size(); ++i) impl.loops[i]->stop();
  }
  for (auto& t : workers) t.join();
}

void HttpServer::Shutdown() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->BeginShutdown(); });
}

}  // namespace cryfttee::api
