#include "net/http_client.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <set>
#include <thread>

namespace cryfttee::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

Status Unavailable(const std::string& code, const std::string& message) {
  return Status::Unavailable(code, message);
}

Status Upstream(const std::string& code, const std::string& message) {
  return Status::Error(StatusCategory::kUpstream, code, message);
}

// Maps an I/O failure to our codes. `answered` = some response bytes arrived.
Status FromError(const beast::error_code& ec, const std::string& stage, const Origin& origin) {
  std::string where = origin.ToString() + ": " + stage + ": " + ec.message();
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
    return Unavailable("http_timeout", where);
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    return Upstream("http_response_too_large", where);
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return Upstream("http_bad_response", where);
  }
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == asio::ssl::error::get_stream_category()) {
    if (stage == "read" && ec == asio::ssl::error::stream_truncated) {
      return Unavailable("http_connection_reset", where);
    }
    return Unavailable("http_tls_failed", where);
  }
  if (stage == "connect" || stage == "resolve") return Unavailable("http_connect_failed", where);
  return Unavailable("http_connection_reset", where);
}

bool IsRetryable(const Result<OutboundResponse>& r) {
  if (r.ok()) return r->status == 502 || r->status == 503 || r->status == 504;
  const std::string& code = r.status().code();
  return code == "http_connect_failed" || code == "http_connection_reset";
}

struct Exchange {
  beast::error_code ec;
  std::string stage;
  bool answered = false;  // a whole response was read
  http::response<http::string_body> response;
};

template <typename Stream>
asio::awaitable<void> WriteAndRead(Stream& stream, http::request<http::string_body>& req,
                                   size_t cap, Exchange& out) {
  out.stage = "write";
  auto [wec, written] =
      co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
  (void)written;
  if (wec) {
    out.ec = wec;
    co_return;
  }
  out.stage = "read";
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(std::min<size_t>(cap, 64 * 1024)));
  parser.body_limit(cap);
  // An answer to HEAD carries the GET answer's Content-Length but no body (RFC 9110 §9.3.2):
  // without this the parser waits for bytes that never come, until the deadline.
  if (req.method() == http::verb::head) parser.skip(true);
  auto [rec, read] =
      co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  (void)read;
  if (rec) {
    out.ec = rec;
    co_return;
  }
  out.response = parser.release();
  out.answered = true;
}

}  // namespace

struct HttpClient::Impl {
  std::optional<asio::ssl::context> tls;
  Mutex mu;
  std::set<asio::io_context*> active GUARDED_BY(mu);
  bool stopped GUARDED_BY(mu) = false;
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(HttpClientOptions options) {
  CRYFTTEE_ASSIGN_OR_RETURN(Origin origin, ParseOrigin(options.url));
  auto impl = std::make_unique<Impl>();
  if (origin.tls()) {
    impl->tls.emplace(asio::ssl::context::tls_client);
    impl->tls->set_verify_mode(asio::ssl::verify_peer);
    beast::error_code ec;
    if (options.ca_file.empty()) {
      impl->tls->set_default_verify_paths(ec);
    } else {
      impl->tls->load_verify_file(options.ca_file, ec);
    }
    if (ec) {
      return Status::InvalidArgument(
          "ca_file_unreadable",
          "CA file \"" + options.ca_file + "\" could not be loaded: " + ec.message());
    }
  }
  return std::unique_ptr<HttpClient>(
      new HttpClient(std::move(options), std::move(origin), std::move(impl)));
}

HttpClient::HttpClient(HttpClientOptions options, Origin origin, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), origin_(std::move(origin)), impl_(std::move(impl)) {}

HttpClient::~HttpClient() = default;

void HttpClient::Stop() {
  MutexLock lock(&impl_->mu);
  impl_->stopped = true;
  for (asio::io_context* ioc : impl_->active) ioc->stop();
}

Result<OutboundResponse> HttpClient::Send(const OutboundRequest& request) {
  auto target = ResolveTarget(origin_, request.target);
  if (!target.ok()) {
    if (target.status().code() == "http_origin_not_allowed") {
      spdlog::warn("outbound HTTP refused: {}", target.status().message());
    }
    return target.status();
  }
  auto total =
      std::min(options_.total_timeout, request.total_timeout.value_or(options_.total_timeout));
  const Clock::time_point deadline = Clock::now() + total;
  const bool idempotent =
      request.idempotent.value_or(request.method == "GET" || request.method == "HEAD");
  const int attempts = idempotent ? std::max(1, options_.max_attempts) : 1;
  auto backoff = options_.first_backoff;
  Result<OutboundResponse> result = Unavailable("http_stopped", "not attempted");
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    result = SendOnce(request, *target, deadline);
    if (result.ok()) result->attempts = attempt;
    if (attempt == attempts || !IsRetryable(result)) break;
    if (Clock::now() + backoff >= deadline) break;
    {
      MutexLock lock(&impl_->mu);
      if (impl_->stopped) break;
    }
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
  return result;
}

Result<OutboundResponse> HttpClient::SendOnce(const OutboundRequest& request,
                                              const std::string& target,
                                              Clock::time_point deadline) {
  asio::io_context ioc(1);
  {
    MutexLock lock(&impl_->mu);
    if (impl_->stopped) return Unavailable("http_stopped", "the client is shutting down");
    impl_->active.insert(&ioc);
  }
  struct Deregister {
    Impl* impl;
    asio::io_context* ioc;
    ~Deregister() {
      MutexLock lock(&impl->mu);
      impl->active.erase(ioc);
    }
  } deregister{impl_.get(), &ioc};

  http::request<http::string_body> req;
  req.method_string(request.method);
  req.target(target);
  req.version(11);
  const bool default_port = origin_.port == (origin_.tls() ? 443 : 80);
  std::string host =
      origin_.host.find(':') != std::string::npos ? "[" + origin_.host + "]" : origin_.host;
  req.set(http::field::host, default_port ? host : host + ":" + std::to_string(origin_.port));
  req.set(http::field::user_agent, std::string("cryfttee/") + CRYFTTEE_VERSION);
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.body() = request.body;
    req.prepare_payload();
  }

