#include "client/transport.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace cryfttee::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

struct Transport::TlsState {
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  Status config_error;  // a CA file or client key that could not be loaded
};

namespace {

// Failures while connecting mean the daemon is not there (yet): "unavailable", retryable.
Status Classify(const boost::system::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) {
    return Status::Error(StatusCategory::kUnavailable, "timeout", what + ": timed out");
  }
  if (ec == asio::error::connection_refused || ec == asio::error::not_found ||
      ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
      ec == asio::error::broken_pipe || ec == asio::error::eof ||
      ec == http::error::end_of_stream ||
      ec == boost::system::errc::make_error_code(boost::system::errc::no_such_file_or_directory)) {
    return Status::Unavailable("unavailable", what + ": " + ec.message());
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    return Status::Error(StatusCategory::kUnavailable, "tls_error", what + ": " + ec.message());
  }
  return Status::Unavailable("unavailable", what + ": " + ec.message());
}

// Failures after the request went out: the daemon may have acted on it, so these are
// "connection_lost", which the retry policy does not retry.
Status ClassifyExchange(const boost::system::error_code& ec, const std::string& what) {
  if (ec == beast::error::timeout) {
    return Status::Error(StatusCategory::kUnavailable, "timeout", what + ": timed out");
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    return Status::Error(StatusCategory::kUnavailable, "tls_error", what + ": " + ec.message());
  }
  return Status::Error(StatusCategory::kUnavailable, "connection_lost", what + ": " + ec.message());
}

Result<std::pair<std::string, std::string>> SplitHostPort(const std::string& addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("invalid_address", "expected host:port, got " + addr);
  }
  std::string host = addr.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, addr.substr(colon + 1));
}

// Sends one request and reads one response on an already connected stream, under a deadline.
template <class Stream>
Result<RawResponse> Exchange(asio::io_context& ioc, Stream& stream, const std::string& method,
                             const std::string& target, const std::string& host,
                             const std::string& body, std::chrono::milliseconds timeout) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "cryfttee-client");
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(false);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  boost::system::error_code result;
  beast::get_lowest_layer(stream).expires_after(timeout);
  http::async_write(stream, req, [&](boost::system::error_code ec, size_t) {
    if (ec) {
      result = ec;
      return;
    }
    http::async_read(stream, buffer, parser,
                     [&](boost::system::error_code ec2, size_t) { result = ec2; });
  });
  ioc.restart();
  ioc.run();
  if (result) return ClassifyExchange(result, method + " " + target);
  RawResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = parser.get().body();
  return out;
}

}  // namespace

Transport::Transport(TransportOptions options) : options_(std::move(options)) {
  if (options_.transport == "https") {
    tls_ = std::make_unique<TlsState>();
    SSL_CTX_set_min_proto_version(tls_->ctx.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    auto fail = [&](const std::string& what) {
      if (ec && tls_->config_error.ok()) {
        tls_->config_error =
            Status::InvalidArgument("tls_config_error", what + ": " + ec.message());
      }
    };
    if (!options_.ca_file.empty()) {
      tls_->ctx.load_verify_file(options_.ca_file, ec);
      fail("CA file " + options_.ca_file);
    } else {
      tls_->ctx.set_default_verify_paths(ec);
      fail("system CA store");
    }
    if (!options_.client_cert.empty() || !options_.client_key.empty()) {
      tls_->ctx.use_certificate_chain_file(options_.client_cert, ec);
      fail("client certificate " + options_.client_cert);
      tls_->ctx.use_private_key_file(options_.client_key, asio::ssl::context::pem, ec);
      fail("client key " + options_.client_key);
    }
    tls_->ctx.set_verify_mode(options_.insecure_skip_verify ? asio::ssl::verify_none
                                                            : asio::ssl::verify_peer);
  }
}

Transport::~Transport() = default;

std::string Transport::Endpoint() const {
  return options_.transport == "uds" ? options_.socket_path : options_.http_addr;
}

Result<RawResponse> Transport::Request(const std::string& method, const std::string& target,
                                       const std::string& body) {
  if (options_.transport != "uds" && options_.transport != "http" &&
      options_.transport != "https") {
    return Status::InvalidArgument(
        "invalid_transport", "transport must be uds, http or https, not " + options_.transport);
  }
  asio::io_context ioc;
  boost::system::error_code ec;
  if (options_.transport == "uds") {
    beast::basic_stream<local, asio::any_io_executor, beast::unlimited_rate_policy> stream(ioc);
    stream.expires_after(options_.timeout);
    stream.async_connect(local::endpoint(options_.socket_path),
                         [&](boost::system::error_code e) { ec = e; });
    ioc.run();
    if (ec) return Classify(ec, "connect " + options_.socket_path);
    return Exchange(ioc, stream, method, target, "localhost", body, options_.timeout);
  }

  CRYFTTEE_ASSIGN_OR_RETURN(auto host_port, SplitHostPort(options_.http_addr));
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(host_port.first, host_port.second, ec);
  if (ec) return Classify(ec, "resolve " + options_.http_addr);
  if (options_.transport == "http") {
    beast::tcp_stream stream(ioc);
    stream.expires_after(options_.timeout);
    stream.async_connect(endpoints,
                         [&](boost::system::error_code e, const tcp::endpoint&) { ec = e; });
    ioc.run();
    if (ec) return Classify(ec, "connect " + options_.http_addr);
    return Exchange(ioc, stream, method, target, options_.http_addr, body, options_.timeout);
  }

  if (!tls_->config_error.ok()) return tls_->config_error;
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls_->ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), host_port.first.c_str());
  if (!options_.insecure_skip_verify) {
    stream.set_verify_callback(asio::ssl::host_name_verification(host_port.first));
  }
  beast::get_lowest_layer(stream).expires_after(options_.timeout);
  beast::get_lowest_layer(stream).async_connect(
      endpoints, [&](boost::system::error_code e, const tcp::endpoint&) {
        if (e) {
          ec = e;
          return;
        }
        stream.async_handshake(asio::ssl::stream_base::client,
                               [&](boost::system::error_code e2) { ec = e2; });
      });
  ioc.run();
  if (ec) return Classify(ec, "connect " + options_.http_addr);
  return Exchange(ioc, stream, method, target, options_.http_addr, body, options_.timeout);
}

}  // namespace cryfttee::client
