#include "support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace cryfttee::testing {

RawConnection RawConnection::Unix(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    fd = -1;
  }
  return RawConnection(fd);
}

RawConnection RawConnection::Tcp(const std::string& host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    fd = -1;
  }
  return RawConnection(fd);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

RawResponse RawConnection::Read(int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  RawResponse resp;
  std::string& buf = pending_;
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::string head = buf.substr(0, header_end);
        size_t line_end = head.find("\r\n");
        std::string status_line = head.substr(0, line_end);
        if (status_line.size() >= 12) resp.status = std::atoi(status_line.c_str() + 9);
        size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
        while (pos < head.size()) {
          size_t e = head.find("\r\n", pos);
          if (e == std::string::npos) e = head.size();
          std::string line = head.substr(pos, e - pos);
          size_t colon = line.find(':');
          if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            resp.headers[name] = value;
          }
          pos = e + 2;
        }
        content_length =
            resp.headers.count("content-length") ? std::stoul(resp.headers["content-length"]) : 0;
      }
    }
    if (header_end != std::string::npos && buf.size() >= header_end + 4 + content_length) {
      resp.body = buf.substr(header_end + 4, content_length);
      buf.erase(0, header_end + 4 + content_length);
      return resp;
    }
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return RawResponse{};
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return RawResponse{};
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return RawResponse{};
    buf.append(chunk, static_cast<size_t>(n));
  }
}

bool RawConnection::WaitClosed(int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;
  }
}

std::string BuildRequest(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& extra_headers,
                         bool keep_alive) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!body.empty() || method == "POST") {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += extra_headers;
  req += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  req += "\r\n" + body;
  return req;
}

RawResponse UnixRequest(const std::string& socket_path, const std::string& method,
                        const std::string& target, const std::string& body) {
  RawConnection c = RawConnection::Unix(socket_path);
  if (!c.connected()) return RawResponse{};
  // A server may answer (413) and close before the whole body is sent: still read the answer.
  c.Send(BuildRequest(method, target, body));
  return c.Read();
}

RawResponse TcpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& extra_headers) {
  RawConnection c = RawConnection::Tcp("127.0.0.1", port);
  if (!c.connected() || !c.Send(BuildRequest(method, target, body, extra_headers))) {
    return RawResponse{};
  }
  return c.Read();
}

}  // namespace cryfttee::testing