  Exchange exchange;
  auto run = [&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    exchange.stage = "resolve";
    auto [rec, endpoints] = co_await resolver.async_resolve(
        origin_.host, std::to_string(origin_.port), asio::as_tuple(asio::use_awaitable));
    if (rec) {
      exchange.ec = rec;
      co_return;
    }
    const size_t cap = options_.max_response_bytes;
    auto connect_deadline = std::min(deadline, Clock::now() + options_.connect_timeout);
    if (!origin_.tls()) {
      beast::tcp_stream stream(executor);
      stream.expires_at(connect_deadline);
      exchange.stage = "connect";
      auto [cec, ep] =
          co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
      (void)ep;
      if (cec) {
        exchange.ec = cec;
        co_return;
      }
      // Beast writes the head and the body separately: without TCP_NODELAY, Nagle holds the
      // body until the head is acknowledged, which costs a delayed-ACK tick per request.
      beast::error_code nodelay_ec;
      stream.socket().set_option(tcp::no_delay(true), nodelay_ec);
      stream.expires_at(deadline);
      co_await WriteAndRead(stream, req, cap, exchange);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, *impl_->tls);
    // SNI for names (not for IP literals), and the name or address checked in the certificate.
    beast::error_code ip_ec;
    asio::ip::make_address(origin_.host, ip_ec);
    if (ip_ec && !SSL_set_tlsext_host_name(stream.native_handle(), origin_.host.c_str())) {
      exchange.stage = "tls";
      exchange.ec = asio::error::invalid_argument;
      co_return;
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(origin_.host));
    beast::get_lowest_layer(stream).expires_at(connect_deadline);
    exchange.stage = "connect";
    auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(
        endpoints, asio::as_tuple(asio::use_awaitable));
    (void)ep;
    if (cec) {
      exchange.ec = cec;
      co_return;
    }
    beast::error_code nodelay_ec;
    beast::get_lowest_layer(stream).socket().set_option(tcp::no_delay(true), nodelay_ec);
    beast::get_lowest_layer(stream).expires_at(deadline);
    exchange.stage = "tls";
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hec) {
      exchange.ec = hec;
      co_return;
    }
    co_await WriteAndRead(stream, req, cap, exchange);
    // No TLS close_notify wait: the connection is not reused and the answer is complete.
  };
  asio::co_spawn(ioc, run, asio::detached);
  ioc.run();

  {
    MutexLock lock(&impl_->mu);
    if (impl_->stopped && !exchange.answered) {
      return Unavailable("http_stopped", "the client is shutting down");
    }
  }
  if (exchange.ec) return FromError(exchange.ec, exchange.stage, origin_);
  if (!exchange.answered) {
    return Unavailable("http_timeout", origin_.ToString() + ": no answer before the deadline");
  }
  OutboundResponse out;
  out.status = static_cast<int>(exchange.response.result_int());
  out.reason = std::string(exchange.response.reason());
  out.content_type = std::string(exchange.response[http::field::content_type]);
  out.body = std::move(exchange.response.body());
  return out;
}

}  // namespace cryfttee::net
