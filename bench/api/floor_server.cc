#include "floor_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace cryfttee::bench {
namespace {

// About the size of a signing answer's headers and a small body.
constexpr char kAnswer[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n"
    "\r\n{\"success\":true}";

// Content-Length of a request head (lower or mixed case), 0 if absent.
size_t ContentLength(const std::string& head) {
  for (size_t i = head.find("\r\n"); i != std::string::npos; i = head.find("\r\n", i + 2)) {
    if (head.size() - i > 17 && strncasecmp(head.c_str() + i + 2, "content-length:", 15) == 0) {
      return std::strtoul(head.c_str() + i + 17, nullptr, 10);
    }
  }
  return 0;
}

void Serve(int fd) {
  std::string buf;
  char tmp[65536];
  for (;;) {
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, tmp, sizeof(tmp), 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buf.append(tmp, static_cast<size_t>(n));
    }
    size_t total = head_end + 4 + ContentLength(buf.substr(0, head_end + 2));
    while (buf.size() < total) {
      ssize_t n = ::recv(fd, tmp, sizeof(tmp), 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buf.append(tmp, static_cast<size_t>(n));
    }
    buf.erase(0, total);
    if (::send(fd, kAnswer, sizeof(kAnswer) - 1, MSG_NOSIGNAL) != sizeof(kAnswer) - 1) {
      ::close(fd);
      return;
    }
  }
}

}  // namespace

int ServeFloor(const std::string& socket_path) {
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (listener < 0 || socket_path.size() >= sizeof(addr.sun_path)) return 1;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  ::unlink(socket_path.c_str());
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener, 64) != 0) {
    std::fprintf(stderr, "floor: cannot listen on %s: %s\n", socket_path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  for (;;) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return 1;
    }
    std::thread(Serve, fd).detach();
  }
}

}  // namespace cryfttee::bench
