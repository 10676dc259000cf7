#include "core/unix_socket_path.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <cstring>

namespace cryfttee {

size_t MaxUnixSocketPathLength() { return sizeof(sockaddr_un::sun_path) - 1; }

bool UnixSocketIsLive(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

Status PrepareUnixSocketPath(const std::string& path) {
  if (path.empty() || path.size() > MaxUnixSocketPathLength()) {
    return Status::InvalidArgument("invalid_socket_path",
                                   "socket path is empty or longer than " +
                                       std::to_string(MaxUnixSocketPathLength()) + " bytes");
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Status::Ok();
  if (!S_ISSOCK(st.st_mode)) {
    return Status::FailedPrecondition("socket_path_occupied",
                                      path + " exists and is not a socket; refusing to replace it");
  }
  if (UnixSocketIsLive(path)) {
    return Status::FailedPrecondition(
        "socket_in_use", "another process is serving on " + path + "; refusing to take it over");
  }
  spdlog::warn("removing stale socket {} left by a process that is gone", path);
  ::unlink(path.c_str());
  return Status::Ok();
}

}  // namespace cryfttee
