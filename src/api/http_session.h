// One HTTP/1.1 connection: read a request, dispatch it, write the answer, repeat while the client
// keeps the connection alive. Internal to http_server.cc; templated over the stream type so Unix
// sockets, TCP and TLS share one implementation.
//
// Invariant: all of a session's work runs on its loop (the socket's executor, an io_context run by
// exactly one thread), so the stream and parser need no lock and a request's read, handler and
// write never wait for another thread. `busy_` is true from a request's first byte until its
// response is written; shutdown closes idle sessions and lets busy ones finish. `busy_` and
// `idle_since_ms_` are atomics because the registry reads them from other threads to pick an idle
// connection to evict when a listener is full.
#pragma once

#include <spdlog/spdlog.h>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "api/http_server.h"
#include "api/responses.h"

namespace cryfttee::api {

namespace detail {
inline int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace detail

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Called from the control strand when the server starts shutting down.
  virtual void OnServerStopping() = 0;
  // Closes the connection if it is still idle when its strand gets to it (any thread).
  virtual void Evict() = 0;
  virtual const ListenerSpec& spec() const = 0;
  size_t loop() const { return loop_; }  // which of the server's event loops owns the socket
  bool idle() const { return !busy_.load(std::memory_order_relaxed); }
  int64_t idle_since_ms() const { return idle_since_ms_.load(std::memory_order_relaxed); }

 protected:
  explicit SessionBase(size_t loop) : loop_(loop) {}
  const size_t loop_;
  std::atomic<bool> busy_{false};
  // A new connection counts as idle since it was accepted, so a full listener evicts connections
  // that have idled longest, never the one that just arrived (the node's, mid-flood).
  std::atomic<int64_t> idle_since_ms_{detail::SteadyMillis()};
};

class SessionRegistry {
 public:
  virtual ~SessionRegistry() = default;
  virtual bool Add(const std::shared_ptr<SessionBase>& s) = 0;  // false: refuse the connection
  virtual void Remove(const std::shared_ptr<SessionBase>& s) = 0;
  virtual bool Stopping() const = 0;
  virtual const ServerOptions& Options() const = 0;
};

namespace detail {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;

inline HttpRequest ToHttpRequest(const http::request<http::string_body>& req,
                                 const std::string& listener,
                                 std::shared_ptr<const PeerInfo> peer) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  std::string target(req.target());
  size_t q = target.find('?');
  std::string raw_path = target.substr(0, q);
  if (!PercentDecode(raw_path, &out.path, false)) out.path = raw_path;
  if (q != std::string::npos) out.query = ParseQueryString(target.substr(q + 1));
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = req.body();
  out.listener = listener;
  out.peer = std::move(peer);
  return out;
}

inline http::response<http::string_body> ToBeastResponse(const HttpResponse& resp, unsigned version,
                                                         bool keep_alive, bool head) {
  http::response<http::string_body> out{static_cast<http::status>(resp.status), version};
  out.set(http::field::server, "cryfttee");
  // An empty type sends none (relayed reason-phrase bodies carry no Content-Type).
  if (!resp.content_type.empty()) out.set(http::field::content_type, resp.content_type);
  // Answers describe live state (keys, attestation): never let an intermediary cache them.
  out.set(http::field::cache_control, "no-store");
  out.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : resp.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  if (!head) out.body() = resp.body;
  out.prepare_payload();
  if (head) out.content_length(resp.body.size());
  return out;
}

}  // namespace detail

template <class Derived>
class HttpSessionBase : public SessionBase {
 protected:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  HttpSessionBase(ListenerSpec spec, SessionRegistry& registry,
                  std::shared_ptr<const PeerInfo> peer, size_t loop)
      : SessionBase(loop), spec_(std::move(spec)), registry_(registry), peer_(std::move(peer)) {}

  Derived& self() { return static_cast<Derived&>(*this); }
  std::shared_ptr<Derived> shared() {
    return std::static_pointer_cast<Derived>(this->shared_from_this());
  }

 public:
  void OnServerStopping() override {
    boost::asio::post(self().Stream().get_executor(), [s = shared()] {
      if (!s->busy_) s->self().Close();
    });
  }

  void Evict() override {
    boost::asio::post(self().Stream().get_executor(), [s = shared()] {
      if (!s->busy_) {
        spdlog::debug("{}: closing an idle connection to admit a new one", s->spec_.name);
        s->self().Close();
      }
    });
  }

