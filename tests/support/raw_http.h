// A deliberately simple blocking HTTP/1.1 client for tests: it can send anything, including
// malformed requests, and reads one response (Content-Length framed) with a timeout.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace cryfttee::testing {

struct RawResponse {
  int status = 0;                              // 0 when the connection closed without an answer
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class RawConnection {
 public:
  static RawConnection Unix(const std::string& path);
  static RawConnection Tcp(const std::string& host, int port);
  RawConnection(RawConnection&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  ~RawConnection();

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // Reads one response; status 0 if the peer closed first or `timeout_ms` passed.
  RawResponse Read(int timeout_ms = 10'000);
  // True if the peer closed the connection within timeout_ms.
  bool WaitClosed(int timeout_ms);

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string pending_;
};

std::string BuildRequest(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& extra_headers = "",
                         bool keep_alive = false);

// One request on a fresh connection to a Unix socket.
RawResponse UnixRequest(const std::string& socket_path, const std::string& method,
                        const std::string& target, const std::string& body = "");
RawResponse TcpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& extra_headers = "");

}  // namespace cryfttee::testing