  const ListenerSpec& spec() const override { return spec_; }

  // Waits for the first byte under the idle timeout, then reads the whole request under the
  // (shorter) read timeout, so a slow client cannot hold a worker. Bytes already buffered (a
  // pipelined request sent with the previous one) are parsed at once, not after more arrive.
  void WaitForRequest() {
    if (registry_.Stopping()) return self().Close();
    if (buffer_.size() > 0) {
      busy_ = true;
      return ReadRequest();
    }
    idle_since_ms_ = detail::SteadyMillis();
    busy_ = false;
    auto& lowest = boost::beast::get_lowest_layer(self().Stream());
    auto idle = spec_.limits.idle_timeout.count() > 0 ? spec_.limits.idle_timeout
                                                      : registry_.Options().idle_timeout;
    lowest.expires_after(idle);
    self().Stream().async_read_some(buffer_.prepare(4096),
                                    [s = shared()](boost::system::error_code ec, size_t n) {
                                      if (ec) return s->self().Close();
                                      // From its first byte on, a request counts as in flight:
                                      // shutdown lets it finish.
                                      s->busy_ = true;
                                      s->buffer_.commit(n);
                                      s->ReadRequest();
                                    });
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(registry_.Options().body_limit);
    parser_->header_limit(static_cast<uint32_t>(registry_.Options().header_limit));
    boost::beast::get_lowest_layer(self().Stream()).expires_after(registry_.Options().read_timeout);
    boost::beast::http::async_read(
        self().Stream(), buffer_, *parser_,
        [s = shared()](boost::system::error_code ec, size_t) { s->OnRead(ec); });
  }

  void OnRead(boost::system::error_code ec) {
    namespace http = boost::beast::http;
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof) return self().Close();
    // Beast has already closed the socket on a timeout: nothing can be answered.
    if (ec == boost::beast::error::timeout) return self().Close();
    if (ec == http::error::body_limit) {
      return Reply(ErrorResponse(413, "payload_too_large",
                                 "request body exceeds " +
                                     std::to_string(registry_.Options().body_limit) + " bytes"),
                   11, false, false, /*unread_input=*/true);
    }
    if (ec == http::error::header_limit) {
      return Reply(ErrorResponse(431, "headers_too_large", "request headers are too large"), 11,
                   false, false, /*unread_input=*/true);
    }
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
        return Reply(
            ErrorResponse(400, "bad_http_request", "malformed HTTP request: " + ec.message()), 11,
            false, false, /*unread_input=*/true);
      }
      return self().Close();
    }
    busy_ = true;
    Request req = parser_->release();
    // Two Host headers: proxies and browsers disagree on which one counts, which is what a
    // rebinding or smuggling attempt relies on. Refused on every listener.
    if (req.count(http::field::host) > 1) {
      return Reply(ErrorResponse(400, "duplicate_host_header", "more than one Host header"),
                   req.version(), false, false);
    }
    HttpRequest request = detail::ToHttpRequest(req, spec_.name, peer_);
    HttpResponse response;
    try {
      std::optional<HttpResponse> refused;
      if (spec_.filter) refused = spec_.filter(request);
      response = refused ? std::move(*refused) : spec_.router->Dispatch(request);
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} threw: {}", request.method, request.path, e.what());
      response = ErrorResponse(500, "internal_error", "internal error while handling the request");
    }
    if (spec_.observer) spec_.observer(request, response);
    Reply(std::move(response), req.version(), req.keep_alive(), request.method == "HEAD");
  }

  // `unread_input`: the answer goes out before the request was read to its end (413, 431, a
  // malformed request), so the connection ends with a lingering close, not an immediate one.
  void Reply(HttpResponse response, unsigned version, bool keep_alive, bool head,
             bool unread_input = false) {
    busy_ = true;
    keep_alive = keep_alive && !registry_.Stopping();
    auto msg =
        std::make_shared<Response>(detail::ToBeastResponse(response, version, keep_alive, head));
    boost::beast::get_lowest_layer(self().Stream()).expires_after(registry_.Options().read_timeout);
    boost::beast::http::async_write(
        self().Stream(), *msg,
        [s = shared(), msg, keep_alive, unread_input](boost::system::error_code ec, size_t) {
          if (!ec && unread_input) return s->self().LingerClose();
          if (ec || !keep_alive || s->registry_.Stopping()) return s->self().Close();
          s->WaitForRequest();
        });
  }

  void Register() {
    if (!registry_.Add(this->shared_from_this())) {
      spdlog::warn("refusing connection: server stopping or at its connection limit");
      return self().CloseNow();
    }
    registered_ = true;
    self().Begin();
  }

  void Unregister() {
    if (registered_) {
      registered_ = false;
      registry_.Remove(this->shared_from_this());
    }
  }

  ListenerSpec spec_;
  SessionRegistry& registry_;
  std::shared_ptr<const PeerInfo> peer_;  // read at accept (TLS: completed after the handshake)
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  bool registered_ = false;
};

template <class S>
class PlainSession : public HttpSessionBase<PlainSession<S>> {
 public:
  PlainSession(S stream, ListenerSpec spec, SessionRegistry& registry,
               std::shared_ptr<const PeerInfo> peer, size_t loop)
      : HttpSessionBase<PlainSession<S>>(std::move(spec), registry, std::move(peer), loop),
        stream_(std::move(stream)) {}

  S& Stream() { return stream_; }
  void Begin() { this->WaitForRequest(); }
  void Close() {
    boost::system::error_code ec;
    stream_.socket().shutdown(boost::asio::socket_base::shutdown_both, ec);
    stream_.socket().close(ec);
    this->Unregister();
  }
  void CloseNow() { Close(); }
  // Stops sending, then reads and discards what the client is still sending for at most a
  // second before closing. Closing at once with unread bytes makes the kernel reset a TCP
  // connection, and the reset can destroy the answer in the client's receive buffer before the
  // client reads it: a client still writing a too-large body would see "connection reset", not
  // 413 (RFC 9112 §9.6).
  void LingerClose() {
    boost::system::error_code ec;
    stream_.socket().shutdown(boost::asio::socket_base::shutdown_send, ec);
    boost::beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    Drain(std::make_shared<std::array<char, 16 * 1024>>());
  }

 private:
  void Drain(std::shared_ptr<std::array<char, 16 * 1024>> scratch) {
    stream_.async_read_some(boost::asio::buffer(*scratch),
                            [s = this->shared(), scratch](boost::system::error_code ec, size_t) {
                              if (ec) return s->Close();
                              s->Drain(scratch);
                            });
  }

  S stream_;
};

class TlsSession : public HttpSessionBase<TlsSession> {
 public:
  using StreamType = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  TlsSession(StreamType stream, ListenerSpec spec, SessionRegistry& registry,
             std::shared_ptr<const PeerInfo> peer, size_t loop)
      : HttpSessionBase<TlsSession>(std::move(spec), registry, std::move(peer), loop),
        stream_(std::move(stream)) {}

  StreamType& Stream() { return stream_; }
  void Begin() {
    boost::beast::get_lowest_layer(stream_).expires_after(registry_.Options().read_timeout);
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [s = shared()](boost::system::error_code ec) {
                              if (ec) {
                                spdlog::debug("TLS handshake failed: {}", ec.message());
                                return s->CloseNow();
                              }
                              s->AddClientSubject();
                              s->WaitForRequest();
                            });
  }
  // The verified client certificate's subject joins the peer record (client-CA mode only; a
  // listener without a client CA asks for no certificate).
  void AddClientSubject() {
    X509* cert = SSL_get0_peer_certificate(stream_.native_handle());
    if (!cert || !peer_) return;
    BIO* bio = BIO_new(BIO_s_mem());
    if (!bio) return;
    auto info = std::make_shared<PeerInfo>(*peer_);
    if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      if (n > 0) info->subject.assign(data, static_cast<size_t>(n));
    }
    BIO_free(bio);
    peer_ = std::move(info);
  }
  void Close() {
    if (closing_) return;
    closing_ = true;
    boost::beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    stream_.async_shutdown([s = shared()](boost::system::error_code) { s->CloseNow(); });
  }
  void CloseNow() {
    boost::system::error_code ec;
    boost::beast::get_lowest_layer(stream_).socket().close(ec);
    this->Unregister();
  }
  void LingerClose() { Close(); }  // TLS's close_notify exchange already waits for the peer

 private:
  StreamType stream_;
  bool closing_ = false;
};

template <class Session>
void StartSession(std::shared_ptr<Session> session) {
  // Runs the first step on the session's loop, like every later step.
  boost::asio::dispatch(session->Stream().get_executor(), [session] { session->Register(); });
}

}  // namespace cryfttee::api
